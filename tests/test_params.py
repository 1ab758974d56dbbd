from __future__ import annotations

import pytest

from rca.batch.parameters import (
    NOTEBOOK_PARAMS,
    check_parameters,
    load_parameter_file,
    notebook_parameters,
)
from rca.core.errors import ParameterError


def test_defaults_are_filled_in():
    p = check_parameters("executive", {"workspace": "/tmp/ws"})
    assert p == {"workspace": "/tmp/ws", "month": None, "min_n": 30, "top_n": 8, "title": None}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"workspace": "w", "mnth": "2026-10"}, "unknown parameter 'mnth' (did you mean 'month'?)"),
        ({"workspace": "w", "colour": "red"}, "unknown parameter 'colour'; known parameters"),
        ({"workspace": "w", "month": "2026-13"}, "'month' = '2026-13' is invalid"),
        ({"workspace": "w", "month": "Oct 2026"}, "expected a month like 2026-10"),
        ({"workspace": "w", "min_n": 0}, "whole number from 1"),
        ({"workspace": "w", "top_n": True}, "'top_n' = True is invalid"),
        ({"workspace": ""}, "expected a folder path"),
    ],
)
def test_invalid_parameters_stop_with_one_line(values, message):
    with pytest.raises(ParameterError) as err:
        check_parameters("executive", values)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_notebook():
    with pytest.raises(ParameterError, match="unknown notebook 'exec'"):
        check_parameters("exec", {})


def test_notebook_namespace_check_sees_injected_typos():
    before = {"rr", "_before"}
    namespace = {"rr": object(), "workspace": "w", "month": None, "mnth": "2026-10", "_x": 1}
    with pytest.raises(ParameterError, match="did you mean 'month'"):
        notebook_parameters("executive", namespace, before)


#: A kernel that already ran the executive notebook: the setup cell of the second run recorded
#: every name of the first (parameters included), then the parameters cell set new values.
RERUN_BEFORE = {"rr", "_before", "workspace", "month", "min_n", "top_n", "title", "P", "ws"}


@pytest.mark.parametrize(
    ("namespace", "before", "expected"),
    [
        ({"workspace": "w2", "month": "2026-09", "min_n": 5, "top_n": 3, "title": "T"},
         RERUN_BEFORE, {"workspace": "w2", "month": "2026-09", "min_n": 5, "top_n": 3,
                        "title": "T"}),
        ({"workspace": "w", "month": None, "min_n": 30, "top_n": 4, "title": None, "P": {}},
         {"P"}, {"workspace": "w", "month": None, "min_n": 30, "top_n": 4, "title": None}),
        ({"workspace": "w", "top_n": 4, "P": {}, "ws": object()}, None,
         {"workspace": "w", "month": None, "min_n": 30, "top_n": 4, "title": None}),
    ],
    ids=["second-run", "first-run", "without-before"],
)  # fmt: skip
def test_notebook_parameters_are_the_namespace_values_whatever_ran_before(
    namespace, before, expected
):
    assert notebook_parameters("executive", namespace, before) == expected


def test_a_name_new_on_a_second_run_is_still_a_misspelled_parameter():
    namespace = {"workspace": "w", "month": None, "mnth": "2026-10", "P": {}, "rr": object()}
    with pytest.raises(ParameterError, match="did you mean 'month'"):
        notebook_parameters("executive", namespace, RERUN_BEFORE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("month: 2026-10\n", {"month": "2026-10"}), ("", {}), ("# nothing\n", {})],
)
def test_load_parameter_file(tmp_path, text, expected):
    path = tmp_path / "p.yaml"
    path.write_text(text)
    assert load_parameter_file(path) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "line 1: expected a mapping"),
        ("a: [1\n", "line 2: not valid YAML"),
        ("a: 1\nb: 2\na: 3\n", "line 3: key 'a': written twice (first at line 1)"),
        (None, "parameter file not found"),
    ],
)
def test_bad_parameter_files(tmp_path, text, message):
    path = tmp_path / "p.yaml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(ParameterError) as err:
        load_parameter_file(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


def test_parameter_file_for_a_notebook_is_checked_but_not_completed(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("top_n: 5\ntitle: Ops\n")
    assert load_parameter_file(path, "executive") == {"top_n": 5, "title": "Ops"}
    with pytest.raises(ParameterError, match="unknown parameter 'title'"):
        load_parameter_file(path, "calibration")


def test_every_declared_default_passes_its_own_check():
    for name, params in NOTEBOOK_PARAMS.items():
        values = {p.name: p.default for p in params}
        values["workspace"] = "w"
        assert check_parameters(name, values)
