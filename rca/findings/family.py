"""One false-discovery control over everything a month's analysis calls clear.

The family is every hypothesis the month's analysis tests for a finding, or that a report calls
clear, better or worse: theme share changes (every tested row of ``theme_changes``, per segment,
both directions), macros (excess over the comparison macros, change vs the previous month, and
after vs before a known change date), technical issues, coaching needs, calibration
(``auditor_deviation`` rows, per item and ALL), AI-label confusions (``ai_confused_pairs``),
label accuracy below target (``ai_accuracy``), themes that stand out for a policy
(``policy_themes``) and the headline KPI changes (``kpi_changes``). One Benjamini-Hochberg q is
computed over all of them at `FAMILY_LEVEL`. The weekly theme changes are not in it: no report
calls them clear. Untested rows (NaN p) are not in it.

Top drivers are not in the family: they decompose the month's KPI into the themes' shares of it
(how much each theme costs), they claim no change and no difference between groups; they keep the
Benjamini-Hochberg q of their own impact tables.

A row is **clear** when its family q < `FAMILY_LEVEL` and its effect is at least the smallest
effect worth acting on (`MIN_EFFECT`; for a rate ratio, a ratio of at least that or at most its
inverse). A finding is significant when it is clear in the harmful direction (`family_tests`'
``harmful``). Tables keep both directions: ``clear`` there means clear either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rca.stats.label_audits import AI_TOLERANCE, binomial_p
from rca.stats.primitives import bh_qvalues

__all__ = [
    "AI_TOLERANCE",
    "FAMILY_COLUMNS",
    "FAMILY_LEVEL",
    "FAMILY_TABLES",
    "FAMILY_TYPES",
    "KPI_MIN_EFFECT",
    "MIN_EFFECT",
    "Family",
    "build_family",
    "family_counts",
]

#: False-discovery rate of the family: a row is clear at family q below it.
FAMILY_LEVEL = 0.05
#: Smallest effect worth reporting, per family type, on the effect's scale (see each line).
MIN_EFFECT: dict[str, float] = {
    "emerging_theme": 0.01,  # +1 point of comments: smaller moves are invisible to a team lead
    "macro": 0.05,  # +5 points of fail rate: about one more failing audit in 20 on the macro
    "technical_issue": 1.5,  # rate ratio 1.5 (or new): half again as many reports as before
    "coaching_need": 0.05,  # +5 points of the group's audits with the error: worth a session
    "calibration_gap": 0.2,  # 0.2 rating points on an item (ALL in share of scale: 0.05, 5 %)
    "ai_label_confusion": 0.05,  # 5 points above the tolerance (min_effect = tolerance + 0.05)
    "label_accuracy": 0.02,  # 2 points below target: less is within a month's sampling noise
    "policy_theme": 0.05,  # +5 points of a policy's failing audits, as for coaching
    "kpi_change": 0.01,  # 1 point of a rate (see KPI_MIN_EFFECT for the means)
}
#: Smallest KPI change worth reporting, per KPI.
KPI_MIN_EFFECT: dict[str, float] = {
    "pass_rate": 0.01,  # 1 point of pass rate
    "critical_rate": 0.01,  # 1 point of critical-error rate
    "mean_score": 1.0,  # 1 point of a 0-100 audit score
    "mean_rating": 0.1,  # a tenth of a star (1-5)
}
#: Smallest share of the scale for a calibration ALL row in share of scale (5 %).
_CALIBRATION_SHARE = 0.05
#: KPIs for which a fall is harmful (the critical-error rate harms when it rises).
_HIGHER_IS_BETTER = ("pass_rate", "mean_score", "mean_rating")
#: Family types, in the order of `family_counts`.
FAMILY_TYPES: tuple[str, ...] = tuple(MIN_EFFECT)
#: Tables whose rows are in the family, with their family type.
FAMILY_TABLES: dict[str, str] = {
    "theme_changes": "emerging_theme", "macros": "macro", "tech_issues": "technical_issue",
    "coaching": "coaching_need", "auditor_deviation": "calibration_gap",
    "ai_confused_pairs": "ai_label_confusion", "ai_accuracy": "label_accuracy",
    "policy_themes": "policy_theme", "kpi_changes": "kpi_change",
}  # fmt: skip
#: Columns of `Family.tests`, one row per hypothesis.
FAMILY_COLUMNS: tuple[str, ...] = (
    "type", "table", "row", "part", "test", "p", "effect", "min_effect", "ratio", "harmful",
    "q", "clear",
)  # fmt: skip
#: The macros table's tests: part, p column, column prefix of the written-back q and clear.
_MACRO_PARTS = (("excess", "excess_p", ""), ("change", "change_p", "change_"),
                ("after", "after_p", "after_"))  # fmt: skip


@dataclass(frozen=True)
class Family:
    """The family's tests and the tables with the family's verdict written back.

    ``tests``: `FAMILY_COLUMNS`. ``tables``: the input tables, each with ``family_q`` and
    ``clear`` (macros also ``change_*`` and ``after_*`` and ``worse_after`` by the family rule;
    ``auditor_deviation``'s ``direction``, ``policy_themes``' ``stands_out`` and
    ``tech_issues``' ``trend`` by the family rule; ``kpi_changes`` ``q_value``, ``clear``,
    ``verdict``; AI tables a fallback test when they carry none).
    """

    tests: pd.DataFrame
    tables: dict[str, pd.DataFrame]


def _num(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name].astype(float) if name in df else pd.Series(np.nan, index=df.index)


def _tests(
    kind: str, table: str, df: pd.DataFrame, p: pd.Series, effect: pd.Series, *,
    min_effect: float | pd.Series, harmful: pd.Series, test: str | pd.Series, part: str = "",
    ratio: bool = False,
) -> pd.DataFrame:  # fmt: skip
    return pd.DataFrame(
        {"type": kind, "table": table, "row": df.index, "part": part,
         "test": test if isinstance(test, str) else test.astype(str).to_numpy(),
         "p": p.to_numpy(dtype=float), "effect": effect.to_numpy(dtype=float),
         "min_effect": min_effect if isinstance(min_effect, float) else min_effect.to_numpy(),
         "ratio": ratio, "harmful": harmful.fillna(False).to_numpy(dtype=bool)}
    )  # fmt: skip


def _text(df: pd.DataFrame, name: str, default: str) -> str | pd.Series:
    return df[name].fillna(default).astype(str) if name in df else default


def _ai_fallback(df: pd.DataFrame) -> pd.DataFrame:
    """Exact one-sided binomial test of each confusion's share vs its tolerance, if untested."""
    if "p_value" in df:
        return df
    share = df["share"].astype(float)
    support = (df["n"] / share.where(share > 0)).round()
    tol = _num(df, "tolerance").fillna(AI_TOLERANCE)
    p = [
        binomial_p(k, n, t, "greater")
        for k, n, t in zip(df["n"], support.fillna(0), tol, strict=True)
    ]
    return df.assign(support=support, tolerance=tol, p_value=p, test="exact binomial vs tolerance")


