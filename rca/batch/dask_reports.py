"""Run a month's planned reports on a Dask cluster, each worker reusing its own kernels.

The cluster counterpart of `rca.batch.report_pool.run_reports`, with the same promises:

- Each worker thread keeps one `rca.batch.kernels.ReportKernel` across its reports, as each
  process of the local pool does (a worker plugin, `ReportKernels`, installs the plan's parameter
  declarations and stops the kernels when the worker closes).
- A failing report is returned as failed and the others go on; a kernel that dies is retried on
  the same worker (`rca.batch.report_pool.execute_report`).
- A worker that dies mid-report (killed, out of memory) has its reports re-run on another worker
  by the scheduler (up to ``distributed.scheduler.allowed-failures`` workers; then the report is
  failed with ``KilledWorker``).
- Nothing is written twice: a worker renders into a scratch folder of its own and returns the
  files; the client writes each report's files once, at the task's deterministic place in the
  batch's temporary folders, from the one result it receives. A worker lost mid-report leaves at
  most a scratch folder on its own disk.

Workers must see the analysis folder at the client's path (a shared file system, as for any
Dask job that reads files) and have the same `rca` and notebooks installed.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distributed import as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from rca.batch.report_pool import (
    Outcome,
    ReportTask,
    declarations,
    execute_report,
    failed_result,
    install_declarations,
    now,
    progress_line,
)

if TYPE_CHECKING:
    from rca.batch.kernels import ReportKernel

__all__ = ["PLUGIN_NAME", "ReportKernels", "render_report", "run_reports_on"]

#: Name of the worker plugin; registering it again (the next batch) replaces it.
PLUGIN_NAME = "rca-report-kernels"

_LOCAL = threading.local()
_KERNELS: list[ReportKernel] = []
_SCRATCH: list[Path] = []
_LOCK = threading.Lock()


def _thread_kernel() -> ReportKernel:
    """Return the calling worker thread's kernel (started on its first report)."""
    from rca.batch.kernels import ReportKernel

    kernel = getattr(_LOCAL, "kernel", None)
    if kernel is None:
        kernel = _LOCAL.kernel = ReportKernel()
    with _LOCK:  # again after a teardown (a plugin registered anew), which stopped it
        if kernel not in _KERNELS:
            _KERNELS.append(kernel)
    return kernel


def _stop_kernels() -> None:
    """Stop every thread's kernel and remove every thread's scratch folder."""
    with _LOCK:
        kernels, folders = list(_KERNELS), list(_SCRATCH)
        _KERNELS.clear()
        _SCRATCH.clear()
    for kernel in kernels:
        kernel.shutdown()
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


class ReportKernels(WorkerPlugin):
    """Worker plugin: the plan's parameter declarations in, the report kernels stopped at close.

    Parameters
    ----------
    sent
        Pickled declarations (`rca.batch.report_pool.declarations`).
    """

    def __init__(self, sent: dict[str, bytes]) -> None:
        self.sent = sent

    def setup(self, worker: Any) -> None:
        """Install the declarations in the worker's process."""
        install_declarations(self.sent)

    def teardown(self, worker: Any) -> None:
        """Stop every kernel of the worker's threads."""
        _stop_kernels()


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _scratch() -> tuple[Path, Path]:
    """Return the calling thread's two scratch folders (HTML, notebook), emptied.

    They last as long as the thread: the notebook folder is its kernel's working directory,
    which must still exist when the next report resets the kernel.
    """
    base = getattr(_LOCAL, "scratch", None)
    if base is None or not base.exists():  # removed by a teardown
        base = _LOCAL.scratch = Path(tempfile.mkdtemp(prefix="rca-report-"))
        with _LOCK:
            _SCRATCH.append(base)
    folders = (base / "html", base / "ipynb")
    for folder in folders:
        folder.mkdir(exist_ok=True)
        for item in folder.iterdir():
            if item.is_dir():
                shutil.rmtree(item)
            else:
                item.unlink()
    return folders


def render_report(task: ReportTask) -> tuple[Outcome, dict[str, bytes], dict[str, bytes]]:
    """Run one report on a worker; return its outcome and its files (HTML folder, notebook folder).

    The report runs on the thread's kernel in the thread's scratch folders; paths in the outcome
    are those of ``task``'s folders, where `collect` puts the files.
    """
    html_dir, ipynb_dir = _scratch()
    local = replace(task, html_dir=str(html_dir), ipynb_dir=str(ipynb_dir))
    outcome = execute_report(local, _thread_kernel())
    r = outcome.result
    result = replace(
        r,
        html=None if r.html is None else Path(task.html_dir) / r.html.name,
        ipynb=None if r.ipynb is None else Path(task.ipynb_dir) / r.ipynb.name,
    )
    return replace(outcome, result=result), _files(html_dir), _files(ipynb_dir)


def collect(task: ReportTask, html: dict[str, bytes], ipynb: dict[str, bytes]) -> None:
    """Write a report's returned files into its task's folders (the batch's temporary ones)."""
    for folder, files in ((task.html_dir, html), (task.ipynb_dir, ipynb)):
        for name, data in files.items():
            path = Path(folder) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def run_reports_on(
    client: Any, tasks: list[ReportTask], log: Callable[[str], object]
) -> list[Outcome]:
    """Run ``tasks`` on ``client``'s cluster; return their outcomes in task order.

    ``log`` gets one line per finished report with the running failure count, as
    `rca.batch.report_pool.run_reports` gives. A report whose workers kept dying is failed with
    the scheduler's reason; the others go on.
    """
    client.register_plugin(
        ReportKernels(declarations(t.planned.notebook for t in tasks)), name=PLUGIN_NAME
    )
    batch = uuid.uuid4().hex[:8]
    futures = {
        client.submit(render_report, t, key=f"rca-report-{batch}-{i}", pure=False): i
        for i, t in enumerate(tasks)
    }
    outcomes: dict[int, Outcome] = {}
    failed = 0
    try:
        for future in as_completed(futures):
            i = futures[future]
            try:
                outcome, html, ipynb = future.result()
                collect(tasks[i], html, ipynb)
            except Exception as exc:  # its workers kept dying (KilledWorker), or it could not run
                died = "worker died: " if type(exc).__name__ == "KilledWorker" else ""
                reason = f"{died}{type(exc).__name__}: {exc}".splitlines()[0]
                outcome = Outcome(failed_result(tasks[i].planned, reason), 1, now(), now())
            future.release()
            outcomes[i] = outcome
            failed += outcome.result.status != "ok"
            log(progress_line(len(outcomes), len(tasks), tasks[i], outcome, failed))
    except BaseException:
        client.cancel(list(futures))
        raise
    return [outcomes[i] for i in range(len(tasks))]
