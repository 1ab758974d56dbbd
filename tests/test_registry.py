"""One registry of notebooks: every notebook's parameters cell says exactly what it declares."""

from __future__ import annotations

import ast
import string

import jupytext
import pytest
from conftest import ROOT

from rca.batch.notebook_run import run_report
from rca.batch.parameters import NOTEBOOK_PARAMS, check_parameters
from rca.batch.plan import EACH_COLUMNS
from rca.batch.registry import AUDIENCES, NOTEBOOKS, describe_notebooks, get_notebook
from rca.core.errors import ParameterError

FILES = sorted(p.stem for p in (ROOT / "notebooks").glob("*.py"))


def parameters_cell(name: str) -> list[tuple[str, object]]:
    """The ``parameters`` cell of ``notebooks/<name>.py``: (name, default) per line, in order."""
    nb = jupytext.read(ROOT / "notebooks" / f"{name}.py")
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{name}: expected one cell tagged 'parameters'"
    found = []
    for node in ast.parse(cells[0].source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, ast.unparse(node)
        target = node.targets[0]
        assert isinstance(target, ast.Name), ast.unparse(node)
        found.append((target.id, ast.literal_eval(node.value)))
    return found


def test_every_notebook_is_registered_and_every_registered_notebook_exists():
    assert sorted(NOTEBOOKS) == FILES


@pytest.mark.parametrize("name", FILES)
def test_parameters_cell_equals_the_registry(name):
    declared = [(p.name, p.default) for p in get_notebook(name).parameters]
    found = parameters_cell(name)
    assert [n for n, _ in found] == [n for n, _ in declared]
    for (key, value), (_, default) in zip(found, declared, strict=True):
        assert value == default and type(value) is type(default), key


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_each_declaration_is_consistent(name):
    nb = NOTEBOOKS[name]
    params = {p.name: p for p in nb.parameters}
    assert nb.name == name and nb.audience and nb.description and "\n" not in nb.description
    assert len(params) == len(nb.parameters), "a parameter declared twice"
    assert {"workspace", "month"} <= set(params)
    if nb.each is not None:
        assert nb.each in EACH_COLUMNS and nb.each in params
    placeholders = {f for _, f, _, _ in string.Formatter().parse(nb.title) if f is not None}
    assert placeholders == {"month", *([nb.each] if nb.each else [])}
    defaults = {p.name: p.default for p in nb.parameters}
    assert check_parameters(name, {**defaults, "workspace": "w"})  # defaults pass their checks


def test_derived_names_follow_the_registry():
    assert {name: nb.audience for name, nb in NOTEBOOKS.items()} == AUDIENCES
    assert {name: nb.parameters for name, nb in NOTEBOOKS.items()} == NOTEBOOK_PARAMS
    lines = describe_notebooks().splitlines()
    assert len(lines) == len(NOTEBOOKS)
    assert lines[1].startswith("operations (per team): Team leads / operations: ")


def test_unknown_notebooks_are_named_with_a_hint(tmp_path):
    with pytest.raises(ParameterError, match=r"unknown notebook 'executiv' \(did you mean 'exec"):
        get_notebook("executiv")
    with pytest.raises(ParameterError, match=r"unknown notebook 'operation' \(did you mean"):
        run_report("operation", {"workspace": str(tmp_path)}, tmp_path)
