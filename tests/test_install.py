"""rca installed from its wheel, anywhere: a fresh environment outside the checkout runs a demo.

The wheel is built from a copy of the sources, installed with its pinned dependencies into a new
virtual environment under the test's temporary folder (uv, offline: from uv's cache, which
``make install`` fills, and torch from the local wheel folder pip is configured with), then
``rca init`` and ``rca demo`` run there with the current directory outside the checkout and no
``RCA_HOME`` or ``PYTHONPATH``. Nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from rca.core.paths import OFFLINE_ENV

# Kernels run the notebooks (papermill), so the fast selection leaves this out.
pytestmark = [pytest.mark.install, pytest.mark.notebook]

UV = Path(sys.executable).with_name("uv")
#: What a source distribution needs to build the wheel (tests, benchmarks and outputs stay out).
SOURCES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "rca",
    "notebooks",
    "parameters",
)
#: Reports the demo builds: a team trims its plan the same way.
REPORTS = ("executive", "calibration")


def _run(args: list[str | Path], **kwargs) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, **kwargs
    )
    assert proc.returncode == 0, f"{args}\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without anything pointing at the checkout or its virtualenv."""
    drop = {"PYTHONPATH", "RCA_HOME", "RCA_OUTPUTS", "VIRTUAL_ENV", "PYTHONHOME"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return {**env, **OFFLINE_ENV, "UV_OFFLINE": "1", **extra}


def _local_wheel_folders() -> list[str]:
    """The local folders pip is configured to find wheels in (torch's CPU build lives there)."""
    config = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True
    ).stdout
    found = [*re.findall(r"find-links='([^']*)'", config), os.environ.get("PIP_FIND_LINKS", "")]
    return sorted({f for value in found for f in value.split() if Path(f).is_dir()})


def _borrow_numba_cache(venv_site: Path) -> int:
    """Copy the compiled numba kernels of this environment into the new one; return how many.

    ``make install`` compiles UMAP's and pynndescent's kernels once (numba's cache, next to each
    package); a fresh environment would compile them on its first theme fit. uv links the same
    package files into both environments, so numba accepts the copies (it checks the sources'
    timestamps and recompiles on any mismatch): the test measures the install, not the compiler.
    """
    here = Path(sysconfig.get_paths()["purelib"])
    copied = 0
    for cached in [*here.glob("*/__pycache__/*.nbi"), *here.glob("*/__pycache__/*.nbc")]:
        target = venv_site / cached.relative_to(here)
        if target.parent.parent.is_dir():
            target.parent.mkdir(exist_ok=True)
            shutil.copy2(cached, target)
            copied += 1
    return copied


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built offline from a copy of the sources (the checkout stays untouched)."""
    assert UV.exists(), f"{UV} not found: `make install` installs uv into the environment"
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(source, src / name)
    _run([UV, "build", "--wheel", "--offline", "--quiet", "-o", root / "dist", src],
         env=_clean_env())  # fmt: skip
    (built,) = (root / "dist").glob("rca-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment outside the checkout with the wheel and its pinned deps."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    start = time.perf_counter()
    env = _clean_env()
    _run([UV, "venv", "--quiet", "--python", sys.executable, venv], env=env)
    links = [arg for folder in _local_wheel_folders() for arg in ("--find-links", folder)]
    _run([UV, "pip", "install", "--quiet", "--python", venv / "bin" / "python",
          "-c", ROOT / "constraints.txt", *links, wheel], env=env)  # fmt: skip
    site = next((venv / "lib").glob("python3*/site-packages"))
    _borrow_numba_cache(site)
    print(f"fresh install: {time.perf_counter() - start:.1f} s")
    return venv


def test_the_wheel_carries_notebooks_parameters_and_templates(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = "rca/_bundled/"
    for notebook in (ROOT / "notebooks").glob("*.py"):
        assert f"{bundled}notebooks/{notebook.name}" in names
    for parameters in (ROOT / "parameters").rglob("*.yaml"):
        assert f"{bundled}{parameters.relative_to(ROOT)}" in names
    assert {"rca/reports/templates/rca_report/index.html.j2", "rca/py.typed"} <= names
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "outputs/"))]
    wheel_plan = zipfile.ZipFile(wheel).read(f"{bundled}parameters/monthly.yaml")
    assert wheel_plan == (ROOT / "parameters" / "monthly.yaml").read_bytes()


def test_installed_rca_runs_init_and_demo_outside_the_checkout(installed: Path, tmp_path: Path):
    rca = installed / "bin" / "rca"
    python = installed / "bin" / "python"
    env = _clean_env(RCA_CACHE_DIR=str(tmp_path / "cache"), MPLBACKEND="Agg")
    work = tmp_path / "somewhere"
    work.mkdir()
    code = "from rca.core.paths import *; print(checkout_root(), notebooks_dir(), working_dir())"
    checkout, notebooks, working = _run([python, "-c", code], cwd=work, env=env).stdout.split()
    assert checkout == "None" and working == str(work)
    site = next(installed.glob("lib/python3*/site-packages"))
    assert Path(notebooks) == site / "rca" / "_bundled" / "notebooks"

    _run([rca, "init", "team"], cwd=work, env=env)
    team = work / "team"
    plan_file = team / "parameters" / "monthly.yaml"
    plan = yaml.safe_load(plan_file.read_text())
    plan["reports"] = [entry for entry in plan["reports"] if entry["notebook"] in REPORTS]
    plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True))

    start = time.perf_counter()
    demo = _run([rca, "demo", "--months", "2", "--embedder", "fake"], cwd=team, env=env,
                timeout=900)  # fmt: skip
    print(f"rca demo: {time.perf_counter() - start:.1f} s")
    month = team / "outputs" / "2026-10"
    assert f"Open the reports: {month / 'index.html'}" in demo.stdout
    index = (month / "index.html").read_text()
    for name in REPORTS:
        assert (month / f"{name}.html").stat().st_size > 10_000
        assert f'href="{name}.html"' in index
    manifest = json.loads((month / "manifest.json").read_text())
    assert [r["status"] for r in manifest["reports"]] == ["ok", "ok"]
    private = json.loads((team / "outputs" / ".work" / "2026-10" / "manifest.json").read_text())
    assert private["plan"]["path"] == str(plan_file)
    assert (team / "outputs" / ".work" / "sample-data" / "audits.csv").is_file()
