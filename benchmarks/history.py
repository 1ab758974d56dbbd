"""A new month's batch with the history store vs today's full-history batch, on the same data.

What a team does every month, measured in one run on `rca sample` data (13 months):

* **store**: the first 12 months were ingested one by one and month 12 was run (as last month's
  batch would have), then ``rca batch --data <only month 13's files>`` reads the history from
  the store, fits the themes on its 6-month window and embeds only the new month's texts.
* **full history, today**: ``rca batch --data <13 months>`` with the code before the store
  (``--baseline-ref``, default ``be31342``, run from a detached git worktree): validates and
  detects languages of every month and fits the themes on all 13.
* **full history, store code**: the same folder into an empty store (what a team's first
  ``rca batch`` on a full export costs with this code).

Each timed batch gets its own copy of the embedding cache as last month's run left it (months
1-12 embedded), so none profits from another's work. Also reported: the store's size per 100k
audits and the 12 monthly ingests' time. Results: ``benchmarks/results/history.json``.

Usage: ``python benchmarks/history.py [--volume 0.5] [--jobs 2] [--baseline-ref be31342]``
(about 25 minutes at volume 0.5 on 2 cores, most of it the three batches' 51 reports each).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "history.json"
KINDS = {"audits": "audit_date", "feedback": "date", "calibration": "session_date",
         "ai_labels": "date"}  # fmt: skip


def _month_only(full: Path, month: str, out: Path) -> None:
    """Write the rows of ``month`` of each export of ``full`` to ``out`` (a month's export)."""
    out.mkdir(parents=True)
    for kind, column in KINDS.items():
        df = pd.read_csv(full / f"{kind}.csv", dtype=str, keep_default_na=False)
        df[df[column].str[:7] == month].to_csv(out / f"{kind}.csv", index=False)
    shutil.copy(full / "known_issues.csv", out / "known_issues.csv")


def _run(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return round(time.perf_counter() - start, 1)


def _baseline_tree(ref: str, work: Path) -> Path:
    tree = work / "baseline-code"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(tree), ref],
                   check=True, capture_output=True)  # fmt: skip
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--volume", type=float, default=0.5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--embedder", default="auto")
    parser.add_argument("--baseline-ref", default="be31342")
    parser.add_argument("--work", type=Path, default=ROOT / "outputs" / ".work" / "bench-history")
    args = parser.parse_args()

    work = args.work
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    python = sys.executable
    cli = [python, "-m", "rca.cli"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RCA_EMBED_CACHE": str(work / "cache")}
    full = work / "full"
    _run([*cli, "sample", "--out", str(full), "--months", "13", "--volume", str(args.volume)], env)
    months = sorted(pd.read_csv(full / "audits.csv")["audit_date"].str[:7].unique())
    last, previous = months[-1], months[-2]
    new = work / "new-month"
    _month_only(full, last, new)
    audits_per_month = len(pd.read_csv(full / "audits.csv")) / len(months)

    # last month's state: 12 months ingested one by one, month 12's batch run
    store = work / "store" / "history.duckdb"
    ingest_s = 0.0
    for month in months[:-1]:
        ingest_s += _run([*cli, "ingest", "--data", str(full), "--month", month,
                          "--store", str(store)], env)  # fmt: skip
    batch = [*cli, "batch", "--plan", str(ROOT / "parameters" / "monthly.yaml"),
             "--embedder", args.embedder, "--jobs", str(args.jobs)]  # fmt: skip
    warm = [*batch, "--month", previous, "--data", str(full), "--store", str(store),
            "--out", str(work / "out-warm"), "--work", str(work / "store")]  # fmt: skip
    warm_s = _run(warm, env)
    store_mb = store.stat().st_size / 1e6
    n_stored = (len(months) - 1) * audits_per_month
    cache = work / "cache"

    def timed(name: str, cmd: list[str], cwd: Path = ROOT, pythonpath: Path = ROOT) -> float:
        copy = work / f"cache-{name}"
        shutil.copytree(cache, copy)
        run_env = {**env, "RCA_EMBED_CACHE": str(copy), "PYTHONPATH": str(pythonpath)}
        seconds = _run(cmd, run_env, cwd)
        print(f"{name}: {seconds:.0f} s", flush=True)
        return seconds

    store_s = timed(
        "store",
        [
            *batch,
            "--month",
            last,
            "--data",
            str(new),
            "--store",
            str(store),
            "--out",
            str(work / "out-store"),
            "--work",
            str(work / "store"),
        ],
    )
    full_new_s = timed("full_store_code", [
        *batch, "--month", last, "--data", str(full), "--out", str(work / "out-full-new"),
        "--work", str(work / "work-full-new")])  # fmt: skip
    tree = _baseline_tree(args.baseline_ref, work)
    old_batch = [python, "-m", "rca.cli", "batch", "--plan",
                 str(tree / "parameters" / "monthly.yaml"), "--embedder", args.embedder,
                 "--jobs", str(args.jobs)]  # fmt: skip
    try:
        full_old_s = timed("full_today", [
            *old_batch, "--month", last, "--data", str(full), "--out", str(work / "out-full-old"),
            "--work", str(work / "work-full-old")], cwd=tree, pythonpath=tree)  # fmt: skip
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                       capture_output=True)  # fmt: skip
    analysis = json.loads((work / "store" / last / "analysis" / "tables.json").read_text())
    result = {
        "command": "python benchmarks/history.py " + " ".join(sys.argv[1:]),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "data": f"rca sample, 13 months, volume {args.volume} ({audits_per_month:.0f} audits a "
        "month), default plan (51 reports)",
        "embedder": args.embedder,
        "baseline_ref": args.baseline_ref,
        "seconds": {
            "store_new_month_batch": store_s,
            "full_history_batch_today": full_old_s,
            "full_history_batch_store_code": full_new_s,
            "twelve_monthly_ingests": round(ingest_s, 1),
            "previous_month_batch_warm_up": warm_s,
        },
        "speedup_vs_today": round(full_old_s / store_s, 2),
        "store_new_month_timings": analysis.get("timings_s", {}),
        "store_mb": round(store_mb, 1),
        "store_mb_per_100k_audits": round(store_mb / n_stored * 1e5, 1),
        "note": "store size after 12 ingested months and one run (rows of every kind, the run's "
        "tables, registry); each timed batch starts from its own copy of the embedding cache "
        "that month 12's run left",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
