"""The monthly batch: analyse a month once, build every planned report in parallel, swap it in.

`run_batch` reads a plan (`rca.batch.plan`), runs `rca.analysis.month.analyze_month` (or reuses a
finished analysis), executes every report with papermill in a pool of fresh worker processes
(`rca.batch.report_pool`), and writes ``index.html`` and the manifests. A failing report never
stops the others; a kernel that dies or does not start is retried.

What may be shared and what stays private are two folders (`rca.batch.month_folder`):
``<out>/<month>/`` holds only the HTML reports, the index and a manifest without personal data;
the analysis (every row, the tables, the theme models), the executed notebooks, the quarantine
files and the full manifest go to the private working area ``<work>/<month>/`` (default
``<out>/.work/<month>/``). Both are built in temporary folders and swapped in together at the
end, so readers see the old month or the new one, never a mix.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rca.batch.cluster import cluster_threads
from rca.batch.manifest import (
    build_manifest,
    file_entries,
    relative_to,
    shareable_text,
    shared_manifest,
)
from rca.batch.month_folder import MonthBuild, quarantine_files, start_build
from rca.batch.notebook_run import ReportResult
from rca.batch.plan import expand_plan, load_plan
from rca.batch.report_files import write_formats
from rca.batch.report_pool import Outcome, ReportTask, now, run_reports
from rca.batch.training_sheets import write_score_sheets
from rca.core.argument_checks import MONTH_PATTERN
from rca.core.errors import ParameterError
from rca.themes.distributed import use_client

if TYPE_CHECKING:
    from rca.analysis.month import Analysis

__all__ = ["BatchResult", "run_batch"]


@dataclass
class BatchResult:
    """Outcome of a monthly batch.

    ``reports`` are in plan order with their final paths (the HTML in the shared month folder,
    the executed notebook in the private working area); ``failed`` are those not ``ok``.

    Attributes
    ----------
    month_dir, index, manifest
        The shared month folder, its ``index.html`` and its ``manifest.json``.
    work_dir
        The month's private working area (analysis, executed notebooks, full manifest).
    quarantine
        Quarantine files of the analysis: invalid rows with their original values (private).
    """

    month: str
    month_dir: Path
    index: Path
    manifest: Path
    reports: list[ReportResult]
    seconds: float
    work_dir: Path
    quarantine: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> list[ReportResult]:
        """The reports that failed (each with a one-line ``reason``)."""
        return [r for r in self.reports if r.status != "ok"]

    @property
    def ok(self) -> bool:
        """True when every report was built."""
        return not self.failed


def _entry(
    task: ReportTask, outcome: Outcome, work: Path, shared: Path, files: dict[str, Path]
) -> dict[str, Any]:
    """Describe one report for the full manifest (paths relative to the month's folders)."""
    r = outcome.result
    return {
        "notebook": r.notebook,
        "title": r.title,
        "group": task.planned.group,
        "status": r.status,
        "reason": r.reason,
        "html": relative_to(r.html, shared),
        "ipynb": relative_to(r.ipynb, work),
        "attempts": outcome.attempts,
        "parameters": {k: relative_to(v, work) for k, v in task.planned.parameters.items()},
        "started": outcome.started,
        "ended": outcome.ended,
        "seconds": round(r.seconds, 3),
        "files": file_entries(files, shared),
    }


def _analysis(
    analysis_dir: str | Path | None,
    data_dir: Path,
    build: MonthBuild,
    month: str,
    embedder: str,
    seed: int,
    min_n: int,
    curation: Path | None,
    mappings: dict[str, Path],
    log: Callable[[str], object],
    store: Path,
) -> Analysis:
    """Reuse ``analysis_dir`` (copied if it lives in the month being replaced) or analyse anew.

    A new analysis goes to the private working area under construction.
    """
    from rca.analysis.month import Analysis, analyze_month

    target = build.work_tmp / "analysis"
    if analysis_dir is None:
        log(f"analysing {month} ({embedder}, seed {seed})")
        return analyze_month(
            data_dir, target, month=month, embedder=embedder, seed=seed, min_n=min_n,
            curation=curation, mappings=mappings, log=log, verbose=True, store=store,
        )  # fmt: skip
    source = Path(analysis_dir).resolve()
    if not (source / "tables.json").exists():
        raise ParameterError(f"{source}: not an analysis folder (no tables.json)")
    if source.is_relative_to(build.work) or source.is_relative_to(build.shared):
        shutil.copytree(source, target)  # the old month is about to be replaced
        source = target
    analysis = Analysis(source)
    if analysis.info["month"] != month:
        raise ParameterError(f"{source}: analysis of {analysis.info['month']}, not {month}")
    return analysis


def _stderr_log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_batch(
    plan_path: str | Path,
    month: str,
    *,
    data_dir: str | Path,
    out_root: str | Path,
    work_root: str | Path | None = None,
    jobs: int | None = None,
    embedder: str = "auto",
    seed: int = 0,
    timeout: int = 900,
    retries: int = 2,
    analysis_dir: str | Path | None = None,
    curation: str | Path | None = None,
    mappings: Mapping[str, str | Path] | None = None,
    log: Callable[[str], object] = _stderr_log,
    store: str | Path | None = None,
    client: Any = None,
) -> BatchResult:
    """Build every report of ``plan_path`` for ``month`` into ``<out_root>/<month>/``.

    Parameters
    ----------
    plan_path
        Plan YAML (format in ``parameters/monthly.yaml``); checked before anything runs.
    month
        ``YYYY-MM``.
    data_dir
        Folder of the exports (``audits.*`` ...); hashed into the manifest, analysed unless
        ``analysis_dir`` is given. Either the whole history or only the month's files: the
        report month and every month the history store does not hold yet are stored
        (`rca.analysis.intake.ingest_exports` with ``only_new``), and the month is analysed
        from the store (earlier months, the theme registry).
    out_root
        Outputs folder; the shared month folder is ``<out_root>/<month>/`` (the HTML reports,
        ``index.html`` and a ``manifest.json`` without paths or personal data).
    work_root
        Private working area; the month's private files go to ``<work_root>/<month>/``: the
        analysis (``analysis/``, with the quarantine files under ``analysis/workspace/``), the
        executed notebooks (``notebooks/``) and the full ``manifest.json``. Default
        ``<out_root>/.work``.
    jobs
        Reports run at once (worker processes); default ``os.cpu_count()``.
    embedder, seed
        Theme model settings (``embedder="auto"``: by the texts' languages, see
        `rca.themes.languages`) of the analysis.
    timeout
        Seconds a single notebook cell may run.
    retries
        Extra attempts for a report whose kernel died or did not start (never for cell errors).
    analysis_dir
        A finished `analyze_month` folder for ``month`` to reuse; by default the month is analysed
        into the working area's ``analysis/``.
    curation
        Analysts' curation YAML for the audit themes; default: the plan's ``curation`` file
        (applied when it exists, so renames saved from the explore notebook reach the batch).
    mappings
        ``{kind: YAML column mapping}`` for exports in a vendor's format; override the plan's
        ``mappings`` kind by kind.
    log
        Progress callback: one line per finished report with the running failure count.
    store
        The history store; default ``<work_root>/history.duckdb`` (private, kept across months).
    client
        A ``dask.distributed.Client`` (`rca.batch.cluster.open_client`): the analysis embeds and
        assigns texts on its cluster (`rca.themes.distributed`) and the reports run on its workers
        (`rca.batch.dask_reports`); the theme fit, the store, the index and the manifests stay
        here. Not with ``jobs``: the cluster's worker threads decide how many reports run at once.

    Returns
    -------
    BatchResult
        Paths of the new month folder, index, manifest and working area; ``failed`` lists failed
        reports (their executed notebooks, with the error, are in the working area).

    Raises
    ------
    ParameterError
        Invalid plan, month or ``analysis_dir``, a working area that overlaps a shared month
        folder, or both ``jobs`` and ``client`` (before any report runs).

    Notes
    -----
    Workers are started with ``spawn``: a script calling this must guard its top level with
    ``if __name__ == "__main__":``. If the run is interrupted, ``<month>/`` and the month's
    working area are left as they were.
    """
    from rca.batch.month_index import write_index
    from rca.ingest.inputs import find_inputs

    t0, started = time.perf_counter(), now()
    if client is not None and jobs is not None:
        raise ParameterError("jobs: the local pool's size; with a Dask client its workers decide")
    if not MONTH_PATTERN.match(month):
        raise ParameterError(f"month {month!r}: expected YYYY-MM, e.g. 2026-10")
    plan = load_plan(plan_path)
    find_inputs(data_dir)  # an unusable data folder stops the batch now, not after the reports
    data_dir = Path(data_dir).resolve()
    build = start_build(out_root, work_root, month)
    shared, work = build.shared_tmp, build.work_tmp
    try:
        min_n = int(plan.parameters.get("min_n", 30))
        curation_file = Path(curation) if curation else plan.curation
        maps = {**plan.mappings, **{k: Path(v) for k, v in (mappings or {}).items()}}
        store_path = Path(store) if store else build.work.parent / "history.duckdb"
        with use_client(client):
            analysis = _analysis(
                analysis_dir, data_dir, build, month, embedder, seed, min_n, curation_file, maps,
                log, store_path,
            )  # fmt: skip
        ws = analysis.workspace
        planned = expand_plan(plan, ws.audits(), month, ws.path.resolve())
        n_jobs = cluster_threads(client) if client else max(1, jobs or os.cpu_count() or 1)
        log(f"{len(planned)} reports, {n_jobs} at a time" + (" on Dask" if client else ""))
        html_dirs = [str(shared / p.folder) for p in planned]
        ipynb_dirs = [str(work / "notebooks" / p.folder) for p in planned]  # private
        tasks = [
            ReportTask(p, html, ipynb, timeout, retries)
            for p, html, ipynb in zip(planned, html_dirs, ipynb_dirs, strict=True)
        ]
        if client is not None:
            from rca.batch.dask_reports import run_reports_on

            outcomes = run_reports_on(client, tasks, log)
        else:
            outcomes = run_reports(tasks, n_jobs, log)
        write_score_sheets(analysis, shared, planned)  # beside the training quiz, no answers
        results = [o.result for o in outcomes]
        files = write_formats(planned, results, log)  # PDFs and decks beside the HTML
        private = [build.work.parent, data_dir, analysis.path, work, build.shared.parent,
                   store_path.parent]  # fmt: skip
        shown = [replace(r, reason=shareable_text(r.reason, private)) for r in results]
        write_index(shared, month, shown, files)
        manifest = build_manifest(
            month=month,
            plan_path=plan_path,
            data_dir=data_dir,
            analysis=relative_to(analysis.path, work),
            model=ws.info.get("embedder"),
            notebooks=[p.notebook for p in planned],
            reports=[
                _entry(t, o, work, shared, f)
                for t, o, f in zip(tasks, outcomes, files, strict=True)
            ],
            embedder=embedder,
            seed=seed,
            jobs=n_jobs,
            retries=retries,
            timeout=timeout,
        )
        manifest.update(started=started, ended=now(), seconds=round(time.perf_counter() - t0, 3))
        _write_json(work / "manifest.json", manifest)
        _write_json(shared / "manifest.json", shared_manifest(manifest, private))
        build.swap_in()
    except BaseException:
        build.discard()
        raise

    def moved(path: Path | None, tmp: Path, final: Path) -> Path | None:
        return final / path.relative_to(tmp) if path is not None else None

    final = [
        replace(r, html=moved(r.html, shared, build.shared), ipynb=moved(r.ipynb, work, build.work))
        for r in results
    ]
    analysis_path = analysis.path
    if analysis_path.is_relative_to(work):
        analysis_path = build.work / analysis_path.relative_to(work)
    seconds = time.perf_counter() - t0
    log(
        f"{month}: {len(final) - sum(r.status != 'ok' for r in final)}/{len(final)} reports ok "
        f"in {seconds:.0f} s -> {build.shared / 'index.html'}"
    )
    return BatchResult(
        month, build.shared, build.shared / "index.html", build.shared / "manifest.json", final,
        seconds, build.work, quarantine_files(analysis_path),
    )  # fmt: skip


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
