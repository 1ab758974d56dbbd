"""The monthly plan: which reports to build for a month, read from ``parameters/monthly.yaml``.

A plan lists report entries (a notebook of `rca.batch.registry`, optionally run once per distinct
value of an audit column such as ``team``), shared parameters, the analysts' curation file and a
column mapping per input kind. `load_plan` checks the whole file (read strictly by
`rca.core.yamlfile`) before anything runs; `expand_plan` turns it into one `PlannedReport` per
report, using the month's audits.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import string
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rca.batch.parameters import NOTEBOOK_PARAMS, parameter_problem
from rca.batch.plan_formats import Formats, entry_formats, plan_formats
from rca.batch.registry import NOTEBOOKS
from rca.core.errors import ParameterError
from rca.core.yamlfile import YamlFile, read_yaml
from rca.ingest.columns import load_mapping
from rca.ingest.schemas import KINDS

__all__ = [
    "EACH_COLUMNS",
    "Plan",
    "PlanEntry",
    "PlannedReport",
    "expand_plan",
    "load_plan",
    "slugify",
]

#: Columns of the audits a plan entry may expand over with ``each:``.
EACH_COLUMNS: tuple[str, ...] = ("team", "agent", "queue", "market", "auditor")

_ENTRY_KEYS = ("notebook", "each", "only", "title", "name", "parameters", "formats")
_PLAN_KEYS = ("reports", "parameters", "curation", "mappings", "formats")
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
    #: Files besides the HTML (`rca.batch.plan_formats`): a PDF, a slide deck.
    formats: Formats = field(default_factory=lambda: Formats(deck=False))

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
    #: Column mapping file per input kind (``audits`` -> ``mappings/vendor.yaml``), resolved.
    mappings: dict[str, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class PlannedReport:
    """One report to build: notebook, parameters, title and where its files go.

    ``folder`` is relative to the month folder (``""`` for reports run once); the HTML is
    ``<folder>/<stem>.html`` and the executed notebook, in the private working area,
    ``notebooks/<folder>/<stem>.ipynb``.
    """

    notebook: str
    title: str
    stem: str
    folder: str
    parameters: dict[str, Any]
    group: str | None = None
    #: Also print a PDF of the HTML / build a slide deck (`rca.batch.plan_formats`).
    pdf: bool = False
    deck: bool = False


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _title_values(params: dict[str, Any]) -> dict[str, str]:
    """Parameters a title may use besides ``{month}`` and the ``each`` column: text ones."""
    return {k: v for k, v in params.items() if isinstance(v, str) and k not in _AUTOMATIC}


def _parse_entry(
    doc: YamlFile, i: int, raw: Any, shared: dict[str, Any], formats: Formats
) -> PlanEntry:
    at: tuple[str | int, ...] = ("reports", i)
    if not isinstance(raw, dict) or "notebook" not in raw:
        raise doc.fail(at, "expected a mapping with at least 'notebook'")
    doc.check_keys(at, raw, _ENTRY_KEYS)
    notebook = raw["notebook"]
    if not isinstance(notebook, str) or notebook not in NOTEBOOK_PARAMS:
        close = difflib.get_close_matches(str(notebook), list(NOTEBOOK_PARAMS), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        known = ", ".join(sorted(NOTEBOOK_PARAMS))
        raise doc.fail((*at, "notebook"), f"unknown notebook {notebook!r}{hint}; known: {known}")
    declared = NOTEBOOKS.get(notebook)  # None for a notebook declared at run time (tests)
    each = raw.get("each")
    if each is not None and each not in EACH_COLUMNS:
        raise doc.fail((*at, "each"), f"{each!r} is not one of {', '.join(EACH_COLUMNS)}")
    own = raw.get("parameters") or {}
    if not isinstance(own, dict):
        raise doc.fail((*at, "parameters"), "expected a mapping of parameter names to values")
    params = {**shared, **own}
    if declared is not None and declared.each and each is None and declared.each not in params:
        raise doc.fail(
            at,
            f"{notebook} is built per {declared.each}: add 'each: {declared.each}' "
            f"(or give it parameters: {{{declared.each}: ...}})",
        )
    only = raw.get("only")
    if only is not None and (
        each is None
        or not isinstance(only, list)
        or not only
        or not all(isinstance(v, str) and v.strip() for v in only)
    ):
        raise doc.fail((*at, "only"), "expected a non-empty list of values of the 'each' column")
    sample = {"workspace": "workspace", "month": "2000-01", **({each: "x"} if each else {})}
    # every report of the entry gets the same names, so one check covers them all
    problem = parameter_problem(notebook, {**params, **sample})
    if problem is not None:
        name, message = problem
        where = (
            (*at, "parameters", name) if name in own
            else ("parameters", name) if name in shared
            else (*at, "each") if name == each
            else at
        )  # fmt: skip
        raise doc.fail(where, f"{notebook}: {message}")
    title = raw.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise doc.fail((*at, "title"), "expected text; it may use {month}")
    if title is None:
        title = declared.title if declared else notebook.replace("_", " ").title() + " {month}"
    allowed = {"month", *([each] if each else []), *_title_values(params)}
    bad = sorted(_placeholders(title) - allowed)
    if bad:
        given = raw.get("title") is not None
        raise doc.fail(
            (*at, "title") if given else at,
            f"{'title' if given else f'the default title {title!r}'} uses {{{bad[0]}}}; "
            f"allowed: {', '.join(sorted(allowed))}",
        )
    name = str(raw.get("name") or "")
    per_agent = each == "agent" or (declared is not None and declared.each == "agent")
    chosen = entry_formats(doc, at, raw.get("formats"), formats, notebook, per_agent)
    return PlanEntry(notebook, title, each, name, dict(own), tuple(only or ()), chosen)


def _mappings(doc: YamlFile, raw: Any) -> dict[str, Path]:
    """Check the plan's ``mappings:`` (input kind -> column mapping file) and resolve the paths."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise doc.fail(("mappings",), "expected 'kind: mapping file' pairs, e.g. audits: x.yaml")
    doc.check_keys(("mappings",), raw, KINDS)
    out: dict[str, Path] = {}
    for kind, file in raw.items():
        where = ("mappings", kind)
        if not isinstance(file, str) or not file.strip():
            raise doc.fail(where, "expected a mapping file path (relative to the plan's folder)")
        path = (doc.path.parent / file).resolve()
        if not path.is_file():
            raise doc.fail(where, f"mapping file '{file}' not found (looked for {path})")
        mapping = load_mapping(path)  # a bad mapping file: its own one-line error
        if mapping.kind != kind:
            raise doc.fail(where, f"'{file}' is a mapping for {mapping.kind}, not {kind}")
        out[kind] = path
    return out


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
        One line naming the file, the line and the key (`rca.core.yamlfile`): a key written
        twice, an unknown notebook or key, a bad ``each`` column, a per-column notebook without
        its column, an unknown title placeholder, an invalid parameter, two entries writing the
        same files, an unknown input kind or a missing file under ``mappings``, a ``formats``
        switch that is not true or false, or a deck asked of a notebook without slides.
    InputError
        When a mapping file named under ``mappings`` is not a valid mapping.
    """
    doc = read_yaml(path, error=ParameterError, what="plan")
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise doc.fail((), f"expected a mapping with {', '.join(_PLAN_KEYS)}")
    doc.check_keys((), data, _PLAN_KEYS)
    shared = data.get("parameters") or {}
    reports = data.get("reports")
    if not isinstance(shared, dict):
        raise doc.fail(("parameters",), "expected a mapping of parameter names to values")
    if not isinstance(reports, list) or not reports:
        raise doc.fail(("reports",), "expected a non-empty list of reports")
    automatic = sorted(set(shared) & set(_AUTOMATIC))
    if automatic:
        name = automatic[0]
        raise doc.fail(("parameters", name), f"'{name}' is set by the batch for each report")
    formats = plan_formats(doc, data.get("formats"))
    entries = tuple(_parse_entry(doc, i, raw, shared, formats) for i, raw in enumerate(reports))
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if entry.stem in seen:
            raise doc.fail(("reports", i), f"a second '{entry.stem}' entry; give it a 'name'")
        seen.add(entry.stem)
    curation = data.get("curation")
    if curation is not None and (not isinstance(curation, str) or not curation.strip()):
        raise doc.fail(("curation",), "expected a file path (relative to the plan's folder)")
    curation_path = (doc.path.parent / curation).resolve() if curation else None
    mappings = _mappings(doc, data.get("mappings"))
    return Plan(doc.path, entries, dict(shared), curation_path, mappings)


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
        files = (entry.formats.pdf, entry.formats.deck)
        names = {**_title_values(params), "month": month}
        if entry.each is None:
            title = entry.title.format(**names)
            planned.append(
                PlannedReport(entry.notebook, title, entry.stem, "", params, None, *files)
            )
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
                    entry.title.format(**{**names, entry.each: value}),
                    f"{entry.stem}-{slug}",
                    entry.stem,
                    {**params, entry.each: value},
                    value,
                    *files,
                )
            )
    return planned
