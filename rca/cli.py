"""The ``rca`` command line.

Every command catches `rca.core.errors.RcaError` and prints its one-line message (exit code 2)
instead of a traceback: a user's mistake is never a crash.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from rca.core.errors import RcaError

if TYPE_CHECKING:
    from rca.batch.monthly import BatchResult

__all__ = ["app", "main"]

app = typer.Typer(
    name="rca",
    help="Root-cause analysis for QA audits and user feedback: validate exports, find themes "
    "and root causes, and build reports for every audience.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out_console = Console()

KIND_HELP = "Input kind: audits, feedback, calibration or ai_labels."
WORK_HELP = "Private working area, never shared (default: outputs/.work)."
BATCH_WORK_HELP = (
    "Private working area: the month's analysis, executed notebooks and quarantine files go to "
    "WORK/YYYY-MM; never share it (default: OUT/.work)."
)


def _work_root(work: Path | None, out: Path = Path("outputs")) -> Path:
    """Return the private working area: ``--work``, else ``<out>/.work``."""
    from rca.batch.month_folder import default_work_root

    return work if work is not None else default_work_root(out)


def _refuse_shared(folder: Path, option: str) -> None:
    """Private files are never written inside a shared month folder."""
    from rca.batch.month_folder import shared_month_folder
    from rca.core.errors import ParameterError

    inside = shared_month_folder(folder)
    if inside is not None:
        raise ParameterError(
            f"{option} {folder} is inside the shared month folder {inside}; private files "
            "(every row, quarantined rows) must stay out of it"
        )


def _say(text: str) -> None:
    out_console.print(text, soft_wrap=True, highlight=False, markup=False)


def _tell_quarantine(files: list[Path]) -> None:
    """Say where quarantined rows went: original values, for the analyst only."""
    for path in files:
        _say(
            f"Quarantined rows, with their original values (private: fix the export, never "
            f"share): {path.resolve()}"
        )


def _tell_batch(result: BatchResult) -> None:
    """Print what may be shared, what stays private, and where each failed report's error is."""
    for report in result.failed:
        kept = report.ipynb is not None and report.ipynb.exists()
        where = f"; executed notebook with the error: {report.ipynb}" if kept else ""
        console.print(
            f"{report.title} failed: {report.reason}{where}", markup=False, soft_wrap=True
        )
    _tell_quarantine(result.quarantine)
    _say(f"Private working files (never share): {result.work_dir}")
    _say(f"Share only this folder: {result.month_dir}")
    _say(f"Open the reports: {result.index.resolve()}")


@app.command()
def sample(
    out: Annotated[Path, typer.Option(help="Folder to write the sample files to.")] = Path(
        "outputs/sample-data"
    ),
    months: Annotated[int, typer.Option(min=2, max=36, help="Months of data (>= 2).")] = 6,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same bytes.")] = 0,
    end: Annotated[str, typer.Option(help="Last month covered, YYYY-MM.")] = "2026-10",
) -> None:
    """Write realistic sample exports (all four kinds) with planted root causes."""
    from rca.sample import generate_sample

    summary = generate_sample(out, months=months, seed=seed, end=end)
    out_console.print(str(summary))


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="CSV, Parquet, Excel (.xlsx) or JSON Lines file.")],
    kind: Annotated[str, typer.Option("--kind", "-k", help=KIND_HELP)],
    mapping: Annotated[
        Path | None, typer.Option(help="YAML column mapping for a vendor export.")
    ] = None,
    quarantine: Annotated[
        Path | None,
        typer.Option(
            help="Folder for the quarantine file of invalid rows (default: WORK/quarantine)."
        ),
    ] = None,
    work: Annotated[Path | None, typer.Option(help=WORK_HELP)] = None,
) -> None:
    """Check an export against its schema; invalid rows are set aside with the reason.

    Quarantined rows keep their original values (personal data included) so that the export can
    be fixed: they go to the private working area, never to a shared folder. Exits 0 when the file
    is usable (quarantined rows are counted), 2 with a one-line error when it is not.
    """
    from rca.ingest.schemas import KINDS
    from rca.ingest.validate import validate_file

    if kind not in KINDS:
        raise typer.BadParameter(f"expected one of {', '.join(KINDS)}", param_hint="--kind")
    folder = quarantine or _work_root(work) / "quarantine"
    _refuse_shared(folder, "--quarantine" if quarantine else "--work")
    result = validate_file(file, kind, mapping=mapping, quarantine_dir=folder)
    out_console.print(result.summary(), highlight=False, markup=False, soft_wrap=True)
    _tell_quarantine([result.quarantine_path] if result.quarantine_path else [])


