"""Execute a report notebook with papermill and export it to HTML for readers.

Notebook sources are ``py:percent`` files in ``notebooks/`` (diff-able, no outputs); they are
converted in memory with jupytext, parameters are checked before a kernel starts, and the executed
notebook is kept for analysts. The HTML is for readers; the executed notebook holds the report's
parameters (the private workspace path) and any error, so the batch keeps it in the private working
area (``ipynb_dir``), never beside the HTML it shares.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rca.batch.parameters import check_parameters
from rca.batch.registry import AUDIENCES
from rca.core.errors import ParameterError
from rca.core.paths import notebooks_dir, set_offline
from rca.reports.html_export import export_html, slim_executed_notebook

if TYPE_CHECKING:
    from rca.batch.kernels import ReportKernel

__all__ = ["ReportResult", "load_notebook", "run_report"]


@dataclass
class ReportResult:
    """Outcome of one report run."""

    notebook: str
    title: str
    audience: str
    status: str  # "ok" or "failed"
    html: Path | None
    ipynb: Path | None
    seconds: float
    reason: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)


def load_notebook(name: str) -> Any:
    """Read ``notebooks/<name>.py`` (py:percent) into a notebook object."""
    import jupytext

    path = notebooks_dir() / f"{name}.py"
    if not path.exists():
        raise ParameterError(f"notebook {name!r} not found at {path}")
    nb = jupytext.read(path)
    for i, cell in enumerate(nb.cells):  # stable ids: the same notebook gives the same files
        cell["id"] = f"{name}-{i}"
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def _one_line(exc: BaseException) -> str:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = str(getattr(exc, "evalue", exc)).strip().splitlines()
    return f"{ename}: {evalue[0] if evalue else ''}".strip()


def run_report(
    notebook: str,
    parameters: dict[str, Any],
    out_dir: str | Path,
    *,
    stem: str | None = None,
    title: str | None = None,
    progress: bool = False,
    timeout: int = 900,
    kernel: ReportKernel | None = None,
    ipynb_dir: str | Path | None = None,
) -> ReportResult:
    """Execute ``notebook`` with ``parameters`` and export ``<out_dir>/<stem>.html``.

    Parameters
    ----------
    notebook
        Notebook name (stem in ``notebooks/``).
    parameters
        Parameter values; checked against the notebook's declaration before any kernel starts.
    out_dir
        Folder for the HTML.
    stem
        File name stem (defaults to ``notebook``).
    title
        Report title for the page and the index.
    progress
        Show papermill's cell progress bar.
    timeout
        Seconds a single cell may run.
    kernel
        A running `rca.batch.kernels.ReportKernel` to reuse (the batch keeps one per worker); by
        default a kernel is started for this report and stopped after it. A failed report
        retires ``kernel`` so that the next report gets a fresh one.
    ipynb_dir
        Folder for the executed notebook ``<stem>.ipynb``, also the kernel's working directory;
        default ``out_dir/notebooks``. The batch gives a folder of the private working area.

    Returns
    -------
    ReportResult
        Status ``ok`` with the HTML path, or ``failed`` with a one-line reason (the executed
        notebook with the error is kept).
    """
    import papermill as pm

    from rca.batch.kernels import ENGINE, ReportKernel, register_engine

    set_offline()
    register_engine()
    checked = check_parameters(notebook, parameters)
    stem = stem or notebook
    title = title or f"{notebook.replace('_', ' ').title()} report"
    out = Path(out_dir)
    nb_dir = Path(ipynb_dir) if ipynb_dir is not None else out / "notebooks"
    nb_dir.mkdir(parents=True, exist_ok=True)
    ipynb = nb_dir / f"{stem}.ipynb"
    html = out / f"{stem}.html"
    start = time.perf_counter()
    given = {k: v for k, v in parameters.items()}
    result = ReportResult(notebook, title, AUDIENCES.get(notebook, notebook), "ok", None, ipynb,
                          0.0, parameters=checked)  # fmt: skip
    own_kernel = kernel is None
    runner = kernel if kernel is not None else ReportKernel()
    try:
        executed = pm.execute_notebook(
            load_notebook(notebook),
            str(ipynb),
            parameters=given,
            kernel_name=runner.kernel_name,
            progress_bar=progress,
            execution_timeout=timeout,
            engine_name=ENGINE,
            km=runner.prepare(nb_dir),  # anything a notebook writes stays private
        )
        export_html(executed, html, title=title)  # the notebook papermill wrote, not read back
        slim_executed_notebook(ipynb, executed)
        result.html = html
    except Exception as exc:  # a failing report never stops the others; the reason is kept
        result.status = "failed"
        result.reason = _one_line(exc)
        runner.retire()  # a kernel that failed a report (died, timed out) is never reused
    finally:
        if own_kernel:
            runner.shutdown()
    result.seconds = time.perf_counter() - start
    return result
