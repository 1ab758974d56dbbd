"""Report kernels: one Jupyter kernel reused for many reports, reset between them.

Starting a kernel and importing pandas, plotly and `rca` in it costs about three seconds, more
than most reports take to compute. The monthly batch therefore keeps one `ReportKernel` per worker
process: before each report its namespace is cleared (``%reset -f``) and its working directory
set, so a report sees a fresh namespace while the imported modules stay loaded. Any failed report
retires its kernel (a timed-out or half-run kernel is never reused), and a kernel is recycled after
``max_reports`` reports to bound memory. Kernels use IPC sockets, not TCP, on the local machine.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["ENGINE", "ReportKernel", "register_engine"]

#: papermill engine name that runs a notebook on a given kernel and leaves that kernel running.
ENGINE = "rca-reuse"

_RESET = (
    "get_ipython().run_line_magic('reset', '-f')\nimport os as _os\n_os.chdir({cwd!r})\ndel _os"
)


class ReportKernel:
    """A Python kernel that runs one report after another with a clean namespace.

    Parameters
    ----------
    kernel_name
        Kernel spec to start (``python3`` is installed into the project environment).
    max_reports
        Reports run before the kernel is replaced by a fresh one.
    startup_timeout
        Seconds to wait for the kernel to answer after starting.

    Examples
    --------
    >>> with ReportKernel() as kernel:  # doctest: +SKIP
    ...     run_report("executive", params, out, kernel=kernel)
    """

    def __init__(
        self, kernel_name: str = "python3", max_reports: int = 40, startup_timeout: float = 60
    ) -> None:
        self.kernel_name = kernel_name
        self.max_reports = max_reports
        self.startup_timeout = startup_timeout
        self._km: Any = None
        self._kc: Any = None
        self._sockets: str | None = None
        self.reports_run = 0

    @property
    def alive(self) -> bool:
        """True while the kernel process is running."""
        from jupyter_core.utils import run_sync

        return self._km is not None and bool(run_sync(self._km.is_alive)())

    def _start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        # IPC socket files in a private folder: kernels started at the same moment by parallel
        # workers would otherwise race for the same names in the working directory
        self._sockets = tempfile.mkdtemp(prefix="rca-kernel-")
        # asynchronous, as nbclient expects: its client must notice a kernel that dies mid-cell
        km = AsyncKernelManager(
            kernel_name=self.kernel_name, transport="ipc", ip=str(Path(self._sockets) / "k")
        )
        # the kernel's own log lines (transport notices, shutdown chatter) would interleave with
        # the batch's progress; what matters to readers is in the executed notebook
        run_sync(km.start_kernel)(stderr=subprocess.DEVNULL)
        kc = km.blocking_client()
        kc.start_channels()
        self._km, self._kc, self.reports_run = km, kc, 0
        try:
            kc.wait_for_ready(timeout=self.startup_timeout)
        except BaseException:
            self.shutdown()
            raise

    def prepare(self, cwd: str | Path) -> Any:
        """Return a kernel manager ready for the next report, run in ``cwd``.

        Starts the kernel if needed (or replaces it once it has run ``max_reports`` reports or
        died), clears its namespace and changes its working directory.
        """
        if not self.alive or self.reports_run >= self.max_reports:
            self.shutdown()
            self._start()
        reply = self._kc.execute_interactive(
            _RESET.format(cwd=str(Path(cwd).resolve())), store_history=False, timeout=30
        )
        if reply["content"].get("status") != "ok":
            self.shutdown()
            raise RuntimeError(f"Kernel reset failed: {reply['content'].get('evalue', '')}")
        self.reports_run += 1
        return self._km

    def retire(self) -> None:
        """Stop using this kernel: the next `prepare` starts a fresh one."""
        self.shutdown()

    def shutdown(self) -> None:
        """Stop the kernel process (no-op when none is running)."""
        if self._kc is not None:
            self._kc.stop_channels()
            self._kc = None
        if self._km is not None:
            from jupyter_core.utils import run_sync

            with contextlib.suppress(Exception):  # an already dead kernel: nothing to stop
                run_sync(self._km.shutdown_kernel)(now=True)
            self._km = None
        if self._sockets is not None:
            shutil.rmtree(self._sockets, ignore_errors=True)
            self._sockets = None

    def __enter__(self) -> ReportKernel:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()


def register_engine() -> None:
    """Register `ENGINE` with papermill (idempotent)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class _Client(PapermillNotebookClient):
        def execute(self, **kwargs: Any) -> Any:
            try:
                return super().execute(**kwargs)
            finally:
                # nbclient keeps its client open when it does not own the kernel; close it so a
                # reused kernel does not accumulate sockets
                client: Any = getattr(self, "kc", None)
                if client is not None:
                    client.stop_channels()
                    setattr(self, "kc", None)  # noqa: B010  (nbclient's trait, untyped here)

    class _Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            **kwargs: Any,
        ) -> Any:
            import logging

            kwargs.pop("input_path", None)
            kwargs.pop("startup_timeout", None)
            timeout = execution_timeout or kwargs.pop("timeout", None)
            kwargs.pop("timeout", None)
            client = _Client(
                nb_man, timeout=timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                log=logging.getLogger("papermill"), log_output=log_output,
                stdout_file=stdout_file, stderr_file=stderr_file, **kwargs,
            )  # fmt: skip
            # papermill rewrites the whole output notebook as each cell starts and ends (a 5 MB
            # JSON once plotly.js is in it: ~0.6 s of a 2 s report). Nobody watches a batch
            # report's file mid-run, so write it once: papermill's notebook_complete, which runs
            # after this returns or raises, saves it with any error in it.
            save = nb_man.save
            nb_man.save = lambda **_kw: None
            try:
                return client.execute()
            finally:
                nb_man.save = save

    if ENGINE not in papermill_engines._engines:
        papermill_engines.register(ENGINE, _Engine)
