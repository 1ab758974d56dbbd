"""Report kernels reused across reports: clean namespace, cwd, recycling, dead kernels, no leaks."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from rca.batch.kernels import ENGINE, ReportKernel, register_engine

pytestmark = pytest.mark.notebook

SPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = SPEC
    return nb


def run(kernel: ReportKernel, cwd: Path, *sources: str) -> list[str]:
    """Execute cells on ``kernel`` through papermill; return the cells' stdout."""
    register_engine()
    out = pm.execute_notebook(
        notebook(*sources), str(cwd / "out.ipynb"), kernel_name="python3",
        progress_bar=False, engine_name=ENGINE, km=kernel.prepare(cwd), execution_timeout=60,
    )  # fmt: skip
    return ["".join(o.get("text", "") for o in c.outputs).strip() for c in out.cells]


@pytest.fixture
def kernel():
    with ReportKernel(max_reports=3) as k:
        yield k


def test_each_report_starts_with_a_clean_namespace_in_its_folder(kernel, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    assert run(kernel, first, "leak = 1\nimport os\nprint(os.getpid(), os.getcwd())")
    pid_cwd, seen = run(
        kernel, second, "import os\nprint(os.getpid(), os.getcwd())", "print('leak' in globals())"
    )
    assert seen == "False"
    assert pid_cwd.split()[1] == str(second.resolve())


def test_kernel_is_reused_then_recycled_and_retired(kernel, tmp_path):
    pids = [run(kernel, tmp_path, "import os\nprint(os.getpid())")[0] for _ in range(4)]
    assert pids[0] == pids[1] == pids[2] != pids[3]  # max_reports=3: the fourth gets a new one
    kernel.retire()
    assert not kernel.alive
    assert run(kernel, tmp_path, "import os\nprint(os.getpid())")[0] not in pids


def test_a_kernel_killed_mid_report_raises_and_the_next_report_runs(kernel, tmp_path):
    from nbclient.exceptions import DeadKernelError

    with pytest.raises(DeadKernelError):
        run(kernel, tmp_path, "import os\nos.kill(os.getpid(), 9)")
    kernel.retire()
    assert run(kernel, tmp_path, "print(6 * 7)") == ["42"]


def test_reusing_a_kernel_does_not_leak_sockets(tmp_path):
    def open_fds() -> int:
        return len(os.listdir(f"/proc/{os.getpid()}/fd"))

    with ReportKernel(max_reports=100) as k:
        run(k, tmp_path, "print(1)")
        before = open_fds()
        for _ in range(6):
            run(k, tmp_path, "print(1)")
        assert open_fds() - before <= 2


def test_shutdown_removes_the_socket_folder(tmp_path):
    k = ReportKernel()
    run(k, tmp_path, "print(1)")
    sockets = Path(k._sockets or "")
    assert sockets.is_dir() and any(sockets.iterdir())
    k.shutdown()
    assert not sockets.exists() and not k.alive
