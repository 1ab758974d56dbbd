"""The monthly batch: analyse a month once, build every planned report in parallel, swap it in.

`run_batch` reads a plan (`rca.batch.plan`), runs `rca.analysis.month.analyze_month` (or reuses a
finished analysis), executes every report with papermill in a pool of fresh worker processes, and
writes ``index.html`` and ``manifest.json``. Everything is built in ``outputs/.<month>.tmp-<pid>/``
and renamed into ``outputs/<month>/`` at the end, so readers see the old month or the new one,
never a mix. A failing report never stops the others; a kernel that dies or does not start is
retried.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rca.batch.manifest import build_manifest, relative_to
from rca.batch.notebook_run import AUDIENCES, ReportResult
from rca.batch.plan import PlannedReport, expand_plan, load_plan
from rca.core.errors import ParameterError

if TYPE_CHECKING:
    from rca.analysis.month import Analysis
    from rca.batch.kernels import ReportKernel

__all__ = ["BatchResult", "is_kernel_failure", "run_batch"]

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_KERNEL_FAILURE = re.compile(
    r"^(DeadKernelError|KernelDiedError|CellTimeoutError: .*kernel)"
    r"|Kernel died|Kernel didn't respond|^TimeoutError: .*[Kk]ernel|^RuntimeError: Kernel",
)
#: Indirection over `os.replace` for the folder swap (tests interrupt it here).
_rename: Callable[[Path, Path], None] = os.replace


@dataclass
class BatchResult:
    """Outcome of a monthly batch.

    ``reports`` are in plan order with their final paths; ``failed`` are those not ``ok``.
    """

    month: str
    month_dir: Path
    index: Path
    manifest: Path
    reports: list[ReportResult]
    seconds: float

    @property
    def failed(self) -> list[ReportResult]:
        """The reports that failed (each with a one-line ``reason``)."""
        return [r for r in self.reports if r.status != "ok"]

    @property
    def ok(self) -> bool:
        """True when every report was built."""
        return not self.failed


@dataclass(frozen=True)
class _Task:
    planned: PlannedReport
    out_dir: str
    timeout: int
    retries: int


@dataclass(frozen=True)
class _Outcome:
    result: ReportResult
    attempts: int
    started: str
    ended: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def is_kernel_failure(reason: str) -> bool:
    """Tell whether a report's failure ``reason`` is the kernel's (dead, or did not start/answer).

    Those are retried; an error raised by a notebook cell never is.
    """
    return bool(_KERNEL_FAILURE.search(reason))


def _declarations(notebooks: Iterable[str]) -> dict[str, bytes]:
    """Pickle the parameter declarations workers need but may not import themselves.

    Workers are fresh interpreters that re-import `rca.batch.parameters`; declarations added at run
    time (tests, plug-ins) reach them this way when they can be pickled. Others are identical in the
    worker's own import, so they are not sent.
    """
    from rca.batch.parameters import NOTEBOOK_PARAMS

    sent: dict[str, bytes] = {}
    for name in set(notebooks):
        try:
            sent[name] = pickle.dumps(NOTEBOOK_PARAMS[name])
        except (pickle.PicklingError, AttributeError, TypeError):
            continue
    return sent


#: The worker process's report kernel, reused across its reports (see `rca.batch.kernels`).
_KERNEL: ReportKernel | None = None


def _init_worker(declarations: dict[str, bytes]) -> None:
    from multiprocessing.util import Finalize

    from rca.batch.kernels import ReportKernel
    from rca.batch.parameters import NOTEBOOK_PARAMS

    global _KERNEL
    for name, blob in declarations.items():
        NOTEBOOK_PARAMS[name] = pickle.loads(blob)
    _KERNEL = ReportKernel()
    Finalize(_KERNEL, _KERNEL.shutdown, exitpriority=10)  # stop the kernel when the worker exits


def _failed(p: PlannedReport, reason: str) -> ReportResult:
    audience = AUDIENCES.get(p.notebook, p.notebook)
    return ReportResult(p.notebook, p.title, audience, "failed", None, None, 0.0, reason)


def _execute(task: _Task) -> _Outcome:
    """Run one report in a worker, retrying kernel failures up to ``task.retries`` times."""
    from rca.batch.notebook_run import run_report

    p = task.planned
    started, t0 = _now(), time.perf_counter()
    attempts = 0
    while True:
        attempts += 1
        try:
            result = run_report(
                p.notebook,
                p.parameters,
                task.out_dir,
                stem=p.stem,
                title=p.title,
                timeout=task.timeout,
                kernel=_KERNEL,
            )
        except Exception as exc:  # a parameter error here is a bug in the plan check: report it
            result = _failed(p, f"{type(exc).__name__}: {exc}")
        retry = result.status != "ok" and is_kernel_failure(result.reason)
        if not retry or attempts > task.retries:
            result.seconds = time.perf_counter() - t0
            if attempts > 1:
                result.reason += f" ({attempts} attempts)" if result.reason else ""
            return _Outcome(result, attempts, started, _now())
        time.sleep(0.5 * attempts)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own earlier run: runs in one process are sequential
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale(out_root: Path, month: str) -> None:
    """Remove temp folders of crashed runs; restore the month if a crash hit mid-swap."""
    month_dir = out_root / month
    for path in sorted(out_root.glob(f".{month}.*-*")):
        m = re.fullmatch(rf"\.{re.escape(month)}\.(tmp|old)-(\d+)", path.name)
        if not m or _pid_alive(int(m.group(2))):
            continue
        if m.group(1) == "old" and not month_dir.exists():
            _rename(path, month_dir)
        else:
            shutil.rmtree(path, ignore_errors=True)


def _swap_in(tmp: Path, month_dir: Path) -> None:
    """Replace ``month_dir`` by ``tmp`` with two renames; on failure the old month stays."""
    old = month_dir.with_name(f".{month_dir.name}.old-{os.getpid()}")
    had_old = month_dir.exists()
    if had_old:
        _rename(month_dir, old)
    try:
        _rename(tmp, month_dir)
    except BaseException:
        if had_old:
            os.replace(old, month_dir)
        raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True)


def _entry(task: _Task, outcome: _Outcome, root: Path) -> dict[str, Any]:
    """Describe one report for the manifest (paths relative to the month folder)."""
    r = outcome.result
    return {
        "notebook": r.notebook,
        "title": r.title,
        "group": task.planned.group,
        "status": r.status,
        "reason": r.reason,
        "html": relative_to(r.html, root),
        "ipynb": relative_to(r.ipynb, root),
        "attempts": outcome.attempts,
        "parameters": {k: relative_to(v, root) for k, v in task.planned.parameters.items()},
        "started": outcome.started,
        "ended": outcome.ended,
        "seconds": round(r.seconds, 3),
    }


def _run_all(tasks: list[_Task], jobs: int, log: Callable[[str], object]) -> list[_Outcome]:
    outcomes: dict[int, _Outcome] = {}
    failed = 0
    context = get_context("spawn")
    declarations = _declarations(t.planned.notebook for t in tasks)
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(declarations,)
    ) as pool:
        futures: dict[Future[_Outcome], int] = {
            pool.submit(_execute, t): i for i, t in enumerate(tasks)
        }
        try:
            for future in as_completed(futures):
                i = futures[future]
                p = tasks[i].planned
                try:
                    outcome = future.result()
                except Exception as exc:  # the worker process itself died
                    result = _failed(p, f"worker died: {type(exc).__name__}: {exc}")
                    outcome = _Outcome(result, 1, _now(), _now())
                outcomes[i] = outcome
                r = outcome.result
                failed += r.status != "ok"
                why = f" - {r.reason}" if r.reason else ""
                log(
                    f"[{len(outcomes)}/{len(tasks)}] {r.status} {p.stem} ({r.seconds:.1f} s){why}"
                    f" · {failed} failed"
                )
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return [outcomes[i] for i in range(len(tasks))]


def _analysis(
    analysis_dir: str | Path | None,
    data_dir: Path,
    month_dir: Path,
    tmp: Path,
    embedder: str,
    seed: int,
    min_n: int,
    curation: Path | None,
    mappings: dict[str, Path],
    log: Callable[[str], object],
) -> Analysis:
    """Reuse ``analysis_dir`` (copied if it lives in the month being replaced) or analyse anew."""
    from rca.analysis.month import Analysis, analyze_month

    month = month_dir.name
    if analysis_dir is None:
        log(f"analysing {month} ({embedder}, seed {seed})")
        return analyze_month(
            data_dir, tmp / "analysis", month=month, embedder=embedder, seed=seed, min_n=min_n,
            curation=curation, mappings=mappings, log=log, verbose=True,
        )  # fmt: skip
    source = Path(analysis_dir).resolve()
    if not (source / "tables.json").exists():
        raise ParameterError(f"{source}: not an analysis folder (no tables.json)")
    if source.is_relative_to(month_dir):  # the old month is about to be replaced
        shutil.copytree(source, tmp / "analysis")
        source = tmp / "analysis"
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
    jobs: int | None = None,
    embedder: str = "minilm",
    seed: int = 0,
    timeout: int = 900,
    retries: int = 2,
    analysis_dir: str | Path | None = None,
    curation: str | Path | None = None,
    mappings: Mapping[str, str | Path] | None = None,
    log: Callable[[str], object] = _stderr_log,
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
        ``analysis_dir`` is given.
    out_root
        Outputs folder; the month goes to ``<out_root>/<month>/``.
    jobs
        Reports run at once (worker processes); default ``os.cpu_count()``.
    embedder, seed
        Theme model settings of the analysis.
    timeout
        Seconds a single notebook cell may run.
    retries
        Extra attempts for a report whose kernel died or did not start (never for cell errors).
    analysis_dir
        A finished `analyze_month` folder for ``month`` to reuse; by default the month is analysed
        into ``<month>/analysis/``.
    curation
        Analysts' curation YAML for the audit themes; default: the plan's ``curation`` file
        (applied when it exists, so renames saved from the explore notebook reach the batch).
    mappings
        ``{kind: YAML column mapping}`` for exports in a vendor's format; override the plan's
        ``mappings`` kind by kind.
    log
        Progress callback: one line per finished report with the running failure count.

    Returns
    -------
    BatchResult
        Paths of the new month folder, index and manifest; ``failed`` lists failed reports.

    Raises
    ------
    ParameterError
        Invalid plan, month or ``analysis_dir`` (before any report runs).

    Notes
    -----
    Workers are started with ``spawn``: a script calling this must guard its top level with
    ``if __name__ == "__main__":``. If the run is interrupted, ``<month>/`` is left as it was.
    """
    from rca.batch.month_index import write_index
    from rca.ingest.inputs import find_inputs

    t0, started = time.perf_counter(), _now()
    if not _MONTH.match(month):
        raise ParameterError(f"month {month!r}: expected YYYY-MM, e.g. 2026-10")
    plan = load_plan(plan_path)
    find_inputs(data_dir)  # an unusable data folder stops the batch now, not after the reports
    data_dir, out_root = Path(data_dir).resolve(), Path(out_root).resolve()
    month_dir = out_root / month
    out_root.mkdir(parents=True, exist_ok=True)
    _clean_stale(out_root, month)
    tmp = out_root / f".{month}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        min_n = int(plan.parameters.get("min_n", 30))
        curation_file = Path(curation) if curation else plan.curation
        maps = {**plan.mappings, **{k: Path(v) for k, v in (mappings or {}).items()}}
        analysis = _analysis(
            analysis_dir, data_dir, month_dir, tmp, embedder, seed, min_n, curation_file, maps, log
        )
        ws = analysis.workspace
        planned = expand_plan(plan, ws.audits(), month, ws.path.resolve())
        n_jobs = max(1, jobs or os.cpu_count() or 1)
        log(f"{len(planned)} reports, {n_jobs} at a time")
        tasks = [_Task(p, str(tmp / p.folder), timeout, retries) for p in planned]
        outcomes = _run_all(tasks, n_jobs, log)
        results = [o.result for o in outcomes]
        write_index(tmp, month, results)
        manifest = build_manifest(
            month=month,
            plan_path=plan_path,
            data_dir=data_dir,
            analysis=relative_to(analysis.path, tmp),
            model=ws.info.get("embedder"),
            notebooks=[p.notebook for p in planned],
            reports=[_entry(t, o, tmp) for t, o in zip(tasks, outcomes, strict=True)],
            embedder=embedder,
            seed=seed,
            jobs=n_jobs,
            retries=retries,
            timeout=timeout,
        )
        manifest.update(started=started, ended=_now(), seconds=round(time.perf_counter() - t0, 3))
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
        _swap_in(tmp, month_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    def moved(path: Path | None) -> Path | None:
        return month_dir / path.relative_to(tmp) if path is not None else None

    final = [replace(r, html=moved(r.html), ipynb=moved(r.ipynb)) for r in results]
    seconds = time.perf_counter() - t0
    log(
        f"{month}: {len(final) - sum(r.status != 'ok' for r in final)}/{len(final)} reports ok "
        f"in {seconds:.0f} s -> {month_dir / 'index.html'}"
    )
    return BatchResult(
        month, month_dir, month_dir / "index.html", month_dir / "manifest.json", final, seconds
    )