def _accuracy_fallback(df: pd.DataFrame) -> pd.DataFrame:
    """Exact one-sided binomial test of accuracy vs its target, if untested."""
    if "p_below_target" in df or not {"correct", "n", "target"} <= set(df):
        return df
    p = [
        binomial_p(k, n, t, "less") if pd.notna(t) else np.nan
        for k, n, t in zip(df["correct"], df["n"], df["target"].astype(float), strict=True)
    ]
    return df.assign(p_below_target=p, test="exact binomial vs target")


def _rows(name: str, df: pd.DataFrame) -> list[pd.DataFrame]:
    """Return the family's tests on the rows of table ``name``."""
    kind = FAMILY_TABLES[name]
    m = MIN_EFFECT[kind]
    if name == "theme_changes":
        df = df[df["item"] != -1]  # unassigned comments: never reported as a theme
        diff = _num(df, "difference")
        return [_tests(kind, name, df, _num(df, "p_value"), diff, min_effect=m,
                       harmful=diff > 0, test=_text(df, "test", "z"))]  # fmt: skip
    if name == "macros":
        effects = {"excess": _num(df, "excess_rate"), "change": _num(df, "change"),
                   "after": _num(df, "after_fail_rate") - _num(df, "before_fail_rate")}  # fmt: skip
        return [
            _tests(kind, name, df, _num(df, col), effects[part], min_effect=m,
                   harmful=effects[part] > 0, test="two-proportion z / Fisher", part=part)
            for part, col, _ in _MACRO_PARTS
        ]  # fmt: skip
    if name == "tech_issues":
        ratio = _num(df, "rate_ratio")
        return [_tests(kind, name, df, _num(df, "p_value"), ratio, min_effect=m,
                       harmful=ratio > 1, test="exact Poisson rate ratio", ratio=True)]  # fmt: skip
    if name == "coaching":
        diff = _num(df, "difference")
        return [_tests(kind, name, df, _num(df, "p_value"), diff, min_effect=m,
                       harmful=diff > 0, test="two-proportion z / Fisher")]  # fmt: skip
    if name == "auditor_deviation":
        dev = _num(df, "mean_deviation")
        share = _text(df, "unit", "points") == "share of scale"
        low = pd.Series(np.where(share, _CALIBRATION_SHARE, m), index=df.index)
        return [_tests(kind, name, df, _num(df, "p_value"), dev, min_effect=low,
                       harmful=dev != 0, test=_text(df, "test", "t-test"))]  # fmt: skip
    if name == "ai_confused_pairs":
        share, tol = _num(df, "share"), _num(df, "tolerance").fillna(AI_TOLERANCE)
        return [_tests(kind, name, df, _num(df, "p_value"), share, min_effect=tol + m,
                       harmful=share > tol, test=_text(df, "test", "exact binomial"))]  # fmt: skip
    if name == "ai_accuracy":
        gap = _num(df, "accuracy") - _num(df, "target")
        return [_tests(kind, name, df, _num(df, "p_below_target"), gap, min_effect=m,
                       harmful=gap < 0, test=_text(df, "test", "exact binomial"))]  # fmt: skip
    if name == "policy_themes":
        diff = _num(df, "difference")
        return [_tests(kind, name, df, _num(df, "p_value"), diff, min_effect=m,
                       harmful=diff > 0, test="two-proportion z / Fisher")]  # fmt: skip
    diff, kpi = _num(df, "difference"), df["kpi"].astype(str)
    worse = pd.Series(np.where(kpi.isin(_HIGHER_IS_BETTER), diff < 0, diff > 0), index=df.index)
    low = kpi.map(KPI_MIN_EFFECT).fillna(m).astype(float)
    return [_tests(kind, name, df, _num(df, "p_value"), diff, min_effect=low, harmful=worse,
                   test=_text(df, "test", ""))]  # fmt: skip


