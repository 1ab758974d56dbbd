"""The checks each row of an input passes, and how a failure is worded.

`rca.ingest.validate.validate_frame` runs them in this order on the canonically named string
columns: `parse_columns` (every value parsed explicitly to its `DTYPES` dtype),
`derive_passed` (audits' ``passed`` from their ``score``), `schema_issues` (the pandera schema
of `build_schema`: empty required values, ranges, allowed values, duplicate ids) and
`outcome_issues` (an audit needs a score or a pass/fail). Each failure is a `RowIssue` with a
reason worded by `problem_text`; `expected_text` says what was expected instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import pandas as pd
import pandera.pandas as pa

from rca.ingest.columns import Mapping, parse_values
from rca.ingest.schemas import SCHEMAS, Field

__all__ = [
    "DTYPES",
    "RowIssue",
    "build_schema",
    "derive_passed",
    "expected_text",
    "outcome_issues",
    "parse_columns",
    "problem_text",
    "schema_issues",
]

#: The pandas dtype of each logical field type in validated data.
DTYPES: dict[str, str] = {
    "str": "str",
    "date": "datetime64[us]",
    "float": "float64",
    "int": "Int64",
    "bool": "boolean",
}
# The check name of values that do not parse, per field type.
_UNPARSEABLE = {"date": "date", "float": "number", "int": "integer", "bool": "bool"}


@dataclass(frozen=True)
class RowIssue:
    """One problem of one cell: its row number, column, check and reason.

    ``check`` is one of ``empty``, ``date``, ``number``, ``integer``, ``bool``, ``range``,
    ``allowed``, ``duplicate``, ``outcome`` or ``other``; ``reason`` shows the value, e.g.
    ``"'31/02/2026' is not a date"``.
    """

    row: int
    column: str
    check: str
    reason: str


@cache
def build_schema(kind: str) -> pa.DataFrameSchema:
    """Build the pandera schema of ``kind`` from its `rca.ingest.schemas.Field` specs.

    Types, nullability, ranges, allowed values, uniqueness (later duplicates reported) and
    required columns all come from the specs; the frame must already be parsed to `DTYPES`.
    """
    columns = {}
    for spec in SCHEMAS[kind]:
        checks = []
        if spec.min is not None or spec.max is not None:
            low = -math.inf if spec.min is None else spec.min
            high = math.inf if spec.max is None else spec.max
            checks.append(pa.Check.in_range(low, high))
        if spec.allowed:
            checks.append(pa.Check.isin(list(spec.allowed)))
        columns[spec.name] = pa.Column(
            DTYPES[spec.type],
            checks=checks,
            nullable=spec.nullable,
            unique=spec.unique,
            required=spec.required,
            report_duplicates="exclude_first",
        )
    return pa.DataFrameSchema(columns, name=kind)


def parse_columns(
    canon: pd.DataFrame, kind: str, mapping: Mapping
) -> tuple[pd.DataFrame, list[RowIssue]]:
    """Parse every canonical column to its dtype; unparseable non-empty cells become issues.

    Parameters
    ----------
    canon
        String cells under canonical column names (`rca.ingest.columns.apply_mapping`).
    kind
        One of `rca.ingest.schemas.KINDS`.
    mapping
        How dates, decimals and yes/no words are written (`rca.ingest.columns.parse_values`).

    Returns
    -------
    typed, issues
        Every column of the kind in schema order, typed to `DTYPES` (absent columns empty), and
        one `RowIssue` per value that does not parse.
    """
    typed: dict[str, pd.Series] = {}
    issues: list[RowIssue] = []
    for spec in SCHEMAS[kind]:
        if spec.name not in canon.columns:
            typed[spec.name] = pd.Series(index=canon.index, dtype=DTYPES[spec.type])
            continue
        text = canon[spec.name].str.strip()
        text = text.where(text != "")
        parsed = parse_values(text, spec.type, mapping)
        check = _UNPARSEABLE.get(spec.type, "other")
        for row in text.index[parsed.isna() & text.notna()]:
            label = problem_text(check, spec)
            issues.append(RowIssue(int(row), spec.name, check, f"'{text[row]}' is {label}"))
        typed[spec.name] = parsed
    frame = pd.DataFrame(typed, index=canon.index)
    return frame.astype({f.name: DTYPES[f.type] for f in SCHEMAS[kind]}), issues


def derive_passed(typed: pd.DataFrame, canon: pd.DataFrame, mapping: Mapping) -> list[str]:
    """Audits: fill an absent or empty ``passed`` with ``score >= pass_mark``, in place.

    Returns
    -------
    list of str
        A note saying how many rows were derived, or nothing.
    """
    if mapping.kind != "audits" or "score" not in canon.columns:
        return []
    todo = typed["passed"].isna() & typed["score"].notna()
    if "passed" in canon.columns:
        todo &= canon["passed"].str.strip() == ""
    if not todo.any():
        return []
    typed.loc[todo, "passed"] = typed.loc[todo, "score"] >= mapping.pass_mark
    return [f"passed derived from score >= {mapping.pass_mark:g} for {int(todo.sum())} rows"]


def schema_issues(typed: pd.DataFrame, kind: str, known: set[tuple[int, str]]) -> list[RowIssue]:
    """Run the pandera schema lazily; turn its failure cases into issues (one per cell).

    Cells in ``known`` (``(row, column)`` already reported as unparseable) are skipped.
    """
    try:
        build_schema(kind).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.to_dict("records")
    else:
        return []
    specs = {f.name: f for f in SCHEMAS[kind]}
    issues = []
    firsts: dict[str, pd.Series] = {}  # per unique column: the first row of each value
    for case in cases:
        column, row, value = case["column"], case["index"], case["failure_case"]
        if row is None or pd.isna(row) or column not in specs:  # a parsing bug, not a user error
            raise RuntimeError(f"unexpected schema failure: {case}")
        if (int(row), column) in known:  # already reported as unparseable
            continue
        spec, check = specs[column], _CHECKS.get(str(case["check"]).split("(")[0], "other")
        label = problem_text(check, spec)
        if check == "empty":
            reason = label
        elif check == "duplicate":
            first = firsts.setdefault(column, _first_rows(typed[column]))[row]
            reason = f"'{value}' repeats row {first}"
        else:
            reason = f"{value:g} is {label}" if check == "range" else f"'{value}' is {label}"
        issues.append(RowIssue(int(row), column, check, reason))
    return issues


def _first_rows(values: pd.Series) -> pd.Series:
    """For each row, the first row holding the same value."""
    return pd.Series(values.index, index=values.index).groupby(values).transform("first")


def outcome_issues(typed: pd.DataFrame, kind: str, bad: set[int]) -> list[RowIssue]:
    """Audits: a row with neither a score nor a pass/fail outcome is invalid.

    Rows in ``bad`` (already invalid) are not reported again.
    """
    if kind != "audits":
        return []
    none = typed.index[typed["score"].isna() & typed["passed"].isna()]
    reason = "no score and no pass/fail outcome"
    return [RowIssue(int(r), "passed", "outcome", reason) for r in none if int(r) not in bad]


def _limits(spec: Field) -> dict[str, str]:
    low = "" if spec.min is None else f"{spec.min:g}"
    high = "" if spec.max is None else f"{spec.max:g}"
    return {"range": f"{low}-{high}", "allowed": ", ".join(spec.allowed or ())}


def problem_text(check: str, spec: Field) -> str:
    """Say what is wrong with a value, to follow "N rows" or "'value' is".

    E.g. ``"out of range 0-100"`` for check ``range`` of a score.
    """
    return _TEXT[check][0].format(**_limits(spec))


def expected_text(check: str, spec: Field, mapping: Mapping, values: list[str]) -> str:
    """Say what was expected instead, with a hint at the mapping setting that may fix it.

    Parameters
    ----------
    check, spec
        The failed check and the column's field spec.
    mapping
        The mapping used: its date and decimal settings change the hint.
    values
        Some of the failing values (stripped), to spot ``87,5`` or ``87.5%``.
    """
    hints = [_TEXT[check][1].format(**_limits(spec))]
    if check == "date" and mapping.date_format:
        hints = [f"expected dates in the format {mapping.date_format} (dates.format)"]
    elif check == "date" and mapping.dayfirst:
        hints = ["expected a date like 2026-03-31 or 31/03/2026 (dates.dayfirst is set)"]
    elif check == "date":
        hints.append("set dates.dayfirst in the mapping for 31/03/2026")
    if check in ("number", "integer") and mapping.decimal == "." and any("," in v for v in values):
        hints.append("set decimal: ',' in the mapping for 87,5")
    if check in ("number", "integer") and any(v.endswith("%") for v in values):
        hints.append(f"list '{spec.name}' in percent_columns for 87.5%")
    return "; ".join(hints)


_CHECKS = {
    "not_nullable": "empty",
    "field_uniqueness": "duplicate",
    "in_range": "range",
    "isin": "allowed",
}
# check: (what is wrong, after "N rows" or "'value' is"; what was expected instead)
_TEXT = {
    "empty": ("empty (a value is required)", "expected a value in every row"),
    "date": ("not a date", "expected a date like 2026-03-31 (ISO)"),
    "number": ("not a number", "expected a number like 87.5"),
    "integer": ("not a whole number", "expected a whole number like 3"),
    "bool": ("not a yes/no value", "expected true/false, yes/no, 1/0 or pass/fail (see values:)"),
    "range": ("out of range {range}", "expected values in {range}"),
    "allowed": ("not one of {allowed}", "expected one of {allowed}"),
    "duplicate": ("repeating an earlier id (first occurrence kept)", "expected each id once"),
    "outcome": ("with neither a score nor a pass/fail outcome", "expected a score or a pass/fail"),
    "other": ("failing a check", "see the schema in the README"),
}
