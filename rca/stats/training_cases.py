"""Training packs: real, redacted cases chosen to teach a weak rubric item or a coaching theme.

A *pack* is a short set of cases for a training session. Two kinds:

- ``rubric item``: one per rubric item whose Krippendorff's α is below `ALPHA_THRESHOLD` in the
  calibration agreement table. Its cases are calibration cases of that item rated by the expert,
  those where the auditors disagreed most first; the question is "rate this item", the answer
  the expert's rating.
- ``coaching``: one per team or new-hire cohort and error category found clear this month
  (``coaching`` table, ``clear`` column from the month's false-discovery family). Its cases are
  the month's audits with that error category (fail) and passed audits of the same queues
  (pass); the question is "pass or fail?", the answer the audit's verdict, with the auditor's
  redacted comment as the reasoning.

Selection (`pick_cases`): as balanced between pass and fail as the candidates allow, spread over
queues and markets, most disputed first, ties broken by a seeded random key (the same seed gives
the same pack). Exclusion rule (`EXCLUSION_RULE`): a pack for a team or a cohort never holds a
case handled by an agent of that team, so no trainee meets their own audited case (nor a
teammate's); rubric-item packs are for the whole operation and take cases from every team.
Personal data never enters a pack: case text is the workspace's redacted ``comment`` column, and
agent and auditor names are not kept.
"""

from __future__ import annotations

import zlib
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from rca.core.argument_checks import require_columns
from rca.stats.ratings import ALL, UNIT, check_ratings

__all__ = [
    "ALPHA_THRESHOLD",
    "CASE_COLUMNS",
    "EXCLUSION_RULE",
    "PACK_COLUMNS",
    "case_disagreement",
    "coaching_packs",
    "item_packs",
    "pick_cases",
]

#: Krippendorff's α below which agreement on a rubric item is too low to rely on (Krippendorff
#: 2004: data with α < 0.667 should not be used even for tentative conclusions).
ALPHA_THRESHOLD = 0.667
#: The rule that keeps trainees' own work out of their packs, as the packs and README state it.
EXCLUSION_RULE = (
    "A pack for a team or a new-hire cohort never contains a case handled by an agent of that "
    "team (the trainees' own audited cases, and their teammates'); rubric-item packs are for the "
    "whole operation and take cases from every team."
)
#: Columns of the ``training_packs`` table.
PACK_COLUMNS: tuple[str, ...] = (
    "pack_id", "kind", "subject", "audience", "team", "alpha", "threshold", "share",
    "rest_share", "n_cases", "n_candidates", "excluded_team",
)  # fmt: skip
#: Columns of the ``training_cases`` table. ``question`` is ``"rate"`` (rate the rubric item) or
#: ``"pass_fail"`` (does the case pass the audit?); the answer key is ``answer`` with the expert's
#: rating, the auditors' ratings and the redacted ``comment``.
CASE_COLUMNS: tuple[str, ...] = (
    "pack_id", "case_no", "case_id", "item", "question", "options", "queue", "market", "policy",
    "macro_id", "answer", "verdict", "expert_rating", "auditor_ratings", "disagreement",
    "comment", "session_id",
)  # fmt: skip
_PASS, _FAIL = "pass", "fail"


def _scales(df: pd.DataFrame) -> pd.DataFrame:
    """Each item's lowest and highest rating, and whether it is pass/fail (ratings 0 and 1)."""
    scale = df.groupby("item")["rating"].agg(lo="min", hi="max")
    binary = df.assign(_01=df["rating"].isin([0.0, 1.0])).groupby("item")["_01"].all()
    return scale.assign(binary=binary)


