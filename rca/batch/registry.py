"""The report notebooks, declared once: name, audience, default title, parameters, ``each`` column.

Everything else about a notebook derives from `NOTEBOOKS`: the parameters the runner and each
notebook's validation cell accept (`rca.batch.parameters`), the audiences of the index
(`AUDIENCES`), the notebooks a plan may name and their default titles (`rca.batch.plan`), and the
list `describe_notebooks` prints. Each notebook's ``parameters`` cell in ``notebooks/<name>.py``
must declare exactly these names with these defaults; ``tests/test_registry.py`` checks it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rca.core.argument_checks import MONTH_PATTERN
from rca.core.errors import ParameterError

__all__ = [
    "AUDIENCES",
    "NOTEBOOKS",
    "Notebook",
    "Param",
    "describe_notebooks",
    "get_notebook",
]


# -- value checks (each returns the value, possibly normalised, or raises ValueError) --------


def _month(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and MONTH_PATTERN.match(value)):
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


def _mode(value: Any) -> str:
    if value in ("quiz", "key"):
        return str(value)
    raise ValueError("expected quiz or key")


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
        One-line description, shown in errors and `describe_notebooks`.
    """

    name: str
    default: Any
    check: Callable[[Any], Any] = field(compare=False)
    help: str = ""


@dataclass(frozen=True)
class Notebook:
    """One report notebook (``notebooks/<name>.py``).

    Parameters
    ----------
    name
        File stem in ``notebooks/``; the name a plan uses.
    audience
        Who the report is written for (shown in the index).
    title
        Default page and index title of a plan entry; may use ``{month}`` and ``{<each>}``.
    parameters
        The parameters its ``parameters`` cell declares, in cell order.
    each
        The audit column it is built per (``team``: one report per team), which is also its
        parameter of the same name and is required; ``None`` for a report built once.
    description
        One line on what the report shows.
    """

    name: str
    audience: str
    title: str
    parameters: tuple[Param, ...]
    each: str | None = None
    description: str = ""


_COMMON: tuple[Param, ...] = (
    Param("workspace", "", _folder, "folder written by the month's analysis"),
    Param("month", None, _month, "report month, YYYY-MM (default: the latest in the data)"),
    Param("min_n", 30, _int_range(1, 100_000), "smallest segment shown without a small-n flag"),
    Param("top_n", 8, _int_range(1, 50), "how many themes / findings to list"),
)

#: Every report notebook in ``notebooks/``, by name, in the order of the shipped plan.
NOTEBOOKS: dict[str, Notebook] = {
    nb.name: nb
    for nb in (
        Notebook(
            "executive", "Executives", "Executive summary {month}",
            (*_COMMON, Param("title", None, _text, "report title override")),
            description="KPIs, the most important findings and what changed since last month",
        ),
        Notebook(
            "operations", "Team leads / operations", "Operations · {team} · {month}",
            (*_COMMON, Param("team", None, _text, "the team lead's team (required)")),
            each="team",
            description="one team against the operation: themes, errors, coaching, control chart",
        ),
        Notebook(
            "calibration", "QA team: calibration", "Calibration {month}", _COMMON,
            description="auditor agreement per rubric item, leniency, drift, items to re-train",
        ),
        Notebook(
            "ai_labels", "QA team: AI-label accuracy", "AI-label accuracy {month}",
            (*_COMMON, Param("target", 0.9, _fraction, "accuracy the AI model must reach")),
            description="AI-label accuracy, the labels it confuses, items to audit next month",
        ),
        Notebook(
            "policy_product", "Policy and product owners", "Policy and product {month}", _COMMON,
            description="themes per policy, macros, product causes, technical issues, changes",
        ),
        Notebook(
            "explore", "QA analysts: theme explorer", "Theme explorer {month}",
            (
                *_COMMON,
                Param("market", None, _text, "only this market (default: all)"),
                Param("queue", None, _text, "only this queue (default: all)"),
                Param("team", None, _text, "only this team (default: all)"),
                Param("theme", None, _optional_int, "theme to drill into (default: the largest)"),
                Param("curation", None, _text, "curation YAML to edit (default: the plan's)"),
                Param("save_curation", False, _flag, "write curation edits made in the notebook"),
                Param("sql", None, _text, "a read-only SQL query of the history store"),
            ),
            description="themes by segment, their examples and root causes; curation edits",
        ),
        Notebook(
            "agent_feedback", "Individual agents", "Feedback for {agent} · {month}",
            (*_COMMON, Param("agent", None, _text, "the agent (required)")),
            each="agent",
            description="one agent's feedback: what went well, what to work on, trend",
        ),
        Notebook(
            "training", "Trainers and team leads: training packs", "Training packs {month}",
            (
                *_COMMON,
                Param("mode", "quiz", _mode, "quiz (cases and questions) or key (the answers)"),
                Param("pack", None, _text, "only this pack id (default: every pack)"),
            ),
            description="packs of real, redacted cases for weak rubric items and coaching needs",
        ),
    )
}  # fmt: skip

#: Who each notebook is written for (shown in the index), derived from `NOTEBOOKS`.
AUDIENCES: dict[str, str] = {name: nb.audience for name, nb in NOTEBOOKS.items()}


def get_notebook(name: str) -> Notebook:
    """Return the declaration of notebook ``name``.

    Raises
    ------
    ParameterError
        For an unknown name, with the closest known name and the list of all.
    """
    if name in NOTEBOOKS:
        return NOTEBOOKS[name]
    close = difflib.get_close_matches(name, list(NOTEBOOKS), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise ParameterError(f"unknown notebook {name!r}{hint}; known: {', '.join(NOTEBOOKS)}")


def describe_notebooks() -> str:
    """Return one line per notebook: name, audience, ``each`` column and description.

    For ``rca batch --help`` and documentation, e.g.
    ``operations (per team): Team leads / operations: one team's KPIs, ...``.
    """
    lines = []
    for nb in NOTEBOOKS.values():
        per = f" (per {nb.each})" if nb.each else ""
        lines.append(f"{nb.name}{per}: {nb.audience}: {nb.description}")
    return "\n".join(lines)
