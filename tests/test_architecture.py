"""The architecture is a test: layers one way, no cycles, small modules (see ARCHITECTURE.md)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_package_keeps_its_contracts():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "says"),
    [
        # a statistic reaching up into the reports: against the flow
        ("rca/stats/kpis.py", "import rca.reports.fragments", "rca.stats is not allowed to import"),
        # the foundation importing a layer: against the flow
        ("rca/core/paths.py", "from rca.ingest import schemas", "rca.core is not allowed"),
        # two theme modules importing each other: a cycle
        ("rca/themes/vectors.py", "import rca.themes.static_embedder", "cycles"),
    ],
)
def test_a_wrong_import_breaks_the_lint(tmp_path, module, bad_import, says):
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy(ROOT / "pyproject.toml", copy)
    shutil.copytree(ROOT / "rca", copy / "rca", ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.write_text(target.read_text() + f"\n{bad_import}  # noqa\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert says in result.stdout, result.stdout[-3000:]


def test_no_module_over_400_lines():
    big = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "rca").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert not big, f"split these modules (over 400 lines): {big}"
