"""Theme identity across months: stability, planted lineage and churn of the theme registry.

Three measurements of `rca.themes.registry.assign_registry`, each next to a baseline run in the
same process, so the gain is visible:

- **stability** (target >= 0.90): the CFPB complaint narratives (../shared/data, the 21 months
  2018-07..2020-03, 1 to 314 a month, all used, no subsampling; 54 older ones left out); a
  6-month window slides one month at a time, themes are fitted per window
  (`rca.themes.find.find_themes`, embedder ``auto``, seed 0) and matched to the registry. Of the
  texts present in both consecutive windows, the share that keep the same registry id.
  Baselines: the raw fitted theme ids (what a refit gives today), BERTopic-style matching by
  centroid only (each fitted theme takes the id of the most similar previous theme) and the
  registry without keeping texts' ids (``assign_registry(keep=False)``).
- **planted lineage** (target >= 90 % of months exact): `rca sample` with a planted split and
  merge (``--split-month``/``--merge-month``), audit comments fitted as the monthly pipeline
  does (`rca.analysis.registry_themes`): a window of ``--sample-window`` months (default
  `rca.analysis.registry_themes.WINDOW_MONTHS`, 6; fewer in the sample's first months, as for a
  team's first months) slides one month at a time, each window's fit is matched to the registry
  as the previous month left it (``assign_registry(keep=True)``, then ``state_after``). A month is
  exact when the registry reports the planted split in the split month, the planted merge in the
  merge month and no other split or merge (months other than those: none at all). The defaults
  (12 months, 2025-11..2026-10, split 2026-06, merge 2026-08, the planted months of the first
  runs) give both planted months a full window of months before them and two months after.
  ``--sample-window 1`` fits each month alone (no shared texts: centroids are the only
  evidence), what this benchmark did first.
- **no churn** (target 0): the same sample months, counting ``new`` and ``gone`` registry themes
  above the minimum theme size (10 texts) in months without a planted change.

Every measurement is made for the registry's default matching rule (the owner rule) and, on the
same fits, for its previous rule (``assign_registry(rule="links")``), the baseline; the JSON
also keeps the figures of the run before the owner rule (``previous_rule.earlier_run``).

Development data (thresholds were tuned on these only): CFPB windows ending in the first 11
months (2018-07..2019-05) and sample seed 0. Reported as held out: CFPB windows ending later,
sample seed 1 (and any further ``--seeds``). The JSON says which row is which. Sample comments:
English only (so ``auto`` picks MiniLM; with the market languages it picks e5, slower to embed),
cleaned, not redacted.

    .venv/bin/python benchmarks/identity.py [--seeds 0 1] [--sample-months 12]
        [--sample-window 6] [--split-month 2026-06] [--merge-month 2026-08] [--skip-cfpb]

``--skip-cfpb`` re-uses the stability figures of the existing results file (the JSON says so).
The sample figures of earlier runs with another ``--sample-window`` are kept in the JSON
(``planted_other_windows``) and printed as further rows.

Writes benchmarks/results/identity.json and prints Markdown tables.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from rca.store.registry_frames import RegistryState
from rca.text.clean import clean_text
from rca.text.keys import text_keys
from rca.themes.find import find_themes
from rca.themes.registry import assign_registry, state_after

ROOT = Path(__file__).resolve().parent.parent
#: ../shared/data beside the repository (or beside a parent folder: a git worktree's checkout).
DATA = next(
    (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()),
    ROOT.parent / "shared" / "data",
)
RESULTS = Path(__file__).resolve().parent / "results" / "identity.json"
WINDOW = 6
FIRST_MONTH = "2018-07"
#: CFPB windows ending in these months (the first 11 of the data) are development data.
CFPB_DEV_LAST = "2019-05"
DEV_SEED = 0
#: The registry's matching rules measured side by side on the same fits: the month rule (the
#: default: the report month's texts placed first), the owner rule (the default before it) and
#: the links rule (a link needs a part of both sides), the baselines.
RULES = ("month", "owner", "links")


def embed_once(texts: list[str]) -> np.ndarray:
    """Embed every text once with the embedder ``auto`` picks for English texts (MiniLM)."""
    from rca.themes.languages import resolve_embedder

    embedder = resolve_embedder("auto", texts[:1], ["en"])[0]
    return np.asarray(embedder.embed(texts), dtype=np.float32)


#: Folder of saved window fits (``--fit-cache``), or None: every window is fitted.
FIT_CACHE: Path | None = None


@dataclass
class Fit:
    """What the registry needs of a window's fit (`rca.themes.find.Themes`, saved)."""

    theme_ids: np.ndarray
    theme_info: pd.DataFrame
    model: SimpleNamespace