@app.command()
def themes(
    file: Annotated[Path, typer.Argument(help="CSV, Parquet, Excel (.xlsx) or JSON Lines file.")],
    text_column: Annotated[str, typer.Option(help="Column holding the free text.")],
    out: Annotated[Path, typer.Option(help="Folder for assignments.csv and themes.csv.")],
    embedder: Annotated[
        str, typer.Option(help="minilm, static, tfidf, or a local sentence-transformers folder.")
    ] = "minilm",
    n_themes: Annotated[
        str, typer.Option("--themes", "--topics", help="'auto' or the number of themes wanted.")
    ] = "auto",
    seed: Annotated[int, typer.Option(help="Random seed; same input and seed, same themes.")] = 0,
    taxonomy: Annotated[
        Path | None, typer.Option(help="Root-cause taxonomy YAML (default: parameters/).")
    ] = None,
    curation: Annotated[
        Path | None, typer.Option(help="Analysts' curation YAML (renames, merges, pins).")
    ] = None,
) -> None:
    """Find themes and root causes in a text column; write assignments.csv and themes.csv.

    assignments.csv has one row per input row, in input order (row = spreadsheet row number);
    theme_id -1 means unassigned. Text is cleaned and redacted before it reaches the model.
    """
    from rca.analysis.theme_file import run_themes

    target: int | str = n_themes
    if n_themes != "auto":
        if not n_themes.isdigit() or int(n_themes) < 2:
            raise typer.BadParameter(
                "expected 'auto' or a whole number >= 2", param_hint="--themes"
            )
        target = int(n_themes)
    summary = run_themes(
        file, text_column, out, embedder=embedder, n_themes=target, seed=seed,
        taxonomy=taxonomy, curation=curation, log=console.log,
    )  # fmt: skip
    out_console.print(summary, highlight=False, markup=False, soft_wrap=True)


# the command's name before themes were called themes everywhere; kept for existing scripts
app.command("topics", hidden=True)(themes)


@app.command()
def analyze(
    data: Annotated[Path, typer.Option(help="Folder with audits.* and the other exports.")],
    out: Annotated[Path, typer.Option(help="Folder for workspace/, tables/ and tables.json.")],
    month: Annotated[
        str | None, typer.Option(help="Month to analyse, YYYY-MM (default: the latest).")
    ] = None,
    embedder: Annotated[str, typer.Option(help="Embedding backend for themes.")] = "minilm",
    seed: Annotated[int, typer.Option(help="Random seed of the theme models.")] = 0,
    curation: Annotated[
        Path | None, typer.Option(help="Analysts' curation YAML for audit themes.")
    ] = None,
    known_issues: Annotated[
        Path | None, typer.Option(help="CSV of known technical issues (id,title,keywords).")
    ] = None,
    target_accuracy: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="AI-label accuracy target.")
    ] = 0.9,
    macro_changed: Annotated[
        list[str] | None,
        typer.Option(
            help="MACRO=YYYY-MM-DD: a macro / SOP changed on that date; its fail rate after is "
            "tested against before. Repeat for several."
        ),
    ] = None,
) -> None:
    """Compute every table of a month once (KPIs, trends, calibration, labels, findings).

    Writes each table as Parquet and CSV under OUT/tables, described in OUT/tables.json, plus the
    fitted theme models in OUT/workspace. Reports read these tables; they never recompute them.
    OUT holds every row and the quarantined rows' original values (OUT/workspace/quarantine): keep
    it private, never inside a shared month folder.
    """
    from rca.analysis.month import analyze_month
    from rca.batch.month_folder import quarantine_files

    _refuse_shared(out, "--out")

    changes: dict[str, str] = {}
    for item in macro_changed or []:
        macro, _, date = item.partition("=")
        if not macro or len(date) != 10 or date[4] != "-" or date[7] != "-":
            raise typer.BadParameter(f"expected MACRO=YYYY-MM-DD, got {item!r}",
                                     param_hint="--macro-changed")  # fmt: skip
        changes[macro] = date
    start = time.perf_counter()
    result = analyze_month(
        data, out, month=month, embedder=embedder, seed=seed, curation=curation,
        known_issues=known_issues, target_accuracy=target_accuracy, log=console.log,
        verbose=True, macro_changes=changes or None,
    )  # fmt: skip
    info = result.info
    out_console.print(
        f"{info['month']} vs {info['previous']}: {len(info['tables'])} tables in "
        f"{out / 'tables'} ({time.perf_counter() - start:.0f} s)",
        highlight=False,
    )
    _tell_quarantine(quarantine_files(out))


