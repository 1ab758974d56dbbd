"""The monthly plan: which reports to build for a month, read from ``parameters/monthly.yaml``.

A plan lists report entries (a notebook, optionally run once per distinct value of an audit
column such as ``team``) and shared parameters. `load_plan` checks the whole file before anything
runs; `expand_plan` turns it into one `PlannedReport` per report, using the month's audits.
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rca.batch.parameters import NOTEBOOK_PARAMS, check_parameters, load_parameter_file
from rca.core.errors import ParameterError
from rca.ingest.schemas import KINDS

__all__ = ["Plan", "PlanEntry", "PlannedReport", "expand_plan", "load_plan", "slugify"]

#: Columns of the audits a plan entry may expand over with ``each:``.
EACH_COLUMNS: tuple[str, ...] = ("team", "agent", "queue", "market", "auditor")

_ENTRY_KEYS = frozenset({"notebook", "each", "only", "title", "name", "parameters"})
_PLAN_KEYS = frozenset({"reports", "parameters", "curation", "mappings"})
#: Parameters the batch fills in itself for every report.
_AUTOMATIC = ("workspace", "month")


def slugify(text: str) -> str:
    """Return a stable, lowercase ASCII file-name slug of ``text``.

    ``"Team Kestrel"`` gives ``"team-kestrel"``; text with no usable letters gets a short hash.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or hashlib.sha256(text.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class PlanEntry:
    """One entry of a plan: a notebook run once, or once per value of ``each``."""

    notebook: str
    title: str
    each: str | None = None
    name: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    #: With ``each``: build reports only for these values (e.g. a pilot group of agents).
    only: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        """File-name base of this entry's reports (``name`` or the notebook)."""
        return slugify(self.name or self.notebook)


@dataclass(frozen=True)
class Plan:
    """A parsed, checked plan file."""

    path: Path
    entries: tuple[PlanEntry, ...]
    parameters: dict[str, Any]
    #: Analysts' curation YAML applied to the audit themes (need not exist yet).
    curation: Path | None = None
    #: Column mapping per input kind, for exports in a vendor's format.
    mappings: dict[str, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class PlannedReport:
    """One report to build: notebook, parameters, title and where its files go.

    ``folder`` is relative to the month folder (``""`` for reports run once); the HTML is
    ``<folder>/<stem>.html`` and the executed notebook ``<folder>/notebooks/<stem>.ipynb``.
    """

    notebook: str
    title: str
    stem: str
    folder: str
    parameters: dict[str, Any]
    group: str | None = None


def _fail(path: Path, where: str, message: str) -> ParameterError:
    return ParameterError(f"{path}: {where}: {message}")


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _parse_entry(path: Path, i: int, raw: Any, shared: dict[str, Any]) -> PlanEntry:
    where = f"reports[{i}]"
    if not isinstance(raw, dict) or "notebook" not in raw:
        raise _fail(path, where, "expected a mapping with at least 'notebook'")
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        raise _fail(
            path, where, f"unknown key '{unknown[0]}'; known: {', '.join(sorted(_ENTRY_KEYS))}"
        )
    notebook = str(raw["notebook"])
    each = raw.get("each")
    if each is not None and each not in EACH_COLUMNS:
        raise _fail(path, where, f"each: {each!r}; expected one of {', '.join(EACH_COLUMNS)}")
    title = str(raw.get("title") or notebook.replace("_", " ").title() + " {month}")
    allowed = {"month", *([each] if each else [])}
    bad = sorted(_placeholders(title) - allowed)
    if bad:
        raise _fail(path, where, f"title uses {{{bad[0]}}}; allowed: {', '.join(sorted(allowed))}")
    own = raw.get("parameters") or {}
    if not isinstance(own, dict):
        raise _fail(path, where, "parameters: expected a mapping")
    only = raw.get("only")
    if only is not None and (
        each is None
        or not isinstance(only, list)
        or not only
        or not all(isinstance(v, str) and v.strip() for v in only)
    ):
        raise _fail(path, where, "only: expected a non-empty list of values of the 'each' column")
    entry = PlanEntry(
        notebook, title, each, str(raw.get("name") or ""), dict(own), tuple(only or ())
    )
    sample = {"workspace": "workspace", "month": "2000-01", **({each: "x"} if each else {})}
    try:  # every report of the entry gets the same names, so one check covers them all
        check_parameters(notebook, {**shared, **entry.parameters, **sample})
    except ParameterError as exc:
        raise _fail(path, where, str(exc)) from None
    return entry


def load_plan(path: str | Path) -> Plan:
    """Read and check a plan file; nothing runs until the whole plan is valid.

    Parameters
    ----------
    path
        YAML plan (see ``parameters/monthly.yaml`` for the format).

    Returns
    -------
    Plan

    Raises
    ------
    ParameterError
        One line naming the file and entry: unknown notebook or key, bad ``each`` column,
        unknown title placeholder, invalid parameter, or two entries writing the same files.
    """
    path = Path(path)
    data = load_parameter_file(path)
    unknown = sorted(set(data) - _PLAN_KEYS)
    if unknown:
        raise _fail(
            path, "top level", f"unknown key '{unknown[0]}'; known: {', '.join(sorted(_PLAN_KEYS))}"
        )
    shared = data.get("parameters") or {}
    reports = data.get("reports")
    if not isinstance(shared, dict):
        raise _fail(path, "parameters", "expected a mapping of parameter names to values")
    if not isinstance(reports, list) or not reports:
        raise _fail(path, "reports", "expected a non-empty list of reports")
    automatic = sorted(set(shared) & set(_AUTOMATIC))
    if automatic:
        raise _fail(path, "parameters", f"'{automatic[0]}' is set by the batch for each report")
    for name in sorted(
        {str(r.get("notebook")) for r in reports if isinstance(r, dict)} - set(NOTEBOOK_PARAMS)
    ):
        raise _fail(
            path,
            "reports",
            f"unknown notebook {name!r}; known: {', '.join(sorted(NOTEBOOK_PARAMS))}",
        )
    entries = tuple(_parse_entry(path, i, raw, shared) for i, raw in enumerate(reports))
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if entry.stem in seen:
            raise _fail(path, f"reports[{i}]", f"a second '{entry.stem}' entry; give it a 'name'")
        seen.add(entry.stem)
    curation = data.get("curation")
    if curation is not None and (not isinstance(curation, str) or not curation.strip()):
        raise _fail(path, "curation", "expected a file path (relative to the plan's folder)")
    curation_path = (path.parent / curation).resolve() if curation else None
    return Plan(path, entries, dict(shared), curation_path, _mappings(path, data.get("mappings")))


def _mappings(path: Path, raw: Any) -> dict[str, Path]:
    """Parse ``mappings: {kind: file}`` (files relative to the plan's folder)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) and v for v in raw.values()):
        raise _fail(path, "mappings", "expected {kind: mapping file relative to the plan}")
    unknown = sorted(set(raw) - set(KINDS))
    if unknown:
        raise _fail(path, "mappings", f"unknown kind {unknown[0]!r}; known: {', '.join(KINDS)}")
    return {kind: (path.parent / file).resolve() for kind, file in raw.items()}


def _distinct(audits: pd.DataFrame, column: str) -> list[str]:
    if column not in audits.columns:
        raise ParameterError(f"each: {column!r} is not a column of the audits")
    values = audits[column].dropna().astype(str).str.strip()
    return sorted(v for v in values.unique() if v)


def _unique_slugs(values: list[str]) -> dict[str, str]:
    slugs = {v: slugify(v) for v in values}
    counts = pd.Series(list(slugs.values())).value_counts()
    return {
        v: s if counts[s] == 1 else f"{s}-{hashlib.sha256(v.encode()).hexdigest()[:6]}"
        for v, s in slugs.items()
    }


def expand_plan(
    plan: Plan, audits: pd.DataFrame, month: str, workspace: str | Path
) -> list[PlannedReport]:
    """Return every report of ``plan`` for ``month``.

    Parameters
    ----------
    plan
        From `load_plan`.
    audits
        The workspace audits (all months; filtered to ``month`` here by ``audit_date``).
    month
        ``YYYY-MM``.
    workspace
        Workspace folder passed to every report as ``workspace``.

    Returns
    -------
    list of PlannedReport
        In plan order; ``each:`` entries give one report per distinct non-empty value of the
        column in the month's audits (sorted; only those in the entry's ``only`` list when it has
        one), with that value as the parameter of the same name.

    Raises
    ------
    ParameterError
        If a value named in an ``only`` list has no audits in ``month``.
    """
    if "audit_date" in audits.columns:
        audits = audits[pd.to_datetime(audits["audit_date"]).dt.strftime("%Y-%m") == month]
    base = {"workspace": str(workspace), "month": month}
    planned: list[PlannedReport] = []
    for entry in plan.entries:
        params = {**plan.parameters, **entry.parameters, **base}
        if entry.each is None:
            title = entry.title.format(month=month)
            planned.append(PlannedReport(entry.notebook, title, entry.stem, "", params))
            continue
        values = _distinct(audits, entry.each)
        if entry.only:
            missing = sorted(set(entry.only) - set(values))
            if missing:
                raise ParameterError(
                    f"{plan.path}: only: {entry.each} {missing[0]!r} has no audits in {month}; "
                    f"available: {', '.join(values) or 'none'}"
                )
            values = [v for v in values if v in entry.only]
        for value, slug in _unique_slugs(values).items():
            planned.append(
                PlannedReport(
                    entry.notebook,
                    entry.title.format(month=month, **{entry.each: value}),
                    f"{entry.stem}-{slug}",
                    entry.stem,
                    {**params, entry.each: value},
                    group=value,
                )
            )
    return planned