def fit(texts: list[str], embeddings: np.ndarray, seed: int = 0) -> Fit:
    """Fit themes as the monthly analysis does (embedder ``auto``, English texts).

    The embeddings are computed once per text (`embed_once`), as the pipeline's embedding cache
    does, instead of again for every window. With ``--fit-cache`` a window fitted before (same
    texts in the same order, same seed) is read back instead: the fit is deterministic, and
    the matching rules, not the fits, are what this benchmark compares.
    """
    key = hashlib.sha256("\n".join([*texts, f"seed={seed}"]).encode()).hexdigest()[:32]
    path = None if FIT_CACHE is None else FIT_CACHE / f"{key}.pkl"
    if path is not None and path.exists():
        saved = pickle.loads(path.read_bytes())  # a private cache this script wrote
        return Fit(
            saved["theme_ids"], saved["info"], SimpleNamespace(centroids_=saved["centroids"])
        )
    themes = find_themes(texts, embedder="auto", seed=seed, languages=["en"] * len(texts),
                         embeddings=embeddings)  # fmt: skip
    saved = {
        "theme_ids": np.asarray(themes.theme_ids),
        "info": themes.theme_info[["theme_id", "theme_label", "keywords", "size"]].copy(),
        "centroids": dict(themes.model.centroids_),
    }
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(saved))
        tmp.replace(path)
    return Fit(saved["theme_ids"], saved["info"], SimpleNamespace(centroids_=saved["centroids"]))


def centroid_only(previous: dict[int, np.ndarray], themes: Fit, next_id: int) -> dict[int, int]:
    """BERTopic-style baseline: each fitted theme takes its most similar previous theme's id."""
    ids: dict[int, int] = {}
    prev_ids = sorted(previous)
    for t, c in sorted(themes.model.centroids_.items()):
        if prev_ids:
            sims = [float(previous[p] @ c) for p in prev_ids]
            ids[t] = prev_ids[int(np.argmax(sims))]
        else:
            ids[t], next_id = next_id, next_id + 1
    return ids


def kept(prev: pd.Series, now: pd.Series) -> tuple[int, float]:
    """Texts in both windows (themed in the earlier one) and the share keeping their id."""
    common = prev[prev >= 0].index.intersection(now.index)
    if not len(common):
        return 0, float("nan")
    return len(common), float((prev.loc[common] == now.loc[common]).mean())