@app.command()
def batch(
    month: Annotated[str, typer.Option(help="Month to report on, YYYY-MM.")],
    plan: Annotated[Path, typer.Option(help="Plan of reports (YAML).")] = Path(
        "parameters/monthly.yaml"
    ),
    data: Annotated[Path, typer.Option(help="Folder with the exports.")] = Path(
        "outputs/sample-data"
    ),
    out: Annotated[
        Path, typer.Option(help="Outputs folder; the month goes to OUT/YYYY-MM.")
    ] = Path("outputs"),
    jobs: Annotated[
        int | None, typer.Option(min=1, help="Reports run in parallel (default: cores).")
    ] = None,
    embedder: Annotated[str, typer.Option(help="Embedding backend for themes.")] = "minilm",
    seed: Annotated[int, typer.Option(help="Random seed of the theme models.")] = 0,
    curation: Annotated[
        Path | None,
        typer.Option(help="Analysts' curation YAML for audit themes (default: the plan's)."),
    ] = None,
    work: Annotated[Path | None, typer.Option(help=BATCH_WORK_HELP)] = None,
) -> None:
    """Analyse a month once, then build every planned report in parallel, with an index.

    OUT/YYYY-MM holds only what may be shared (reports, index, manifest); the analysis, executed
    notebooks and quarantine files go to the private WORK/YYYY-MM. A failing report never stops
    the others: it is listed as failed in the index and the command exits 1 after the rest
    finish. Re-running a month replaces both folders atomically.
    """
    from rca.batch.monthly import run_batch

    result = run_batch(
        plan, month, data_dir=data, out_root=out, work_root=work, jobs=jobs,
        embedder=embedder, seed=seed, curation=curation, log=console.log,
    )  # fmt: skip
    _tell_batch(result)
    if result.failed:
        console.print(f"{len(result.failed)} report(s) failed; see the index.", markup=False)
        raise typer.Exit(1)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Outputs folder.")] = Path("outputs"),
    seed: Annotated[int, typer.Option(help="Seed of the sample data and the theme model.")] = 0,
    months: Annotated[int, typer.Option(min=2, max=24, help="Months of sample data.")] = 6,
    embedder: Annotated[str, typer.Option(help="Embedding backend for themes.")] = "minilm",
    plan: Annotated[
        Path | None, typer.Option(help="Plan of reports (default: parameters/monthly.yaml).")
    ] = None,
    work: Annotated[Path | None, typer.Option(help=BATCH_WORK_HELP)] = None,
) -> None:
    """Generate sample data, analyse it and build the month's reports; print the index path."""
    from rca.batch.monthly import run_batch
    from rca.core.paths import parameters_dir
    from rca.sample import generate_sample

    start = time.perf_counter()
    data = out / "sample-data"
    console.log(f"sample data -> {data}")
    summary = generate_sample(data, months=months, seed=seed)
    month = summary.months[-1]
    result = run_batch(
        plan or parameters_dir() / "monthly.yaml", month, data_dir=data, out_root=out,
        work_root=work, embedder=embedder, seed=seed, log=console.log,
    )  # fmt: skip
    if result.failed:
        _tell_batch(result)
        raise typer.Exit(1)
    console.log(f"done in {time.perf_counter() - start:.0f} s")
    _tell_batch(result)


@app.command()
def check(
    folder: Annotated[
        Path, typer.Argument(help="A month folder of reports, e.g. outputs/2026-10.")
    ],
    screenshots: Annotated[
        bool, typer.Option(help="Save a full-page PNG of each report to FOLDER/screenshots.")
    ] = True,
    text: Annotated[
        bool,
        typer.Option(help="Also save each page's visible text beside its screenshot (NAME.txt)."),
    ] = False,
) -> None:
    """Open every HTML report in headless Chromium, offline, as a reader would; list problems.

    Flags console errors, scripts that ran from the data, network requests, charts that did not
    draw, visible code or tracebacks and broken links. Exits 1 if any report has a problem.
    With --text, what a reader sees of each page is saved as text, to search before mailing.
    """
    from rca.batch.browser_check import check_reports

    start = time.perf_counter()
    with console.status(f"opening the reports in {folder} ..."):
        checks = check_reports(folder, screenshots=screenshots, texts=text)
    bad = [c for c in checks if not c.ok]
    for c in bad:
        for problem in c.problems:
            out_console.print(f"{c.path}: {problem}", soft_wrap=True, highlight=False, markup=False)
    charts = sum(c.charts for c in checks)
    out_console.print(
        f"{len(checks) - len(bad)}/{len(checks)} pages fine, {charts} charts drawn "
        f"({time.perf_counter() - start:.0f} s)"
        + (f"; screenshots in {Path(folder) / 'screenshots'}" if screenshots else ""),
        soft_wrap=True, highlight=False, markup=False,
    )  # fmt: skip
    if bad:
        raise typer.Exit(1)


def main() -> None:
    """Entry point of the ``rca`` console script."""
    try:
        app()
    except RcaError as exc:
        from rich.text import Text

        console.print(Text("error: ", style="bold red") + Text(str(exc)), soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
