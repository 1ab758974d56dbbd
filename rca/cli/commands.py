"""The ``rca`` commands (typer).

Every command catches `rca.core.errors.RcaError` and prints its one-line message (exit code 2)
instead of a traceback: a user's mistake is never a crash.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from rca.cli.cluster_options import Cluster, Workers, dask_session
from rca.cli.output import (
    BATCH_WORK_HELP,
    DATA_HELP,
    EMBEDDER_HELP,
    KIND_HELP,
    MAPPING_HELP,
    MERGE_HELP,
    OUT_HELP,
    PLAN_HELP,
    SPLIT_HELP,
    WORK_HELP,
    console,
    out_console,
    refuse_shared,
    tell_batch,
    tell_quarantine,
    work_root,
)
from rca.core.errors import RcaError

__all__ = ["app", "main"]

app = typer.Typer(
    name="rca",
    help="Root-cause analysis for QA audits and user feedback: validate exports, find themes "
    "and root causes, and build reports for every audience.\n\n"
    "Commands work in a working folder (`rca init DIR` makes one for a team): the current "
    "directory when it holds parameters/monthly.yaml, else $RCA_HOME, else the source checkout "
    "when run from one, else the current directory. The default plan, parameters, data (data/, "
    "or outputs/.work/sample-data when there is no data/) and outputs (outputs/) are the working "
    "folder's.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Folder to create (may exist).")],
    force: Annotated[bool, typer.Option(help="Overwrite files that already exist.")] = False,
) -> None:
    """Create a working folder for a team: parameters/, data/, outputs/ and a README.

    parameters/ gets the monthly plan, the root-cause taxonomy, an example column mapping in
    parameters/mappings/ and an empty curation file, copied from the shipped defaults. Run rca
    from that folder and it uses them. Existing files are never overwritten without --force.
    """
    from rca.batch.working_folder import init_working_folder

    files = init_working_folder(folder, force=force)
    for path in files:
        out_console.print(f"wrote {path}", soft_wrap=True, highlight=False, markup=False)
    out_console.print(
        f"Edit {Path(folder) / 'parameters'}, put the exports in {Path(folder) / 'data'}, then "
        f"run rca batch --month YYYY-MM from {folder} (see its README.md).",
        soft_wrap=True, highlight=False, markup=False,
    )  # fmt: skip


@app.command()
def sample(
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the sample files (default: outputs/.work/sample-data)."),
    ] = None,
    months: Annotated[
        int, typer.Option(min=1, max=36, help="Months of data (1: a team's first month).")
    ] = 6,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same bytes.")] = 0,
    end: Annotated[str, typer.Option(help="Last month covered, YYYY-MM.")] = "2026-10",
    effects: Annotated[
        str,
        typer.Option(
            help="Size of the planted root causes: 'large' (blatant, the demo's), 'medium' and "
            "'small' (what a real operation would want found, small is near the power limit), "
            "'none' (nothing planted, every agent, auditor, macro, market and label at the same "
            "rates: any clear finding is a false alarm). Sizes per preset: rca.sample.effects."
        ),
    ] = "large",
    volume: Annotated[
        float,
        typer.Option(help="Rows per month, as a multiple of the usual volume (e.g. 0.25)."),
    ] = 1.0,
    split_month: Annotated[str | None, typer.Option(help=SPLIT_HELP)] = None,
    merge_month: Annotated[str | None, typer.Option(help=MERGE_HELP)] = None,
) -> None:
    """Write realistic sample exports (all four kinds) with planted root causes.

    The seed decides which macro, market, bug, team, auditor, AI label pair and rubric item are
    affected; --effects decides how strongly (ground_truth.json lists what was planted).
    --split-month and --merge-month plant theme lineage (ground_truth.json's ``lineage``).
    """
    from rca.core.paths import outputs_dir
    from rca.sample import EFFECTS, generate_sample

    if effects not in EFFECTS:
        raise typer.BadParameter(f"expected one of {', '.join(EFFECTS)}", param_hint="--effects")
    out = out or outputs_dir() / ".work" / "sample-data"
    summary = generate_sample(
        out, months=months, seed=seed, end=end, effects=effects, volume=volume,
        split_month=split_month, merge_month=merge_month,
    )  # fmt: skip
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
    from rca.core.paths import outputs_dir
    from rca.ingest.schemas import KINDS
    from rca.ingest.validate import validate_file

    if kind not in KINDS:
        raise typer.BadParameter(f"expected one of {', '.join(KINDS)}", param_hint="--kind")
    folder = quarantine or work_root(work, outputs_dir()) / "quarantine"
    refuse_shared(folder, "--quarantine" if quarantine else "--work")
    result = validate_file(file, kind, mapping=mapping, quarantine_dir=folder)
    out_console.print(result.summary(), highlight=False, markup=False, soft_wrap=True)
    tell_quarantine([result.quarantine_path] if result.quarantine_path else [])


@app.command()
def themes(
    file: Annotated[Path, typer.Argument(help="CSV, Parquet, Excel (.xlsx) or JSON Lines file.")],
    text_column: Annotated[str, typer.Option(help="Column holding the free text.")],
    out: Annotated[Path, typer.Option(help="Folder for assignments.csv and themes.csv.")],
    embedder: Annotated[str, typer.Option(help=EMBEDDER_HELP)] = "auto",
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
    progress: Annotated[
        bool, typer.Option(help="Progress bars with rate and time left (only on a terminal).")
    ] = True,
    cluster: Cluster = None,
    workers: Workers = None,
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
    with dask_session(cluster, workers):
        summary = run_themes(
            file, text_column, out, embedder=embedder, n_themes=target, seed=seed,
            taxonomy=taxonomy, curation=curation, log=console.log, progress=progress,
        )  # fmt: skip
    out_console.print(summary, highlight=False, markup=False, soft_wrap=True)


# the command's name before themes were called themes everywhere; kept for existing scripts
app.command("topics", hidden=True)(themes)


@app.command()
def analyze(
    out: Annotated[Path, typer.Option(help="Folder for workspace/, tables/ and tables.json.")],
    data: Annotated[Path | None, typer.Option(help=DATA_HELP)] = None,
    month: Annotated[
        str | None, typer.Option(help="Month to analyse, YYYY-MM (default: the latest).")
    ] = None,
    embedder: Annotated[str, typer.Option(help=EMBEDDER_HELP)] = "auto",
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
    mapping: Annotated[
        list[str] | None,
        typer.Option(help=MAPPING_HELP + " Default: the working folder plan's mappings."),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            help="History store file (private): the month and any month it lacks go in, and the "
            "month is analysed from it with the theme registry kept there (as `rca batch`). "
            "Default: a store of this run only, OUT/history.duckdb."
        ),
    ] = None,
    cluster: Cluster = None,
    workers: Workers = None,
) -> None:
    """Compute every table of a month once (KPIs, trends, calibration, labels, findings).

    Writes each table as Parquet and CSV under OUT/tables, described in OUT/tables.json, plus the
    fitted theme models in OUT/workspace. Reports read these tables; they never recompute them.
    OUT holds every row and the quarantined rows' original values (OUT/workspace/quarantine): keep
    it private, never inside a shared month folder.
    In a working folder, the curation file and column mappings of its plan
    (parameters/monthly.yaml) apply unless --curation / --mapping are given.
    """
    from rca.analysis.month import analyze_month
    from rca.batch.month_folder import quarantine_files
    from rca.core.paths import data_dir, working_dir
    from rca.ingest.inputs import parse_mappings

    refuse_shared(out, "--out")
    if store is not None:
        refuse_shared(store.parent, "--store")

    changes: dict[str, str] = {}
    for item in macro_changed or []:
        macro, _, date = item.partition("=")
        if not macro or len(date) != 10 or date[4] != "-" or date[7] != "-":
            raise typer.BadParameter(f"expected MACRO=YYYY-MM-DD, got {item!r}",
                                     param_hint="--macro-changed")  # fmt: skip
        changes[macro] = date
    maps = parse_mappings(mapping or [])
    own_plan = working_dir() / "parameters" / "monthly.yaml"
    if own_plan.is_file() and (curation is None or not maps):
        from rca.batch.plan import load_plan

        plan = load_plan(own_plan)
        curation = curation or plan.curation
        maps = maps or plan.mappings
    start = time.perf_counter()
    with dask_session(cluster, workers):
        result = analyze_month(
            data or data_dir(), out, month=month, embedder=embedder, seed=seed,
            curation=curation, known_issues=known_issues, target_accuracy=target_accuracy,
            log=console.log, verbose=True, macro_changes=changes or None, mappings=maps,
            store=store,
        )  # fmt: skip
    info = result.info
    versus = f"vs {info['previous']}" if info["previous"] else "(first month: nothing to compare)"
    out_console.print(
        f"{info['month']} {versus}: {len(info['tables'])} tables in "
        f"{out / 'tables'} ({time.perf_counter() - start:.0f} s)",
        highlight=False,
    )
    tell_quarantine(quarantine_files(out))


@app.command()
def batch(
    month: Annotated[str, typer.Option(help="Month to report on, YYYY-MM.")],
    plan: Annotated[Path | None, typer.Option(help=PLAN_HELP)] = None,
    data: Annotated[Path | None, typer.Option(help=DATA_HELP)] = None,
    out: Annotated[Path | None, typer.Option(help=OUT_HELP)] = None,
    jobs: Annotated[
        int | None, typer.Option(min=1, help="Reports run in parallel (default: cores).")
    ] = None,
    embedder: Annotated[str, typer.Option(help=EMBEDDER_HELP)] = "auto",
    seed: Annotated[int, typer.Option(help="Random seed of the theme models.")] = 0,
    curation: Annotated[
        Path | None,
        typer.Option(help="Analysts' curation YAML for audit themes (default: the plan's)."),
    ] = None,
    work: Annotated[Path | None, typer.Option(help=BATCH_WORK_HELP)] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option(help=MAPPING_HELP + " Overrides the plan's mappings kind by kind."),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(help="History store file (private; default: WORK/history.duckdb)."),
    ] = None,
    cluster: Cluster = None,
    workers: Workers = None,
) -> None:
    """Analyse a month once, then build every planned report in parallel, with an index.

    DATA may hold the whole history or only the month's files: the month, and any month the
    history store does not hold yet, go into the store, and the month is analysed from it
    (earlier months with `rca ingest`). OUT/YYYY-MM holds only what may be shared (reports,
    index, manifest); the analysis, executed notebooks and quarantine files go to the private
    WORK/YYYY-MM. A failing report never stops the others: it is listed as failed in the index
    and the command exits 1 after the rest finish. Re-running a month replaces both folders
    atomically. With --cluster or --workers the reports run on Dask workers.
    """
    from rca.batch.monthly import run_batch
    from rca.core.paths import data_dir, outputs_dir, parameter_file
    from rca.ingest.inputs import parse_mappings

    maps = parse_mappings(mapping or [])
    with dask_session(cluster, workers) as client:
        result = run_batch(
            plan or parameter_file("monthly.yaml"), month, data_dir=data or data_dir(),
            out_root=out or outputs_dir(), work_root=work, jobs=jobs, embedder=embedder,
            seed=seed, curation=curation, mappings=maps, log=console.log, store=store,
            client=client,
        )  # fmt: skip
    tell_batch(result)
    if result.failed:
        console.print(f"{len(result.failed)} report(s) failed; see the index.", markup=False)
        raise typer.Exit(1)


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
