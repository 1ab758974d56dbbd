"""Notebook parameters: declared once per notebook, validated before and inside every run.

papermill only *warns* about parameters a notebook does not declare. We stop instead: the runner
checks a parameter file before starting a kernel, and the validation cell right after each
notebook's ``parameters`` cell calls `check_parameters` so that a notebook run by hand in
JupyterLab is held to the same rules.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rca.core.errors import ParameterError

__all__ = [
    "NOTEBOOK_PARAMS",
    "Param",
    "check_parameters",
    "load_parameter_file",
    "notebook_parameters",
]

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _month(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and _MONTH.match(value)):
        return value
    raise ValueError("expected a month like 2026-10")


def _folder(value: Any) -> str:
    if isinstance(value, str | Path) and str(value):
        return str(value)
    raise ValueError("expected a folder path")


def _int_range(lo: int, hi: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ValueError(f"expected a whole number from {lo} to {hi}")
        return value

    return check


def _fraction(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise ValueError("expected a number between 0 and 1")
    return float(value)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError("expected text")


def _optional_int(value: Any) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ValueError("expected a whole number or null")


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("expected true or false")


@dataclass(frozen=True)
class Param:
    """A declared notebook parameter.

    Parameters
    ----------
    name
        Variable name in the ``parameters`` cell.
    default
        Default value (must equal the one in the notebook; a test checks it).
    check
        Callable that returns the (possibly normalised) value or raises ``ValueError``.
    help
        One-line description, shown in errors and ``rca batch --help``.
    """

    name: str
    default: Any
    check: Callable[[Any], Any] = field(compare=False)
    help: str = ""


_COMMON: tuple[Param, ...] = (
    Param("workspace", "", _folder, "folder written by the month's analysis"),
    Param("month", None, _month, "report month, YYYY-MM (default: the latest in the data)"),
    Param("min_n", 30, _int_range(1, 100_000), "smallest segment shown without a small-n flag"),
    Param("top_n", 8, _int_range(1, 50), "how many themes / findings to list"),
)

#: Declared parameters of every notebook in ``notebooks/``.
NOTEBOOK_PARAMS: dict[str, tuple[Param, ...]] = {
    "executive": (*_COMMON, Param("title", None, _text, "report title override")),
    "calibration": _COMMON,
    "ai_labels": (*_COMMON, Param("target", 0.9, _fraction, "accuracy the AI model must reach")),
    "operations": (*_COMMON, Param("team", None, _text, "the team lead's team (required)")),
    "agent_feedback": (*_COMMON, Param("agent", None, _text, "the agent (required)")),
    "policy_product": _COMMON,
    "explore": (
        *_COMMON,
        Param("market", None, _text, "only this market (default: all)"),
        Param("queue", None, _text, "only this queue (default: all)"),
        Param("team", None, _text, "only this team (default: all)"),
        Param("theme", None, _optional_int, "theme id to drill into (default: the largest)"),
        Param("curation", None, _text, "curation YAML to edit (default: the plan's)"),
        Param("save_curation", False, _flag, "write curation edits made in the notebook"),
    ),
}


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
        On an unknown name (with a did-you-mean hint) or an invalid value.
    """
    if notebook not in NOTEBOOK_PARAMS:
        raise ParameterError(
            f"unknown notebook {notebook!r}; expected one of {', '.join(sorted(NOTEBOOK_PARAMS))}"
        )
    spec = {p.name: p for p in NOTEBOOK_PARAMS[notebook]}
    unknown = sorted(set(values) - set(spec))
    if unknown:
        name = unknown[0]
        close = difflib.get_close_matches(name, list(spec), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ParameterError(
            f"{notebook}: unknown parameter '{name}'{hint}; "
            f"known parameters: {', '.join(sorted(spec))}"
        )
    checked: dict[str, Any] = {}
    for name, param in spec.items():
        value = values.get(name, param.default)
        try:
            checked[name] = param.check(value)
        except ValueError as exc:
            raise ParameterError(
                f"{notebook}: parameter '{name}' = {value!r} is invalid: {exc}"
            ) from None
    return checked


def load_parameter_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML parameter file into a dict (an empty file gives ``{}``)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"{path}: parameter file not found") from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        raise ParameterError(f"{path}: not valid YAML ({first})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected a mapping of parameter names to values")
    return data


_NOT_PARAMETERS = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open"})


def notebook_parameters(
    notebook: str, namespace: Mapping[str, Any], before: set[str]
) -> dict[str, Any]:
    """Check the variables a notebook's parameter cells defined (for its validation cell).

    Parameters
    ----------
    notebook
        Notebook name.
    namespace
        The notebook's ``globals()``.
    before
        Names that existed before the parameters cell (recorded by the setup cell).

    Returns
    -------
    dict
        The checked parameters (see `check_parameters`).
    """
    import types

    values = {
        k: v
        for k, v in namespace.items()
        if k not in before
        and not k.startswith("_")
        and k not in _NOT_PARAMETERS
        and not isinstance(v, types.ModuleType)
    }
    return check_parameters(notebook, values)
