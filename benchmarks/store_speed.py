"""The history store's speed and size on 100k audits (sample audits repeated with new ids).

    .venv/bin/python benchmarks/store_speed.py [--rows 100000] [--out benchmarks/results/store.json]

insert   ``Store.replace_months`` of 12 months of audits into an empty store (text keys computed,
         DuckDB reads the frame and inserts it in one transaction)
replace  the same months again (every month deleted and inserted in one transaction)
read     ``Store.read("audits")``: every row back with validation's dtypes
size     the DuckDB file after both (MB), per 100k audits

Validation, redaction and language detection are not included: they are what ``rca batch``
already does today for every run (`rca.analysis.intake.read_exports`).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import pandas as pd

from rca.analysis.intake import read_exports
from rca.sample import generate_sample
from rca.store import Store

__all__: list[str] = []


def main() -> None:
    """Measure, print, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/store.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate_sample(root / "data", months=12, volume=0.5)
        audits = read_exports(root / "data", quarantine_dir=root / "q", verbose=False).tables[
            "audits"
        ]
        copies = -(-args.rows // len(audits))
        big = pd.concat(
            [audits.assign(audit_id=audits["audit_id"] + f"-{i}") for i in range(copies)],
            ignore_index=True,
        ).iloc[: args.rows]
        times = {}
        with Store(root / "history.duckdb") as store:
            for step in ("insert", "replace"):
                start = time.perf_counter()
                store.replace_months({"audits": big}, source="bench", files={}, counts={})
                times[f"{step}_s"] = round(time.perf_counter() - start, 2)
            start = time.perf_counter()
            assert len(store.read("audits")) == len(big)
            times["read_s"] = round(time.perf_counter() - start, 2)
        size = (root / "history.duckdb").stat().st_size / 1e6
    result = {"rows": len(big), **times, "size_mb": round(size, 1),
              "size_mb_per_100k": round(size * 100_000 / len(big), 1)}  # fmt: skip
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