def cfpb_stability() -> dict[str, Any]:
    """Slide a 6-month window over the CFPB months; share of shared texts keeping their id."""
    df = pd.read_csv(DATA / "cfpb_complaints" / "narratives_only.csv")
    col = next(c for c in df.columns if "narrative" in c.lower())
    df = df[df[col].notna()].copy()
    df["text"] = df[col].astype(str).map(clean_text)
    df = df[df["text"].str.len() > 0]
    df["month"] = pd.to_datetime(df["Date received"]).dt.strftime("%Y-%m")
    df = df[df["month"] >= FIRST_MONTH]  # the README's 21 months (54 older stragglers left out)
    df["key"] = text_keys(df["text"].tolist())
    df = df.drop_duplicates("key")
    vectors = embed_once(df["text"].tolist())
    df["row"] = np.arange(len(df))
    months = [str(p) for p in pd.period_range(FIRST_MONTH, df["month"].max(), freq="M")]
    state = plain = links = owner = RegistryState.empty()
    prev: dict[str, pd.Series] = {}
    prev_centroids: dict[int, np.ndarray] = {}
    next_naive = 0
    rows = []
    for end in range(WINDOW - 1, len(months)):
        window = df[df["month"].isin(months[end - WINDOW + 1 : end + 1])]
        window = window.drop_duplicates("key")
        start = time.perf_counter()
        emb = vectors[window["row"].to_numpy()]
        themes = fit(window["text"].tolist(), emb)
        match, members = assign_registry(themes, window["key"].tolist(), state, months[end],
                                         vectors=emb, months=window["month"].tolist())  # fmt: skip
        state = state_after(state, match, members, months[end])
        match4, members4 = assign_registry(themes, window["key"].tolist(), owner, months[end],
                                           rule="owner")  # fmt: skip
        owner = state_after(owner, match4, members4, months[end])
        match2, members2 = assign_registry(themes, window["key"].tolist(), plain, months[end],
                                           keep=False, rule="owner")  # fmt: skip
        plain = state_after(plain, match2, members2, months[end])
        match3, members3 = assign_registry(themes, window["key"].tolist(), links, months[end],
                                           rule="links")  # fmt: skip
        links = state_after(links, match3, members3, months[end])
        raw = pd.Series(themes.theme_ids, index=window["key"].to_numpy())
        naive_ids = centroid_only(prev_centroids, themes, next_naive)
        next_naive = max([next_naive, *(v + 1 for v in naive_ids.values())])
        centroid = raw.map(naive_ids).fillna(-1).astype("int64")
        prev_centroids = {naive_ids[t]: c for t, c in themes.model.centroids_.items()}
        now = {"registry": members, "registry (no keeping)": members2, "raw fitted ids": raw,
               "centroid only": centroid, "registry, previous rule": members3,
               "registry, owner rule": members4}  # fmt: skip
        row: dict[str, Any] = {
            "window_end": months[end], "texts": len(window), "themes": len(themes.model.centroids_),
            "fit_s": round(time.perf_counter() - start, 1),
            "set": "development" if months[end] <= CFPB_DEV_LAST else "held out",
            "statuses": match.status["status"].value_counts().to_dict(),
        }  # fmt: skip
        if prev:
            for name, series in now.items():
                row["shared"], row[name] = kept(prev[name], series)
            rows.append(row)
        prev = now
        print(f"cfpb {months[end]}: {json.dumps(row, default=str)}", flush=True)
    return {"rows": rows, "summary": _summarise(rows, tuple(now))}


