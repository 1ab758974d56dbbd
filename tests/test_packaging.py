from __future__ import annotations

import re
import tomllib

import yaml
from conftest import ROOT


def _name(req: str) -> str:
    return re.split(r"[=<>\[ ]", req, maxsplit=1)[0].lower()


def test_environment_yml_names_the_same_pinned_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = project["dependencies"] + extras["dev"] + extras["lab"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = [p for p in pip if not p.startswith("-")]
    assert sorted(listed) == sorted(wanted)
    assert "python=3.11" in env["dependencies"]


def test_direct_dependencies_are_pinned_and_torch_is_the_cpu_pin():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    for req in project["dependencies"] + extras["dev"] + extras["lab"]:
        assert "==" in req, f"{req} is not pinned"
    assert "torch==2.13.0" in project["dependencies"]


def test_constraints_pin_every_installed_transitive_dependency():
    lines = [
        line for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]  # fmt: skip
    assert all("==" in line for line in lines)
    names = {_name(line) for line in lines}
    assert not any(n.startswith("nvidia") for n in names), "no CUDA packages"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for req in project["dependencies"]:
        assert _name(req).replace("_", "-") in {n.replace("_", "-") for n in names}, req


def test_generated_outputs_are_ignored():
    ignored = (ROOT / ".gitignore").read_text()
    assert "outputs/*" in ignored and ".venv/" in ignored
    assert (ROOT / "outputs" / ".gitkeep").exists()
