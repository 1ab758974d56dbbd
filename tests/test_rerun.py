"""Re-running a notebook in the same kernel, as analysts do in JupyterLab ("Run All" again).

Every notebook runs twice in ONE kernel with nbclient: first with one set of values in its
parameters cell, then with one value changed. The second run must use the second values (the
validation cell reads the parameters cell's names from the namespace, whatever ran before) and
no cell may fail. The real JupyterLab test is in test_lab.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import ROOT

from rca.batch.kernels import ReportKernel
from rca.batch.notebook_run import load_notebook
from rca.batch.parameters import NOTEBOOK_PARAMS

pytestmark = pytest.mark.notebook

#: Prints the checked parameters and the values any later cell may have overwritten.
_SHOW = "import json as _json\nprint('RCA-P=' + _json.dumps(P, default=str))"

#: notebook -> (first run's values, second run's changes): one parameter changed each time.
RUNS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "executive": ({"top_n": 8}, {"title": "Second run"}),
    "operations": ({"team": "Team Orca"}, {"team": "Team Heron"}),
    "calibration": ({"min_n": 30}, {"min_n": 5}),
    "ai_labels": ({"target": 0.9}, {"target": 0.8}),
    "policy_product": ({"top_n": 8}, {"top_n": 3}),
    "explore": ({"market": "PH", "top_n": 5}, {"market": "US"}),
    "agent_feedback": ({"agent": "agent_001"}, {"agent": "agent_035"}),
    "training": ({"mode": "quiz"}, {"mode": "key"}),
}


def parameters_cell(name: str, values: dict[str, Any]) -> str:
    """The source of ``name``'s parameters cell as an analyst edits it: every declared name."""
    return "\n".join(f"{p.name} = {values.get(p.name, p.default)!r}" for p in NOTEBOOK_PARAMS[name])


def test_every_notebook_has_a_rerun_case():
    assert sorted(RUNS) == sorted(p.stem for p in (ROOT / "notebooks").glob("*.py"))


@pytest.fixture(scope="module")
def kernel():
    """One kernel, reset between notebooks (as the batch does); each notebook runs twice in it."""
    with ReportKernel() as k:
        yield k


@pytest.mark.parametrize("name", sorted(RUNS))
def test_run_all_twice_in_the_same_kernel_uses_the_second_values(
    name, kernel, sample_analysis, tmp_path
):
    import nbformat
    from nbclient import NotebookClient

    first, change = RUNS[name]
    first = {"workspace": str(sample_analysis.path / "workspace"), **first}
    second = first | change
    nb = load_notebook(name)
    nb.cells.append(nbformat.v4.new_code_cell(_SHOW))
    client = NotebookClient(nb, km=kernel.prepare(tmp_path), timeout=300, allow_errors=False)
    shown, pages = [], []
    with client.setup_kernel():
        for values in (first, second):  # "Run All", edit the parameters cell, "Run All" again
            nb.cells[1].source = parameters_cell(name, values)
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)  # raises on any error output
            text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
            shown.append(json.loads(text.split("RCA-P=", 1)[1]))
            pages.append(json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False))
    defaults = {p.name: p.default for p in NOTEBOOK_PARAMS[name]}
    assert shown[0] == json.loads(json.dumps(defaults | first))
    assert shown[1] == json.loads(json.dumps(defaults | second))
    if name == "explore":  # the slice shown is the second run's market
        assert "Themes in audit comments · 2026-10 · US" in pages[1]
        assert "· PH" in pages[0] and "· PH" not in pages[1]
