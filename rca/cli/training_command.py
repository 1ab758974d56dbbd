"""``rca training score``: score a trainer's filled score sheet against the pack's answer key."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from rca.cli.commands import app
from rca.cli.output import OUT_HELP, WORK_HELP, out_console, say, work_root
from rca.core.errors import InputError

__all__ = ["find_answer_key", "score"]

training_app = typer.Typer(
    help="Training packs: score a filled score sheet (the quiz's CSV) against the answer key.",
    no_args_is_help=True,
)
app.add_typer(training_app, name="training")


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(path, "file not found; expected a score sheet CSV")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(path, f"not a readable CSV ({first})") from None


def _read_key(path: Path) -> pd.DataFrame:
    """Read an answer key (``training_cases`` as Parquet or CSV)."""
    if not path.is_file():
        raise InputError(path, "answer key not found; give --key (the month's analysis "
                         "tables/training_cases.parquet or .csv) or --work")  # fmt: skip
    key = pd.read_parquet(path) if path.suffix == ".parquet" else _read_csv(path)
    needed = {"pack_id", "case_no", "case_id", "item", "options", "answer"}
    if not needed <= set(key.columns):
        missing = sorted(needed - set(key.columns))[0]
        raise InputError(path, "not a training answer key", column=missing)
    return key.assign(case_no=pd.to_numeric(key["case_no"]).astype(int),
                      answer=key["answer"].astype(str))  # fmt: skip


def find_answer_key(sheet: pd.DataFrame, source: Path, work: Path) -> Path:
    """Return the answer key of a sheet: ``<work>/<month>/analysis/tables/training_cases``.

    The month comes from the sheet's ``month`` column (one month per sheet).
    """
    months = sorted({m.strip() for m in sheet.get("month", pd.Series(dtype=str)) if m.strip()})
    if len(months) != 1:
        found = ", ".join(months) or "none"
        raise InputError(source, f"expected one month in the sheet (found {found}); or give "
                         "--key", column="month")  # fmt: skip
    return work / months[0] / "analysis" / "tables" / "training_cases.parquet"


@training_app.command("score")
def score(
    sheet: Annotated[Path, typer.Argument(help="A filled score sheet (score-sheet-PACK.csv).")],
    key: Annotated[
        Path | None,
        typer.Option(
            help="The answer key: training_cases.parquet or .csv of the month's "
            "analysis (default: found from the sheet's month in the working area)."
        ),
    ] = None,
    work: Annotated[Path | None, typer.Option(help=WORK_HELP)] = None,
    out: Annotated[Path | None, typer.Option(help=OUT_HELP)] = None,
) -> None:
    """Print percent correct per item and the cases missed (a blank answer counts as missed)."""
    from rich import box
    from rich.table import Table

    from rca.core.paths import outputs_dir
    from rca.stats.training_scores import check_sheet, score_answers

    table = _read_csv(sheet)
    key_path = key or find_answer_key(table, sheet, work_root(work, out or outputs_dir()))
    answers = _read_key(key_path)
    checked = check_sheet(table, answers, sheet)
    per_item, missed = score_answers(checked, answers)
    result = Table(title=f"Score of {sheet.name}", box=box.SIMPLE_HEAD)
    for column in ("pack", "item", "cases", "correct", "percent correct"):
        result.add_column(column, justify="left" if column in ("pack", "item") else "right")
    for r in per_item.itertuples(index=False):
        result.add_row(str(r.pack_id), str(r.item), str(r.cases), str(r.correct),
                       f"{r.percent:.0f} %")  # fmt: skip
    out_console.print(result)
    if missed.empty:
        say("No case missed.")
        return
    wrong = Table(title="Cases missed", box=box.SIMPLE_HEAD)
    for column in ("pack", "case", "case id", "item", "answered", "key"):
        wrong.add_column(column)
    for case in missed.to_dict("records"):
        given = "(blank)" if case["given"] is None else str(case["given"])
        wrong.add_row(str(case["pack_id"]), str(case["case_no"]), str(case["case_id"]),
                      str(case["item"]), given, str(case["answer"]))  # fmt: skip
    out_console.print(wrong)
