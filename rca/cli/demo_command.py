"""``rca demo``: the whole monthly path on built-in sample data, the history store included."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from rca.cli.commands import app
from rca.cli.output import (
    BATCH_WORK_HELP,
    EMBEDDER_HELP,
    OUT_HELP,
    PLAN_HELP,
    console,
    tell_batch,
    work_root,
)

__all__ = ["demo"]


@app.command()
def demo(
    out: Annotated[Path | None, typer.Option(help=OUT_HELP)] = None,
    seed: Annotated[int, typer.Option(help="Seed of the sample data and the theme model.")] = 0,
    months: Annotated[int, typer.Option(min=2, max=24, help="Months of sample data.")] = 6,
    embedder: Annotated[str, typer.Option(help=EMBEDDER_HELP)] = "auto",
    plan: Annotated[Path | None, typer.Option(help=PLAN_HELP)] = None,
    work: Annotated[Path | None, typer.Option(help=BATCH_WORK_HELP)] = None,
) -> None:
    """Generate sample data, store its months one by one, then build the last month's reports.

    The sample data (synthetic, with planted personal data for the redaction to catch) goes to
    the private WORK/sample-data; its earlier months are ingested into the history store
    WORK/history.duckdb one month at a time, as a team does every month (`rca ingest`), then the
    last month's batch reads them from the store. The reports go to OUT/YYYY-MM.
    """
    from rca.analysis.intake import ingest_exports
    from rca.batch.monthly import run_batch
    from rca.core.paths import outputs_dir, parameter_file
    from rca.sample import generate_sample

    start = time.perf_counter()
    out = out or outputs_dir()
    root = work_root(work, out)
    data = root / "sample-data"
    console.log(f"sample data -> {data}")
    summary = generate_sample(data, months=months, seed=seed)
    month = summary.months[-1]
    store = root / "history.duckdb"
    for earlier in summary.months[:-1]:
        ingested = ingest_exports(data, store, month=earlier, verbose=False)
        console.log(f"rca ingest --month {earlier}: {ingested.message()}", markup=False)
    result = run_batch(
        plan or parameter_file("monthly.yaml"), month, data_dir=data, out_root=out,
        work_root=work, embedder=embedder, seed=seed, log=console.log, store=store,
    )  # fmt: skip
    if result.failed:
        tell_batch(result)
        raise typer.Exit(1)
    console.log(f"done in {time.perf_counter() - start:.0f} s")
    tell_batch(result)