def build_family(
    tables: Mapping[str, pd.DataFrame | None], *, level: float = FAMILY_LEVEL
) -> Family:
    """Test the family: one Benjamini-Hochberg q over every hypothesis of the month's tables.

    Method: the p-values of every tested row of the tables in `FAMILY_TABLES` (each macro three
    times: excess, change, after) are pooled and Benjamini-Hochberg q-values computed over them
    all (statsmodels ``multipletests(method="fdr_bh")`` via `rca.stats.primitives.bh_qvalues`).
    A test is ``clear`` when ``q < level`` and ``|effect| >= min_effect`` (a rate ratio:
    ``effect >= min_effect`` or ``effect <= 1 / min_effect``). ``harmful`` says whether the
    effect points the harmful way (a finding is significant when clear and harmful). AI tables
    without the tests of `rca.stats.label_audits` get an exact binomial test here (one-sided:
    share above `AI_TOLERANCE`, accuracy below target).

    Parameters
    ----------
    tables
        ``{table name: table}`` for any of `FAMILY_TABLES` (None or empty tables are skipped,
        other names ignored).
    level
        False-discovery rate.

    Returns
    -------
    Family
    """
    given = {n: t for n, t in tables.items() if n in FAMILY_TABLES and t is not None and len(t)}
    if "ai_confused_pairs" in given:
        given["ai_confused_pairs"] = _ai_fallback(given["ai_confused_pairs"])
    if "ai_accuracy" in given:
        given["ai_accuracy"] = _accuracy_fallback(given["ai_accuracy"])
    parts = [t for name, df in given.items() for t in _rows(name, df)]
    tests = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=FAMILY_COLUMNS)
    tests = tests[tests["p"].notna()].reset_index(drop=True)
    tests["q"] = bh_qvalues(tests["p"].astype(float))
    effect = tests["effect"].astype(float)
    with np.errstate(divide="ignore"):
        size = np.where(tests["ratio"].astype(bool), np.maximum(effect, 1 / effect), effect.abs())
    tests["clear"] = (tests["q"] < level) & (np.nan_to_num(size) >= tests["min_effect"])
    tests["clear"] = tests["clear"].astype(bool)
    return Family(tests[list(FAMILY_COLUMNS)], _write_back(given, tests))


