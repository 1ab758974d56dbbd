"""Run a month's planned reports in a pool of fresh worker processes, each reusing one kernel.

A failing report never stops the others; a kernel that dies or does not start is retried
(`is_kernel_failure`), an error raised by a notebook cell never is. Each report's HTML goes to
its task's ``html_dir`` (the shared month folder) and its executed notebook to ``ipynb_dir``
(the private working area).
"""

from __future__ import annotations

import pickle
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from typing import TYPE_CHECKING

from rca.batch.notebook_run import ReportResult
from rca.batch.plan import PlannedReport
from rca.batch.registry import AUDIENCES

if TYPE_CHECKING:
    from rca.batch.kernels import ReportKernel

__all__ = [
    "Outcome",
    "ReportTask",
    "declarations",
    "execute_report",
    "failed_result",
    "install_declarations",
    "is_kernel_failure",
    "now",
    "progress_line",
    "run_reports",
]

_KERNEL_FAILURE = re.compile(
    r"^(DeadKernelError|KernelDiedError|CellTimeoutError: .*kernel)"
    r"|Kernel died|Kernel didn't respond|^TimeoutError: .*[Kk]ernel|^RuntimeError: Kernel",
)


@dataclass(frozen=True)
class ReportTask:
    """One report for a worker: what to run and where its two files go."""

    planned: PlannedReport
    html_dir: str
    ipynb_dir: str
    timeout: int
    retries: int


@dataclass(frozen=True)
class Outcome:
    """A report's result with its attempts and UTC start and end times."""

    result: ReportResult
    attempts: int
    started: str
    ended: str


def now() -> str:
    """Return the current UTC time, ISO 8601 to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def is_kernel_failure(reason: str) -> bool:
    """Tell whether a report's failure ``reason`` is the kernel's (dead, or did not start/answer).

    Those are retried; an error raised by a notebook cell never is.
    """
    return bool(_KERNEL_FAILURE.search(reason))


def declarations(notebooks: Iterable[str]) -> dict[str, bytes]:
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


def install_declarations(sent: dict[str, bytes]) -> None:
    """Install in this (worker) process the declarations `declarations` pickled."""
    from rca.batch.parameters import NOTEBOOK_PARAMS

    for name, blob in sent.items():
        NOTEBOOK_PARAMS[name] = pickle.loads(blob)


def _init_worker(sent: dict[str, bytes]) -> None:
    from multiprocessing.util import Finalize

    from rca.batch.kernels import ReportKernel

    global _KERNEL
    install_declarations(sent)
    _KERNEL = ReportKernel()
    Finalize(_KERNEL, _KERNEL.shutdown, exitpriority=10)  # stop the kernel when the worker exits


def failed_result(p: PlannedReport, reason: str) -> ReportResult:
    """Return the result of planned report ``p`` that did not run, with a one-line ``reason``."""
    audience = AUDIENCES.get(p.notebook, p.notebook)
    return ReportResult(p.notebook, p.title, audience, "failed", None, None, 0.0, reason)


def _execute(task: ReportTask) -> Outcome:
    return execute_report(task, _KERNEL)


def execute_report(task: ReportTask, kernel: ReportKernel | None) -> Outcome:
    """Run one report on ``kernel``, retrying kernel failures up to ``task.retries`` times.

    A failure (a cell error, a dead kernel after the retries, a bad parameter) is returned in the
    outcome, never raised.
    """
    from rca.batch.notebook_run import run_report

    p = task.planned
    started, t0 = now(), time.perf_counter()
    attempts = 0
    while True:
        attempts += 1
        try:
            result = run_report(
                p.notebook,
                p.parameters,
                task.html_dir,
                stem=p.stem,
                title=p.title,
                timeout=task.timeout,
                kernel=kernel,
                ipynb_dir=task.ipynb_dir,
            )
        except Exception as exc:  # a parameter error here is a bug in the plan check: report it
            result = failed_result(p, f"{type(exc).__name__}: {exc}")
        retry = result.status != "ok" and is_kernel_failure(result.reason)
        if not retry or attempts > task.retries:
            result.seconds = time.perf_counter() - t0
            if attempts > 1:
                result.reason += f" ({attempts} attempts)" if result.reason else ""
            return Outcome(result, attempts, started, now())
        time.sleep(0.5 * attempts)


def progress_line(done: int, total: int, task: ReportTask, outcome: Outcome, failed: int) -> str:
    """Return the progress line of a finished report, with the running failure count."""
    r = outcome.result
    why = f" - {r.reason}" if r.reason else ""
    stem = task.planned.stem
    return f"[{done}/{total}] {r.status} {stem} ({r.seconds:.1f} s){why} · {failed} failed"


def run_reports(tasks: list[ReportTask], jobs: int, log: Callable[[str], object]) -> list[Outcome]:
    """Run ``tasks`` in ``jobs`` spawned worker processes; return their outcomes in task order.

    ``log`` gets one line per finished report with the running failure count. A worker process
    that dies fails its report; the others go on.
    """
    outcomes: dict[int, Outcome] = {}
    failed = 0
    context = get_context("spawn")
    sent = declarations(t.planned.notebook for t in tasks)
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(sent,)
    ) as pool:
        futures: dict[Future[Outcome], int] = {
            pool.submit(_execute, t): i for i, t in enumerate(tasks)
        }
        try:
            for future in as_completed(futures):
                i = futures[future]
                p = tasks[i].planned
                try:
                    outcome = future.result()
                except Exception as exc:  # the worker process itself died
                    result = failed_result(p, f"worker died: {type(exc).__name__}: {exc}")
                    outcome = Outcome(result, 1, now(), now())
                outcomes[i] = outcome
                failed += outcome.result.status != "ok"
                log(progress_line(len(outcomes), len(tasks), tasks[i], outcome, failed))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return [outcomes[i] for i in range(len(tasks))]