def case_disagreement(ratings: pd.DataFrame) -> pd.DataFrame:
    """How much the auditors disagreed on each calibration case and item, with the expert's rating.

    Method: per unit (session, case, item) rated by the expert and at least two auditors,
    ``disagreement`` is the population standard deviation of the auditors' ratings divided by
    the item's scale range (so 1-5 and pass/fail items compare; 0.5 is an even pass/fail split),
    and ``off_expert`` the mean absolute distance of the auditors from the expert, on the same
    scale. The expert's rating is the reference (the median when several experts rated).
    ``verdict`` is ``"pass"`` when the expert's rating is at least the middle of the item's
    scale (1 on a 0/1 item, 3 on 1-5), else ``"fail"``.

    Parameters
    ----------
    ratings
        The ``calibration`` table (`rca.stats.ratings.check_ratings`).

    Returns
    -------
    DataFrame
        ``session_id``, ``case_id``, ``item``, ``expert_rating``, ``auditor_ratings`` (sorted
        list), ``n_auditors``, ``disagreement``, ``off_expert``, ``verdict``, ``binary``,
        ``lo``, ``hi``; units without an expert rating are left out.
    """
    df = check_ratings(ratings)
    columns = ["session_id", "case_id", "item", "expert_rating", "auditor_ratings", "n_auditors",
               "disagreement", "off_expert", "verdict", "binary", "lo", "hi"]  # fmt: skip
    if df.empty or not df["is_expert"].any():
        return pd.DataFrame(columns=columns)
    scales = _scales(df)
    expert = df[df["is_expert"]].groupby(UNIT)["rating"].median().rename("expert_rating")
    grouped = df[~df["is_expert"]].groupby(UNIT)["rating"]
    auditors = grouped.agg(auditor_ratings=lambda v: sorted(float(x) for x in v), n_auditors="size")
    auditors["sd"] = grouped.std(ddof=0)
    out = auditors.join(expert, how="inner").reset_index()
    out = out[out["n_auditors"] >= 2].join(scales, on="item")
    width = (out["hi"] - out["lo"]).where(out["hi"] > out["lo"], 1.0)
    out["disagreement"] = out["sd"] / width
    out["off_expert"] = [
        float(np.mean(np.abs(np.asarray(r) - e))) / w
        for r, e, w in zip(out["auditor_ratings"], out["expert_rating"], width, strict=True)
    ]
    middle = (out["lo"] + out["hi"]) / 2
    out["verdict"] = np.where(out["expert_rating"] >= middle, _PASS, _FAIL)
    return out[columns].reset_index(drop=True)


def _key(seed: int, pack_id: str, n: int) -> np.ndarray:
    """Seeded random tie-break keys of a pack's candidates (stable across pack order)."""
    return np.random.default_rng([seed, zlib.crc32(pack_id.encode())]).random(n)


def pick_cases(candidates: pd.DataFrame, n: int, *, seed: int, pack_id: str) -> pd.DataFrame:
    """Choose ``n`` teaching cases: balanced pass/fail, spread over queues and markets, disputed.

    Method: candidates (``verdict``, ``disagreement``, ``queue``, ``market``) are split by
    verdict and ranked by ``disagreement`` (highest first), ties by a random key drawn from a
    numpy Generator seeded with ``seed`` and the pack id. Picks alternate fail, pass, fail...
    (the other verdict fills in when one runs out). Each pick takes, among the best-ranked
    ``n`` remaining candidates of its verdict, the one whose queue and market have been picked
    least so far (ties: the better ranked), so disputed cases come first but no queue or market
    dominates.

    Parameters
    ----------
    candidates
        One row per case (``case_id`` unique).
    n
        Cases wanted (fewer when there are fewer candidates).
    seed, pack_id
        Make the random tie-breaks reproducible per pack.

    Returns
    -------
    DataFrame
        The chosen rows in pick order, with ``case_no`` 1, 2, ...
    """
    require_columns(candidates, ["case_id", "verdict", "disagreement", "queue", "market"],
                    "training candidates")  # fmt: skip
    df = candidates.assign(_key=_key(seed, pack_id, len(candidates)))
    df = df.sort_values(["disagreement", "_key"], ascending=[False, True], ignore_index=True)
    queues = {v: list(df.index[df["verdict"] == v]) for v in (_FAIL, _PASS)}
    used: Counter[Any] = Counter()
    chosen: list[int] = []
    turn = 0
    while len(chosen) < n and (queues[_FAIL] or queues[_PASS]):
        verdict = (_FAIL, _PASS)[turn % 2]
        turn += 1
        if not queues[verdict]:
            verdict = _PASS if verdict == _FAIL else _FAIL
        window = queues[verdict][:n]  # ranked: the first of the least crowded wins
        crowding = [
            used[("q", df.at[i, "queue"])] + used[("m", df.at[i, "market"])] for i in window
        ]
        best = window[int(np.argmin(crowding))]
        queues[verdict].remove(best)
        used.update([("q", df.at[best, "queue"]), ("m", df.at[best, "market"])])
        chosen.append(best)
    out = df.loc[chosen].drop(columns="_key").reset_index(drop=True)
    return out.assign(case_no=np.arange(1, len(out) + 1))


