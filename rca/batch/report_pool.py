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

__all__ = ["Outcome", "ReportTask", "is_kernel_failure", "now", "run_reports"]

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


def _execute(task: ReportTask) -> Outcome:
    """Run one report in a worker, retrying kernel failures up to ``task.retries`` times."""
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
                kernel=_KERNEL,
                ipynb_dir=task.ipynb_dir,
            )
        except Exception as exc:  # a parameter error here is a bug in the plan check: report it
            result = _failed(p, f"{type(exc).__name__}: {exc}")
        retry = result.status != "ok" and is_kernel_failure(result.reason)
        if not retry or attempts > task.retries:
            result.seconds = time.perf_counter() - t0
            if attempts > 1:
                result.reason += f" ({attempts} attempts)" if result.reason else ""
            return Outcome(result, attempts, started, now())
        time.sleep(0.5 * attempts)


def run_reports(tasks: list[ReportTask], jobs: int, log: Callable[[str], object]) -> list[Outcome]:
    """Run ``tasks`` in ``jobs`` spawned worker processes; return their outcomes in task order.

    ``log`` gets one line per finished report with the running failure count. A worker process
    that dies fails its report; the others go on.
    """
    outcomes: dict[int, Outcome] = {}
    failed = 0
    context = get_context("spawn")
    declarations = _declarations(t.planned.notebook for t in tasks)
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(declarations,)
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
                    result = _failed(p, f"worker died: {type(exc).__name__}: {exc}")
                    outcome = Outcome(result, 1, now(), now())
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
