"""The history store's commands: ``rca ingest``, ``rca history``, ``rca store export|tables``."""

from __future__ import annotations

import numbers
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from rca.cli.commands import app
from rca.cli.output import MAPPING_HELP, console, out_console, refuse_shared, say, tell_quarantine

__all__ = ["store_app"]

STORE_HELP = (
    "History store file (DuckDB), private: every stored row (default: outputs/.work/"
    "history.duckdb of the working folder)."
)

store_app = typer.Typer(
    help="Read the history store: list its tables, export one to Parquet or CSV.",
    no_args_is_help=True,
)
app.add_typer(store_app, name="store")


def _store_path(store: Path | None) -> Path:
    from rca.core.paths import default_store_path

    path = store or default_store_path()
    refuse_shared(path.parent, "--store")
    return path


@app.command()
def ingest(
    data: Annotated[Path, typer.Option(help="Folder with one month's (or more) exports.")],
    month: Annotated[
        str | None,
        typer.Option(help="Store only this month, YYYY-MM (default: every month of the audits)."),
    ] = None,
    store: Annotated[Path | None, typer.Option(help=STORE_HELP)] = None,
    mapping: Annotated[list[str] | None, typer.Option(help=MAPPING_HELP)] = None,
) -> None:
    """Add exports to the history store, whole months at a time.

    Rows are validated, cleaned and redacted as in rca batch; quarantined rows go to the
    quarantine folder next to the store, only their counts into the store. A month already
    stored is replaced in one transaction; an interrupted ingest leaves the store as it was.
    Months may come in any order: the summary names months already analysed whose runs the new
    data makes stale.
    """
    from rca.analysis.intake import ingest_exports
    from rca.ingest.inputs import parse_mappings

    path = _store_path(store)
    quarantine = path.parent / "quarantine"
    summary = ingest_exports(
        data, path, month=month, mappings=parse_mappings(mapping or []), quarantine_dir=quarantine
    )
    say(f"{path}: {summary.message()}")
    tell_quarantine(sorted(quarantine.glob("*.quarantine.csv")) if quarantine.is_dir() else [])


def _cell(value: object) -> str:
    if value is None or value is pd.NA or value != value:  # NULL: the kind was not ingested
        return "-"
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return f"{int(float(value)):,}"
    return str(value)


@app.command()
def history(store: Annotated[Path | None, typer.Option(help=STORE_HELP)] = None) -> None:
    """Show what the history store holds: months, rows per kind, quarantined rows, runs."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from rca.store import Store

    path = _store_path(store)
    with Store(path, read_only=True) as opened:
        months = opened.history()
    if months.empty:
        say(f"{path}: no months stored yet (rca ingest --data DIR)")
        return
    say(f"{path}:")
    table = Table(box=box.SIMPLE_HEAD)
    for column in months.columns:
        if column != "ingest_id":
            table.add_column(column, justify="left" if column == "month" else "right")
    for row in months.drop(columns="ingest_id").itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    wide = out_console if out_console.is_terminal else Console(width=160)  # piped: whole lines
    wide.print(table)


@store_app.command("tables")
def tables(store: Annotated[Path | None, typer.Option(help=STORE_HELP)] = None) -> None:
    """List the tables of the history store (rows_<kind>, runs, analysis_<name>, theme_*)."""
    from rca.store import Store

    with Store(_store_path(store), read_only=True) as opened:
        for name in opened.table_names():
            say(name)


@store_app.command("export")
def export(
    table: Annotated[str, typer.Argument(help="Table to export (see rca store tables).")],
    out: Annotated[Path, typer.Argument(help="File to write: .parquet or .csv.")],
    store: Annotated[Path | None, typer.Option(help=STORE_HELP)] = None,
) -> None:
    """Write one table of the history store to Parquet or CSV (by OUT's suffix).

    Row tables hold every stored row (redacted): keep the export private like the store.
    """
    from rca.store import Store

    with Store(_store_path(store), read_only=True) as opened:
        written = opened.export(table, out)
    console.print(f"wrote {written}", markup=False, highlight=False, soft_wrap=True)