def _with_audits(cases: pd.DataFrame, audits: pd.DataFrame) -> pd.DataFrame:
    """Join each case to its audit: queue, market, team and the redacted comment."""
    extra = ("queue", "market", "team", "policy", "macro_id", "comment")
    keep = ["case_id", *(c for c in extra if c in audits and c not in cases)]
    first = audits[keep].drop_duplicates("case_id")
    out = cases.merge(first, on="case_id", how="left")
    for column in extra:
        if column not in out:
            out[column] = None
    out[["queue", "market"]] = out[["queue", "market"]].fillna("unknown")
    return out


def _options(binary: bool, lo: float, hi: float) -> str:
    return "pass / fail" if binary else " / ".join(str(int(v)) for v in np.arange(lo, hi + 1))


def _rating_answer(rating: float, binary: bool) -> str:
    if binary:
        return _PASS if rating >= 0.5 else _FAIL
    return f"{rating:g}"


def item_packs(
    ratings: pd.DataFrame,
    agreement: pd.DataFrame,
    audits: pd.DataFrame,
    *,
    n_cases: int = 8,
    seed: int = 0,
    threshold: float = ALPHA_THRESHOLD,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One pack per rubric item whose agreement is below ``threshold``, with its cases.

    Parameters
    ----------
    ratings
        The ``calibration`` table (every session up to the month).
    agreement
        `rca.stats.agreement.agreement` of those ratings (``item``, ``alpha``).
    audits
        Audits with ``case_id``, ``queue``, ``market``, ``team`` and the redacted ``comment``.
    n_cases, seed
        Cases per pack, and the seed of `pick_cases`.
    threshold
        Krippendorff's α below which an item gets a pack.

    Returns
    -------
    packs, cases
        `PACK_COLUMNS` (weakest item first) and `CASE_COLUMNS` (``answer``: the expert's
        rating, ``pass``/``fail`` on a pass/fail item).
    """
    require_columns(agreement, ["item", "alpha"], "calibration agreement")
    weak = agreement[(agreement["item"] != ALL) & (agreement["alpha"] < threshold)]
    weak = weak.sort_values(["alpha", "item"])
    units = case_disagreement(ratings)
    packs, cases = [], []
    for row in weak.to_dict("records"):
        item = str(row["item"])
        pack_id = f"item-{_slug(item)}"
        mine = units[units["item"] == item]
        mine = mine.sort_values("disagreement", ascending=False).drop_duplicates("case_id")
        chosen = pick_cases(_with_audits(mine, audits), n_cases, seed=seed, pack_id=pack_id)
        packs.append({
            "pack_id": pack_id, "kind": "rubric item", "subject": item,
            "audience": "all auditors and trainers", "team": None,
            "alpha": float(row["alpha"]), "threshold": threshold, "share": np.nan,
            "rest_share": np.nan,
            "n_cases": len(chosen), "n_candidates": len(mine), "excluded_team": None,
        })  # fmt: skip
        for c in chosen.to_dict("records"):
            cases.append({
                "pack_id": pack_id, "case_no": int(c["case_no"]), "case_id": str(c["case_id"]),
                "item": item, "question": "rate",
                "options": _options(bool(c["binary"]), c["lo"], c["hi"]), "queue": c["queue"],
                "market": c["market"], "policy": c["policy"], "macro_id": c["macro_id"],
                "answer": _rating_answer(c["expert_rating"], bool(c["binary"])),
                "verdict": c["verdict"],
                "expert_rating": float(c["expert_rating"]), "auditor_ratings": c["auditor_ratings"],
                "disagreement": float(c["disagreement"]), "comment": c["comment"],
                "session_id": str(c["session_id"]),
            })  # fmt: skip
    return _frame(packs, PACK_COLUMNS), _frame(cases, CASE_COLUMNS)


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


def _needs(coaching: pd.DataFrame) -> pd.DataFrame:
    """Clear coaching needs, one per team and error category (a cohort preferred to an agent)."""
    clear = coaching["clear"] if "clear" in coaching else coaching["q_value"] < 0.05
    needs = coaching[clear.fillna(False).astype(bool) & (coaching["difference"] > 0)]
    needs = needs[needs["team"].notna()].assign(
        _cohort=needs["group_type"] != "cohort", audience=needs["group"]
    )
    needs.loc[needs["group_type"] != "cohort", "audience"] = needs["team"]
    needs = needs.sort_values(["_cohort", "q_value", "error_category"])
    return needs.drop_duplicates(["team", "error_category"])


def coaching_packs(
    coaching: pd.DataFrame,
    audits: pd.DataFrame,
    *,
    month: str,
    disagreement: pd.DataFrame | None = None,
    n_cases: int = 8,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One pack per team (or cohort) and error category found clear this month.

    Candidates are the ``month``'s audits of other teams (`EXCLUSION_RULE`): fail cases have
    the error category, pass cases are passed audits of the queues those fail cases come from.
    A case rated in calibration ranks by its largest ``disagreement`` over the rubric items
    (`case_disagreement`); others rank 0 and are ordered by the seeded key.

    Parameters
    ----------
    coaching
        The month's ``coaching`` table (`rca.stats.coaching.coaching_needs`, with ``clear``).
    audits
        Audits with ``audit_date``/``month``, ``case_id``, ``team``, ``queue``, ``market``,
        ``passed``, ``error_category`` and the redacted ``comment`` (without the first six, no
        coaching pack).
    month
        ``YYYY-MM``.
    disagreement
        `case_disagreement` of the calibration ratings, if any.
    n_cases, seed
        As in `item_packs`.

    Returns
    -------
    packs, cases
        As `item_packs`; ``answer`` is the audit's verdict, ``pass`` or ``fail`` (a fail has
        the pack's error category), ``comment`` the auditor's redacted comment.
    """
    empty = (_frame([], PACK_COLUMNS), _frame([], CASE_COLUMNS))
    needed = {"case_id", "team", "queue", "market", "passed", "error_category"}
    if coaching.empty or not {"team", "error_category", "difference"} <= set(coaching):
        return empty
    if not needed <= set(audits):  # no pass/fail or no queues: nothing to pick cases by
        return empty
    now = audits[audits["month"] == month] if "month" in audits else audits
    now = now.drop_duplicates("case_id")
    spread = pd.Series(dtype=float)
    if disagreement is not None and len(disagreement):
        spread = disagreement.groupby("case_id")["disagreement"].max()
    packs, cases = [], []
    for need in _needs(coaching).to_dict("records"):
        category, team = str(need["error_category"]), str(need["team"])
        pack_id = f"coaching-{_slug(team)}-{_slug(category)}"
        others = now[now["team"] != team]
        fails = others[others["error_category"] == category]
        passes = others[others["passed"].fillna(False).astype(bool)
                        & others["queue"].isin(set(fails["queue"]))]  # fmt: skip
        pool = pd.concat([fails.assign(verdict=_FAIL), passes.assign(verdict=_PASS)])
        pool = pool.drop_duplicates("case_id")  # a passed audit may name a minor error
        pool = pool.assign(disagreement=pool["case_id"].map(spread).fillna(0.0))
        chosen = pick_cases(_with_audits(pool, now), n_cases, seed=seed, pack_id=pack_id)
        packs.append({
            "pack_id": pack_id, "kind": "coaching", "subject": category,
            "audience": str(need["audience"]), "team": team,
            "alpha": np.nan, "threshold": np.nan, "share": float(need["share"]),
            "rest_share": float(need["rest_share"]),
            "n_cases": len(chosen), "n_candidates": len(pool), "excluded_team": team,
        })  # fmt: skip
        for c in chosen.to_dict("records"):
            cases.append({
                "pack_id": pack_id, "case_no": int(c["case_no"]), "case_id": str(c["case_id"]),
                "item": category, "question": "pass_fail", "options": "pass / fail",
                "queue": c["queue"], "market": c["market"], "policy": c["policy"],
                "macro_id": c["macro_id"], "answer": c["verdict"], "verdict": c["verdict"],
                "expert_rating": 1.0 if c["verdict"] == _PASS else 0.0, "auditor_ratings": [],
                "disagreement": float(c["disagreement"]), "comment": c["comment"],
                "session_id": None,
            })  # fmt: skip
    return _frame(packs, PACK_COLUMNS), _frame(cases, CASE_COLUMNS)
