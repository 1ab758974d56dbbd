"""Recovery of planted root causes and false discoveries over sample seeds.

    .venv/bin/python benchmarks/recovery.py [--seeds 0 1 2 3 4] [--months 6] [--embedder static]

For each seed: generate the sample, run the month's analysis, score every planted cause (found =
significant finding of the right type ranked in the top 10 of its type) and count findings
flagged at q < 0.01 (or significant without a q) that report no planted cause. Writes
benchmarks/results/recovery.json and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from rca.analysis.month import analyze_month
from rca.sample import generate_sample
from rca.sample.evaluate import false_discoveries, flagged, score_recovery

RESULTS = Path(__file__).resolve().parent / "results" / "recovery.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--embedder", default="static")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    runs = []
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data"
            generate_sample(data, months=args.months, seed=seed)
            truth = json.loads((data / "ground_truth.json").read_text())
            changes = {c["segment"]["macro"]: c["start_date"] for c in truth["root_causes"]
                       if c["type"] == "outdated_macro"}  # fmt: skip
            start = time.perf_counter()
            analysis = analyze_month(data, Path(tmp) / "out", embedder=args.embedder, seed=seed,
                                     macro_changes=changes)  # fmt: skip
            seconds = time.perf_counter() - start
            findings = analysis.table("findings")
            recovery = score_recovery(findings, truth)
            false = false_discoveries(findings, truth, q_max=0.01)
            n_flagged = int(flagged(findings, q_max=0.01).sum())
            runs.append(
                {
                    "seed": seed,
                    "seconds": round(seconds, 1),
                    "recovered": int(recovery["found"].sum()),
                    "planted": len(recovery),
                    "causes": recovery.to_dict(orient="records"),
                    "flagged_q_lt_0_01": n_flagged,
                    "false_discoveries": len(false),
                    "false_titles": false["title"].tolist(),
                    "findings_tested": int(findings["q"].notna().sum()),
                }
            )
            r = runs[-1]
            print(f"seed {seed}: {r['recovered']}/{r['planted']} planted causes found; "
                  f"{r['flagged_q_lt_0_01']} flagged at q<0.01, {r['false_discoveries']} unplanted "
                  f"({r['seconds']} s)", flush=True)  # fmt: skip
    n_all = sum(r["flagged_q_lt_0_01"] for r in runs)
    false_total = sum(r["false_discoveries"] for r in runs)
    summary = {
        "command": "python benchmarks/recovery.py --seeds "
        + " ".join(map(str, args.seeds))
        + f" --months {args.months} --embedder {args.embedder}",
        "recovery_rate": sum(r["recovered"] for r in runs) / sum(r["planted"] for r in runs),
        "false_discovery_proportion": false_total / n_all if n_all else 0.0,
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2, default=str))
    print(f"recovery {summary['recovery_rate']:.0%}; false discovery proportion at q<0.01: "
          f"{summary['false_discovery_proportion']:.1%} ({false_total} of {n_all})")  # fmt: skip


if __name__ == "__main__":
    main()