def _summarise(rows: list[dict[str, Any]], methods: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in ("development", "held out"):
        sel = [r for r in rows if r["set"] == part]
        shared = sum(r["shared"] for r in sel)
        out[part] = {
            m: round(sum(r[m] * r["shared"] for r in sel) / shared, 4) if shared else None
            for m in methods
        }
        out[part]["windows"] = len(sel)
        out[part]["min registry"] = round(min(r["registry"] for r in sel), 4) if sel else None
    return out


def _sample_months(seed: int, months: int, split: str, merge: str) -> list[pd.DataFrame]:
    """One frame per month of English audit comments of a sample with the planted lineage."""
    from rca.sample import generate_sample
    from rca.text.language import detect_languages

    with tempfile.TemporaryDirectory() as tmp:
        summary = generate_sample(tmp, months=months, seed=seed, split_month=split,
                                  merge_month=merge)  # fmt: skip
        df = pd.read_csv(summary.files["audits"])
    df["text"] = df["comment"].map(lambda t: clean_text(t) if isinstance(t, str) else "")
    df = df[df["text"].str.len() > 0]
    df = df[[lang == "en" for lang in detect_languages(df["text"].tolist())]].copy()
    df["month"] = df["audit_date"].str[:7]
    df["key"] = text_keys(df["text"].tolist())
    df["category"] = df["error_category"].fillna("none")
    return [g for _, g in df.groupby("month", sort=True)]


def _majority(members: pd.Series, categories: pd.Series, rid: int) -> str:
    keys = members.index[members == rid]
    cats = categories.reindex(keys).dropna()
    return str(cats.mode().iloc[0]) if len(cats) else "?"


def planted_lineage(seed: int, months: int, split: str, merge: str, min_size: int,
                    window: int) -> list[dict]:  # fmt: skip
    """The registry month by month on a sample with a planted split and merge.

    As `rca.analysis.registry_themes` does: each month's themes are fitted on the texts of the
    last ``window`` months up to it (distinct texts) and matched to the registry as the
    previous month left it.
    """

    rows: list[dict[str, Any]] = []
    states = {rule: RegistryState.empty() for rule in RULES}
    prev_cats = pd.Series(dtype=str)
    frames = _sample_months(seed, months, split, merge)
    every = pd.concat(frames).drop_duplicates("key")
    vectors = dict(zip(every["key"], embed_once(every["text"].tolist()), strict=True))
    for i, frame in enumerate(frames):
        month = str(frame["month"].iloc[0])
        win = pd.concat(frames[max(0, i - window + 1) : i + 1]).drop_duplicates("key")
        start = time.perf_counter()
        emb = np.vstack([vectors[k] for k in win["key"]])
        themes = fit(win["text"].tolist(), emb)
        fit_s = round(time.perf_counter() - start, 1)
        cats = pd.Series(win["category"].to_numpy(), index=win["key"].to_numpy())
        for rule, state in states.items():
            match, members = assign_registry(themes, win["key"].tolist(), state, month, rule=rule,
                                             vectors=emb, months=win["month"].tolist())  # fmt: skip
            row = _lineage_row(match, members, state, prev_cats, cats, month, split, merge,
                               min_size)  # fmt: skip
            rows.append({"seed": seed, "month": month, "rule": rule,
                         "window_months": min(i + 1, window), "texts": len(win),
                         "set": "development" if seed == DEV_SEED else "held out", **row,
                         "fit_s": fit_s})  # fmt: skip
            print(f"sample seed {seed} {month} {rule}: {json.dumps(rows[-1], default=str)}",
                  flush=True)  # fmt: skip
            states[rule] = state_after(state, match, members, month)
        prev_cats = cats
    return rows


def _lineage_row(match: Any, members: pd.Series, state: RegistryState, prev_cats: pd.Series,
                 cats: pd.Series, month: str, split: str, merge: str,
                 min_size: int) -> dict[str, Any]:  # fmt: skip
    """One month's lineage as the registry reports it, and whether it is exactly the planted."""
    from rca.sample.lineage import MERGE_THEMES, SPLIT_THEME

    st = match.themes.set_index("registry_id")
    lin = match.lineage
    splits = sorted(lin.loc[lin["relation"] == "split", "parent_id"].unique().tolist())
    merges = sorted(lin.loc[lin["relation"] == "merge", "child_id"].unique().tolist())
    split_of = [_majority(state.members, prev_cats, r) for r in splits]
    split_kids = lin.loc[lin["relation"] == "split", "child_id"].tolist()
    kids_of = [_majority(members, cats, c) for c in split_kids]
    merge_parents = lin.loc[lin["relation"] == "merge", "parent_id"].tolist()
    merged_of = sorted(_majority(state.members, prev_cats, r) for r in merge_parents)
    if state.month is None:
        exact = None  # the first month has nothing to compare with
    elif month == split:
        exact = split_of == [SPLIT_THEME] and set(kids_of) == {SPLIT_THEME} and not merges
    elif month == merge:
        exact = merged_of == sorted(MERGE_THEMES) and len(merges) == 1 and not splits
    else:
        exact = not splits and not merges
    changed = month in (split, merge) or state.month is None
    big = st["size"] >= min_size
    return {
        "themes": len(match.ids),
        "planted": "split" if month == split else "merge" if month == merge else None,
        "exact": exact, "splits": split_of, "split_children": kids_of, "merged": merged_of,
        "new_big": None if changed else int(((st["status"] == "new") & big).sum()),
        "gone_big": None if changed else int(((st["status"] == "gone") & big).sum()),
    }  # fmt: skip


def _lineage_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Exact months, the planted split and merge found, and churn, per development/held out."""
    out: dict[str, Any] = {}
    for part in ("development", "held out"):
        sel = [r for r in rows if r["set"] == part and r["exact"] is not None]
        quiet = [r for r in rows if r["set"] == part and r["new_big"] is not None]
        out[part] = {
            "months": len(sel),
            "exact_share": round(sum(r["exact"] for r in sel) / len(sel), 4) if sel else None,
            "split_found": [r["exact"] for r in sel if r["planted"] == "split"],
            "merge_found": [r["exact"] for r in sel if r["planted"] == "merge"],
            "split_reported_in": [f"{r['seed']}:{r['month']}" for r in sel if r["splits"]],
            "merge_reported_in": [f"{r['seed']}:{r['month']}" for r in sel if r["merged"]],
            "quiet_months": len(quiet),
            "new_big_per_month": round(sum(r["new_big"] for r in quiet) / len(quiet), 3)
            if quiet else None,
            "gone_big_per_month": round(sum(r["gone_big"] for r in quiet) / len(quiet), 3)
            if quiet else None,
        }  # fmt: skip
        # the same once the window is full (a team's first months fit fewer months' texts)
        full = max((r.get("window_months", 1) for r in rows), default=1)
        sel = [r for r in sel if r.get("window_months", 1) == full]
        quiet = [r for r in quiet if r.get("window_months", 1) == full]
        out[part]["full_window"] = {
            "window_months": full,
            "months": len(sel),
            "exact_share": round(sum(r["exact"] for r in sel) / len(sel), 4) if sel else None,
            "quiet_months": len(quiet),
            "new_big_per_month": round(sum(r["new_big"] for r in quiet) / len(quiet), 3)
            if quiet else None,
            "gone_big_per_month": round(sum(r["gone_big"] for r in quiet) / len(quiet), 3)
            if quiet else None,
        }  # fmt: skip
    return out


def _earlier(path: Path) -> dict[str, Any]:
    """The existing results file, or an empty dict."""
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return {}


def main() -> None:
    from rca.analysis.registry_themes import WINDOW_MONTHS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--fit-cache", type=Path, default=None,
                        help="folder to save window fits in and read them back from (the fits "
                             "are deterministic; runs per seed can then share them)")  # fmt: skip
    parser.add_argument("--sample-months", type=int, default=12)
    parser.add_argument("--sample-window", type=int, default=WINDOW_MONTHS,
                        help="months each sample month's themes are fitted on (the pipeline's "
                             f"WINDOW_MONTHS = {WINDOW_MONTHS}; 1: each month alone)")  # fmt: skip
    parser.add_argument("--split-month", default="2026-06")
    parser.add_argument("--merge-month", default="2026-08")
    parser.add_argument("--skip-cfpb", action="store_true",
                        help="re-use the stability figures of the existing --out file")  # fmt: skip
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.sample_window < 1:
        parser.error("--sample-window: expected 1 month or more")
    global FIT_CACHE
    FIT_CACHE = args.fit_cache
    t0 = time.perf_counter()
    load_start = [round(x, 2) for x in os.getloadavg()]
    earlier = _earlier(args.out)
    if args.skip_cfpb:
        if "stability" not in earlier:
            parser.error(f"--skip-cfpb: no stability figures in {args.out} to re-use")
        stability = dict(earlier["stability"])
        if stability.get("source", "measured in this run") == "measured in this run":
            stability["source"] = f"re-used, not re-run: measured by `{earlier.get('command')}`"
    else:
        stability = cfpb_stability()
        stability["source"] = "measured in this run"
    sample_rows, t_sample = [], time.perf_counter()
    for seed in args.seeds:
        sample_rows += planted_lineage(seed, args.sample_months, args.split_month,
                                       args.merge_month, min_size=10,
                                       window=args.sample_window)  # fmt: skip
    planted = {
        "sample_window": args.sample_window,
        "split_month": args.split_month,
        "merge_month": args.merge_month,
        "sample_months": args.sample_months,
        "summary": _lineage_summary([r for r in sample_rows if r["rule"] == RULES[0]]),
        "summary_owner_rule": _lineage_summary([r for r in sample_rows if r["rule"] == "owner"]),
        "summary_previous_rule": _lineage_summary([r for r in sample_rows if r["rule"] == "links"]),
        "rows": sample_rows,
        "runtime_s": round(time.perf_counter() - t_sample, 1),
    }
    others = {}  # earlier runs' sample figures with another window (the first runs: 1 month)
    if "planted" in earlier:
        for old in [earlier["planted"], *earlier.get("planted_other_windows", {}).values()]:
            old = {"sample_window": 1, **old}
            old.setdefault("command", earlier.get("command"))
            if old["sample_window"] != args.sample_window:
                others[str(old["sample_window"])] = old
    earlier_run = earlier.get("previous_rule", {}).get("earlier_run") or {
        "command": earlier.get("command"),
        "stability_summary": earlier.get("stability", {}).get("summary"),
        "planted_summary": earlier.get("planted", {}).get("summary"),
    }
    if "summary_owner_rule" not in earlier.get("planted", {}):  # the file is the owner rule's run
        owner_run = {"command": earlier.get("command"),
                     "stability_summary": earlier.get("stability", {}).get("summary"),
                     "planted_summary": earlier.get("planted", {}).get("summary")}  # fmt: skip
    else:
        owner_run = earlier.get("owner_rule", {}).get("earlier_run")
    owner_rule = {
        "note": "the owner rule (the default before the month rule; assign_registry(rule="
                "'owner')), measured in this run on the same fits (stability: column 'registry, "
                "owner rule'; planted: summary_owner_rule), and the run that made it the default "
                "(earlier_run; it embedded every window again, the same vectors)",
        "planted_summary": planted["summary_owner_rule"],
        "earlier_run": owner_run,
    }  # fmt: skip
    previous_rule = {
        "note": "the registry's previous matching rule (assign_registry(rule='links'): a link "
                "needs PART_SHARE of both sides), measured in this run on the same fits "
                "(stability: column 'registry, previous rule'; planted: summary_previous_rule), "
                "and the figures of the run before the owner rule (earlier_run)",
        "stability_summary": {k: {"registry": v.get("registry, previous rule")}
                              for k, v in stability["summary"].items()},
        "planted_summary": planted["summary_previous_rule"],
        "earlier_run": earlier_run,
    }  # fmt: skip
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "command": " ".join(["python benchmarks/identity.py", *sys.argv[1:]]),
        "targets": {"stability": 0.90, "planted_exact_share": 0.90, "new_or_gone_big": 0},
        "development": f"CFPB windows ending <= {CFPB_DEV_LAST}; sample seed {DEV_SEED}",
        "stability": stability,
        "planted": planted,
        "planted_other_windows": others,
        "owner_rule": owner_rule,
        "previous_rule": previous_rule,
        "load_average": {
            "start": load_start,
            "end": [round(x, 2) for x in os.getloadavg()],
            "note": "os.getloadavg() (1, 5, 15 min) on a 2-core machine shared "
            "with other work while this ran",
        },
        "runtime_s": round(time.perf_counter() - t0, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str))
    print(markdown(result))


def markdown(result: dict[str, Any]) -> str:
    """The figures as Markdown tables (stability; planted lineage and churn)."""
    head = (
        "| stability (CFPB, 6-month windows) | windows | registry | owner rule | raw fitted ids "
        "| centroid only (BERTopic-style) | owner rule, no keeping | links rule |"
    )
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for part, s in result["stability"]["summary"].items():
        lines.append(f"| {part} | {s['windows']} | {s['registry']} "
                     f"| {s.get('registry, owner rule')} | {s['raw fitted ids']} "
                     f"| {s['centroid only']} | {s['registry (no keeping)']} "
                     f"| {s.get('registry, previous rule')} |")  # fmt: skip
    lines.append(f"\nstability: {result['stability'].get('source', 'measured in this run')}")
    lines += ["", "| sample (split, merge month) | window | months | exact months | split found "
              "| merge found | new big / quiet month | gone big / quiet month |",
              "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    owner = {**result["planted"], "summary": result["planted"].get("summary_owner_rule", {}),
             "label": "owner rule"}  # fmt: skip
    previous = {**result["planted"], "summary": result["planted"].get("summary_previous_rule", {}),
                "label": "links rule"}  # fmt: skip
    runs = [result["planted"], owner, previous, *result.get("planted_other_windows", {}).values()]
    for run in runs:
        w = run["sample_window"]
        window = f"{w} month{'s' if w > 1 else ''}" + (
            f", {run['label']}" if "label" in run else ""
        )
        for part, s in run["summary"].items():
            lines.append(f"| {part} ({run['split_month']}, {run['merge_month']}) | {window} "
                         f"| {s['months']} | {s['exact_share']} | {s['split_found']} "
                         f"| {s['merge_found']} | {s['new_big_per_month']} "
                         f"| {s['gone_big_per_month']} |")  # fmt: skip
            f = s.get("full_window") or {}
            if f and f["months"] < s["months"]:
                lines.append(f"| {part}, only months with a full window | {window} "
                             f"| {f['months']} | {f['exact_share']} | | | "
                             f"{f['new_big_per_month']} | {f['gone_big_per_month']} |")  # fmt: skip
    lines.append(f"\nruntime {result['runtime_s']} s")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
