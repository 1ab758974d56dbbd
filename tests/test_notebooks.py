"""Notebook hygiene: diff-able sources, declared parameters, validation before anything runs."""

from __future__ import annotations

import json

import jupytext
import papermill as pm
import pytest
from conftest import ROOT

from rca.batch.notebook_run import load_notebook, run_report
from rca.batch.parameters import NOTEBOOK_PARAMS
from rca.core.errors import ParameterError

NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.py"))


def test_every_declared_notebook_exists_and_vice_versa():
    assert sorted(NOTEBOOK_PARAMS) == NOTEBOOKS


def test_no_notebook_outputs_are_committed():
    for path in (ROOT / "notebooks").rglob("*.ipynb"):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            assert not cell.get("outputs"), f"{path} has outputs: strip them"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_cell_order_setup_parameters_validate(name):
    nb = jupytext.read(ROOT / "notebooks" / f"{name}.py")
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags[0] == ["rca-setup"]
    assert tags[1] == ["parameters"]
    assert tags[2] == ["rca-validate"]
    assert "notebook_parameters(" in nb.cells[2].source


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_parameters_cell_matches_the_declaration(name, tmp_path):
    import nbformat

    path = tmp_path / f"{name}.ipynb"
    nbformat.write(load_notebook(name), path)
    declared = {p.name: p.default for p in NOTEBOOK_PARAMS[name]}
    found = pm.inspect_notebook(str(path))
    assert set(found) == set(declared)
    for key, info in found.items():
        assert eval(info["default"]) == declared[key], key


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_stay_thin(name):
    source = (ROOT / "notebooks" / f"{name}.py").read_text()
    assert "\ndef " not in source and "\nclass " not in source, "move code into rca/"
    # Slide markup adds cells of one library call each (a deck's finding slides and their
    # speaker notes, tagged deck-only): thin, but lines; the decks' notebooks get 40 more.
    limit = 160 if 'slideshow={"slide_type"' in source else 120
    assert len(source.splitlines()) < limit


def test_misspelled_parameter_stops_before_a_kernel_starts(tmp_path):
    with pytest.raises(ParameterError, match="did you mean 'month'"):
        run_report("executive", {"workspace": str(tmp_path), "mnth": "2026-10"}, tmp_path)


@pytest.mark.notebook
def test_misspelled_parameter_stops_the_notebook_at_the_top(tmp_path):
    """Run through papermill directly (as an analyst might): the validation cell stops it."""
    nb = load_notebook("executive")
    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(
            nb, str(tmp_path / "out.ipynb"), parameters={"workspace": "w", "mnth": "2026-10"},
            kernel_name="python3", progress_bar=False, cwd=str(tmp_path),
        )  # fmt: skip
    assert err.value.ename == "ParameterError"
    assert "did you mean 'month'" in err.value.evalue
    # setup, parameters, injected parameters, validation: nothing after it ran
    assert err.value.exec_count == 4


@pytest.mark.notebook
def test_bad_workspace_fails_with_a_one_line_reason(tmp_path):
    result = run_report("executive", {"workspace": str(tmp_path / "missing")}, tmp_path)
    assert result.status == "failed"
    assert result.reason.startswith("InputError:") and "not a workspace folder" in result.reason
    assert result.ipynb is not None and result.ipynb.exists()  # kept with the error