def _write_back(given: dict[str, pd.DataFrame], tests: pd.DataFrame) -> dict[str, pd.DataFrame]:
    out = {}
    for name, df in given.items():
        mine = tests[tests["table"] == name]
        parts = _MACRO_PARTS if name == "macros" else (("", "", ""),)
        df = df.copy()
        for part, _, prefix in parts:
            rows = mine[mine["part"] == part].set_index("row")
            df[f"{prefix}family_q"] = rows["q"].reindex(df.index).astype(float)
            df[f"{prefix}clear"] = rows["clear"].reindex(df.index).fillna(False).astype(bool)
        out[name] = _words(name, df)
    return out


def _words(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Set the table's own verdict columns by the family rule, so reports never re-decide."""
    clear = df["clear"]
    if name == "macros" and "after_p" in df:
        later = _num(df, "after_fail_rate") > _num(df, "before_fail_rate")
        df["worse_after"] = df["after_clear"] & later
    elif name == "auditor_deviation":
        dev = _num(df, "mean_deviation")
        df["direction"] = np.select([clear & (dev > 0), clear & (dev < 0)],
                                    ["lenient", "strict"], "in line")  # fmt: skip
    elif name == "policy_themes" and "stands_out" in df:
        df["stands_out"] = clear & (_num(df, "difference") > 0)
    elif name == "tech_issues" and "trend" in df:
        ratio = _num(df, "rate_ratio")
        tested = df["trend"] != "n/a"
        df["trend"] = np.select([~tested, clear & (ratio > 1), clear & (ratio < 1)],
                                ["n/a", "rising", "falling"], "stable")  # fmt: skip
    elif name == "kpi_changes":
        df = df.rename(columns={"family_q": "q_value"})
        diff, kpi = _num(df, "difference"), df["kpi"].astype(str)
        better = np.where(kpi.isin(_HIGHER_IS_BETTER), diff > 0, diff < 0)
        df["verdict"] = np.select([clear & better, clear & ~better], ["better", "worse"],
                                  "about the same")  # fmt: skip
        df = df[[c for c in df if c != "clear"] + ["clear"]]
        df = df[[c for c in df if c != "verdict"] + ["verdict"]]
    return df


def family_counts(tests: pd.DataFrame, *, level: float = FAMILY_LEVEL) -> pd.DataFrame:
    """Hypotheses tested and clear per family type, and over all (``type == "all"``).

    Returns
    -------
    DataFrame
        ``type`` (each of `FAMILY_TYPES`, then ``all``), ``tested``, ``clear``, ``level``.
    """
    tested = tests.groupby("type").size().reindex(FAMILY_TYPES, fill_value=0)
    clear = tests.groupby("type")["clear"].sum().reindex(FAMILY_TYPES, fill_value=0)
    out = pd.DataFrame({"type": FAMILY_TYPES, "tested": tested.to_numpy(),
                        "clear": clear.to_numpy()})  # fmt: skip
    total = pd.DataFrame({"type": ["all"], "tested": [len(tests)],
                          "clear": [int(tests["clear"].sum())]})  # fmt: skip
    out = pd.concat([out, total], ignore_index=True).astype({"tested": int, "clear": int})
    return out.assign(level=level)
