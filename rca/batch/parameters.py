"""Notebook parameters: checked before and inside every run, against the declarations.

The declarations live in `rca.batch.registry` (one `rca.batch.registry.Notebook` per notebook);
`NOTEBOOK_PARAMS` is derived from it. papermill only *warns* about parameters a notebook does not
declare. We stop instead: the runner checks a parameter file before starting a kernel, and the
validation cell right after each notebook's ``parameters`` cell calls `notebook_parameters` so
that a notebook run by hand in JupyterLab is held to the same rules.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rca.batch.registry import NOTEBOOKS, Param
from rca.core.errors import ParameterError
from rca.core.yamlfile import read_yaml

__all__ = [
    "NOTEBOOK_PARAMS",
    "check_parameters",
    "load_parameter_file",
    "notebook_parameters",
    "parameter_problem",
]

#: Declared parameters of every notebook, derived from `rca.batch.registry.NOTEBOOKS`. Notebooks
#: declared at run time (tests, plug-ins) are added here; the batch sends them to its workers.
NOTEBOOK_PARAMS: dict[str, tuple[Param, ...]] = {
    name: nb.parameters for name, nb in NOTEBOOKS.items()
}


def _declared(notebook: str) -> dict[str, Param]:
    if notebook not in NOTEBOOK_PARAMS:
        close = difflib.get_close_matches(notebook, list(NOTEBOOK_PARAMS), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ParameterError(
            f"unknown notebook {notebook!r}{hint}; "
            f"expected one of {', '.join(sorted(NOTEBOOK_PARAMS))}"
        )
    return {p.name: p for p in NOTEBOOK_PARAMS[notebook]}


def parameter_problem(
    notebook: str, values: Mapping[str, Any], *, defaults: bool = True
) -> tuple[str, str] | None:
    """Return the first unknown or invalid parameter of ``values`` and what is wrong, or ``None``.

    Parameters
    ----------
    notebook
        Notebook name (file stem in ``notebooks/``).
    values
        The values given.
    defaults
        Also check the defaults of the parameters not given (``False`` for a partial set, such
        as a parameter file that the runner completes).

    Returns
    -------
    tuple of (str, str) or None
        The parameter's name and a one-line message (without the notebook's name).

    Raises
    ------
    ParameterError
        When ``notebook`` is not declared.
    """
    spec = _declared(notebook)
    unknown = sorted(set(values) - set(spec))
    if unknown:
        name = unknown[0]
        close = difflib.get_close_matches(name, list(spec), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        known = ", ".join(sorted(spec))
        return name, f"unknown parameter '{name}'{hint}; known parameters: {known}"
    for name, param in spec.items():
        if name not in values and not defaults:
            continue
        value = values.get(name, param.default)
        try:
            param.check(value)
        except ValueError as exc:
            return name, f"parameter '{name}' = {value!r} is invalid: {exc}"
    return None


def check_parameters(notebook: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate parameter values for ``notebook``; return them with defaults filled in.

    Parameters
    ----------
    notebook
        Notebook name (file stem in ``notebooks/``).
    values
        The values given (from a YAML file, or the variables a notebook's parameter cells set).

    Returns
    -------
    dict
        Every declared parameter with its checked value.

    Raises
    ------
    ParameterError
        On an unknown notebook or parameter name (with a did-you-mean hint) or an invalid value.
    """
    problem = parameter_problem(notebook, values)
    if problem is not None:
        raise ParameterError(f"{notebook}: {problem[1]}")
    return {
        name: param.check(values.get(name, param.default))
        for name, param in _declared(notebook).items()
    }


def load_parameter_file(path: str | Path, notebook: str | None = None) -> dict[str, Any]:
    """Read a YAML parameter file into a dict (an empty file gives ``{}``).

    Parameters
    ----------
    path
        The file: a mapping of parameter names to values.
    notebook
        When given, every name must be a parameter of this notebook with a valid value.

    Returns
    -------
    dict
        The values as written (defaults are filled in by `check_parameters`).

    Raises
    ------
    ParameterError
        One line naming the file, the line and the key (`rca.core.yamlfile`): the file cannot
        be read, is not valid YAML, writes a key twice, is not a mapping, or (with ``notebook``)
        names an unknown parameter or gives an invalid value.
    """
    doc = read_yaml(path, error=ParameterError, what="parameter file")
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        raise doc.fail((), "expected a mapping of parameter names to values")
    if notebook is not None:
        problem = parameter_problem(notebook, doc.data, defaults=False)
        if problem is not None:
            raise doc.fail((problem[0],), f"{notebook}: {problem[1]}")
    return dict(doc.data)


_NOT_PARAMETERS = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open"})


def notebook_parameters(
    notebook: str, namespace: Mapping[str, Any], before: set[str] | None = None
) -> dict[str, Any]:
    """Check the values a notebook's parameter cells set (for its validation cell).

    The declared names (`rca.batch.registry`) are read from ``namespace`` as they stand after the
    ``parameters`` cell and any cell papermill injected, whatever ran before: in a kernel that
    already ran the notebook (JupyterLab's "Run All" a second time) the values of the latest
    parameters cell count, not the defaults.

    Parameters
    ----------
    notebook
        Notebook name.
    namespace
        The notebook's ``globals()``.
    before
        Names that existed before the parameters cell (recorded by the setup cell). Any other
        new public name is taken for a misspelled parameter (with a did-you-mean hint). On a
        re-run, names left by the earlier run are in ``before``: they are never taken for one.

    Returns
    -------
    dict
        The checked parameters (see `check_parameters`).

    Raises
    ------
    ParameterError
        On an unknown notebook, a new name that is not a parameter, or an invalid value.
    """
    import types

    declared = _declared(notebook)
    values = {name: namespace[name] for name in declared if name in namespace}
    if before is not None:
        values |= {
            k: v
            for k, v in namespace.items()
            if k not in before
            and k not in declared
            and not k.startswith("_")
            and k not in _NOT_PARAMETERS
            and not isinstance(v, types.ModuleType)
        }
    return check_parameters(notebook, values)
