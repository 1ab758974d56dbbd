"""The evidence of a finding in words a team lead can check, and what "clear" means.

A finding (a row of ``findings``, `rca.findings.build.FINDING_COLUMNS`) is shown with the
counts behind it ("62 of 88 audits"), the group it is compared with, in words ("vs 21 % of 1,240
audits of the other macros in the payments queue"), the 95 % interval of its effect, and two or
three example cases (ids and redacted quotes). Everything is rendered from the structured fields
(``count``, ``n``, ``comparison``, ``baseline``, ``baseline_count``, ``baseline_n``,
``effect_lo``, ``effect_hi``, ``evidence_ids``, ``evidence``), never parsed back from a sentence.

The words "clear", "better", "worse" and "about the same" follow one rule, the findings'
``significant`` field (and ``clear``/``verdict`` of ``kpi_changes``); `clear_meaning` is the one
sentence that explains it, with the number of possible findings tested from ``finding_family``.
The text functions return plain text (escape it); `evidence_html` returns escaped HTML.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from rca.reports.finding_text import describe, number_field
from rca.reports.fragments import esc
from rca.stats.impact import KPIS

__all__ = [
    "COMPARISON_WORDS",
    "UNITS",
    "clear_meaning",
    "comparison_text",
    "counts_text",
    "evidence_html",
    "example_cases",
    "family_sentence",
    "family_total",
    "finding_list",
    "interval_text",
]

#: What a finding's ``count`` and ``n`` count, per finding type (plural, singular).
UNITS: dict[str, tuple[str, str]] = {
    "emerging_theme": ("audit comments", "audit comment"),
    "macro": ("audits", "audit"),
    "technical_issue": ("reports", "report"),
    "coaching_need": ("audits", "audit"),
    "calibration_gap": ("cases", "case"),
    "ai_label_confusion": ("items", "item"),
    "label_accuracy": ("items", "item"),
    "top_driver": ("items", "item"),
}
#: What each type's ``count`` is "of": e.g. macro: "62 of 88 audits failed".
_COUNTED: dict[str, str] = {
    "emerging_theme": "{c} of {n} {units} mention it",
    "macro": "{c} of {n} {units} failed",
    "technical_issue": "{c} {units} in the recent weeks",
    "coaching_need": "{c} of {n} {units} had this error",
    "calibration_gap": "rated on {c} {units} the expert rated too",
    "ai_label_confusion": "{c} of {n} {units} with this reference label were given the other label",
    "label_accuracy": "{c} of {n} {units} labelled right",
    "top_driver": "{c} of {n} {units} carry the theme",
}
#: The comparison group of a finding in words, per ``comparison`` code (contract C): how the
#: baseline is said. ``{v}`` is the baseline, ``{bn}`` its count of rows and ``{units}`` theirs.
COMPARISON_WORDS: dict[str, str] = {
    "previous_month": "vs {v} of {bn} {units} last month",
    "other_macros": "vs {v} of {bn} {units} of the other macros",
    "same_queue": "vs {v} of {bn} {units} of the other macros in the same queue",
    "rest": "vs {v} of {bn} {units} of everyone else",
    "expert": "vs the QA expert's {v} on average on the same cases",
    "tolerance": "vs the {v} a confusion may reach by chance",
    "target": "vs the target of {v}",
    "without_theme": "vs {v} without the theme's items",
    "earlier_weeks": "vs {bc} {units} in the weeks before",
    "other_policies": "vs {v} of {bn} {units} under the other policies",
    "before_change": "vs {v} of {bn} {units} before the macro was changed",
}
#: Comparison of each type when the findings table predates the ``comparison`` column.
_DEFAULT_COMPARISON: dict[str, str] = {
    "emerging_theme": "previous_month", "macro": "other_macros",
    "technical_issue": "earlier_weeks", "coaching_need": "rest", "calibration_gap": "expert",
    "ai_label_confusion": "tolerance", "label_accuracy": "target", "top_driver": "without_theme",
}  # fmt: skip
_EXAMPLES = 3


def _text(row: Mapping[Any, Any], field: str) -> str:
    value = row.get(field)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _count(value: float) -> str:
    return f"{round(value):,}"


def _listed(value: Any) -> list[str]:
    """Return a list cell as strings (Parquet gives arrays back; None/NaN/"" mean no items)."""
    if value is None or isinstance(value, float) or value is pd.NA:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in list(value) if v is not None and str(v) != ""]


def _kind(row: Mapping[Any, Any]) -> str:
    return _text(row, "type") or _text(row, "finding_type")


def _is_rate(row: Mapping[Any, Any]) -> bool:
    """Whether value, baseline and effect are shares (shown in % and points)."""
    kind = _kind(row)
    if kind == "top_driver":
        spec = KPIS.get(_text(row, "metric"))
        return spec is None or spec.unit == "rate"
    return kind not in ("calibration_gap", "technical_issue")


def _value(row: Mapping[Any, Any], value: float) -> str:
    if math.isnan(value):
        return "?"
    if _kind(row) == "calibration_gap":
        return f"{value:.2f} points"
    return f"{value:.0%}" if _is_rate(row) else f"{value:.2f}"


def counts_text(row: Mapping[Any, Any]) -> str:
    """Say the counts behind a finding: "62 of 88 audits failed"; "" when the row has none."""
    kind, count, n = _kind(row), number_field(row, "count"), number_field(row, "n")
    if math.isnan(count):
        return ""
    units = UNITS.get(kind, ("rows", "row"))
    template = _COUNTED.get(kind, "{c} of {n} {units}")
    if math.isnan(n) and "{n}" in template:
        template = "{c} {units}"
    plural = units[1] if round(count) == 1 and "{n}" not in template else units[0]
    return template.format(c=_count(count), n="?" if math.isnan(n) else _count(n), units=plural)


def comparison_text(row: Mapping[Any, Any]) -> str:
    """Say what a finding is compared with, in words.

    E.g. "vs 21% of 1,240 audits of the other macros in the payments queue" (from
    ``comparison``, ``baseline``, ``baseline_count``, ``baseline_n``; the type's usual group
    when ``comparison`` is absent); "" when there is no baseline.
    """
    kind = _kind(row)
    code = _text(row, "comparison") or _DEFAULT_COMPARISON.get(kind, "")
    template = COMPARISON_WORDS.get(code, "vs {v} of {bn} {units} of " + code.replace("_", " "))
    queue = _text(row, "queue")
    if code == "same_queue" and queue:
        template = template.replace("the same queue", f"the {queue} queue")
    baseline, b_count = number_field(row, "baseline"), number_field(row, "baseline_count")
    b_n = number_field(row, "baseline_n")
    if "{bc}" in template:  # counts, not shares: the rows before (the baseline itself)
        b_count = baseline if math.isnan(b_count) else b_count
        if math.isnan(b_count):
            return ""
    elif math.isnan(baseline):
        return ""
    if math.isnan(b_n):  # no count behind the baseline: say the share alone
        template = template.replace(" of {bn} {units} of ", " for ").replace(
            " of {bn} {units} under ", " under ").replace(" of {bn} {units}", "")  # fmt: skip
    units = UNITS.get(kind, ("rows", "row"))
    one = "{bc}" in template and round(b_count) == 1
    return template.format(
        v=_value(row, baseline), bn="" if math.isnan(b_n) else _count(b_n),
        bc="" if math.isnan(b_count) else _count(b_count), units=units[1] if one else units[0],
    )  # fmt: skip


def _ratio(value: float) -> str:
    return f"×{value:.1f}" if value < 10 else f"×{value:,.0f}"


def interval_text(row: Mapping[Any, Any]) -> str:
    """Say the 95 % interval of an effect: "95 % interval of the difference +4.0 to +12.0 pts"."""
    lo, hi = number_field(row, "effect_lo"), number_field(row, "effect_hi")
    if math.isnan(lo) or math.isnan(hi):
        return ""
    kind = _kind(row)
    if kind == "technical_issue":
        top = "no upper limit" if math.isinf(hi) else _ratio(hi)
        return f"95 % interval of the rise {_ratio(lo)} to {top}"
    if kind == "calibration_gap":
        return f"95 % interval of the gap {lo:+.2f} to {hi:+.2f} points"
    if kind == "ai_label_confusion":
        return f"95 % interval of the share {lo:.1%} to {hi:.1%}"
    what = "impact" if kind == "top_driver" else "difference"
    if _is_rate(row):
        return f"95 % interval of the {what} {lo * 100:+.1f} to {hi * 100:+.1f} pts"
    return f"95 % interval of the {what} {lo:+.2f} to {hi:+.2f}"


def example_cases(row: Mapping[Any, Any], n: int = _EXAMPLES) -> list[tuple[str, str]]:
    """Up to ``n`` example cases: (id, redacted quote) pairs, "" where one is missing.

    Ids come from ``evidence_ids`` and quotes from ``evidence``; they are paired only when both
    lists have the same length (the builder keeps them aligned), else listed apart.
    """
    ids, quotes = _listed(row.get("evidence_ids")), _listed(row.get("evidence"))
    if ids and quotes and len(ids) != len(quotes):
        return [(i, "") for i in ids[:n]] + [("", q) for q in quotes[: max(n - len(ids), 1)]]
    size = max(len(ids), len(quotes))
    ids, quotes = ids + [""] * (size - len(ids)), quotes + [""] * (size - len(quotes))
    return list(zip(ids, quotes, strict=True))[:n]


def evidence_html(row: Mapping[Any, Any], n_examples: int = _EXAMPLES) -> str:
    """Render a finding's evidence as escaped HTML: counts, comparison, interval, example cases.

    Returns ``""`` when the row carries none of them.
    """
    found = ", ".join(t for t in (counts_text(row), comparison_text(row)) if t)
    facts = [t for t in (found, interval_text(row)) if t]
    unit = UNITS.get(_kind(row), ("rows", "row"))[1]
    cases = []
    for case_id, quote in example_cases(row, n_examples):
        who = f"{unit} {esc(case_id)}" if case_id else ""
        said = f"<i>“{esc(quote)}”</i>" if quote else ""
        cases.append(f"<li>{who}{': ' if who and said else ''}{said}</li>")
    out = f"<br><small class='rca-evidence'>{esc('; '.join(facts))}.</small>" if facts else ""
    if cases:
        out += f"<ul class='rca-cases'>{''.join(cases)}</ul>"
    return out


def finding_list(findings: pd.DataFrame, n_examples: int = _EXAMPLES) -> str:
    """Render findings as an escaped list: what was found (bold), then its evidence.

    The sentence is `rca.reports.finding_text.describe`; the evidence `evidence_html`. Returns
    ``""`` for no rows.
    """
    items = [
        f"<li><b>{esc(describe(r))}</b>{evidence_html(r, n_examples)}</li>"
        for r in findings.to_dict("records")
    ]
    return f"<ul class='rca-findings'>{''.join(items)}</ul>" if items else ""


def family_total(family: pd.DataFrame) -> tuple[int, int] | None:
    """Possible findings tested and clear this month, from ``finding_family``'s "all" row."""
    if family.empty or not {"type", "tested", "clear"} <= set(family.columns):
        return None
    rows = family[family["type"].astype(str) == "all"]
    if rows.empty:
        return None
    tested, clear = rows.iloc[0]["tested"], rows.iloc[0]["clear"]
    if pd.isna(tested) or pd.isna(clear):
        return None
    return int(tested), int(clear)


def family_sentence(family: pd.DataFrame, when: str = "this month") -> str:
    """Say how many possible findings were tested and how many are clear ("" without the table).

    E.g. "We tested 1,234 possible findings this month; 7 are clear."
    """
    total = family_total(family)
    if total is None:
        return ""
    tested, clear = total
    verb = "is" if clear == 1 else "are"
    things = "possible finding" if tested == 1 else "possible findings"
    return f"We tested {tested:,} {things} {when}; {clear:,} {verb} clear."


def clear_meaning(family: pd.DataFrame | None = None, level: float = 0.05) -> str:
    """Return the sentence saying what "clear" means (N tested when ``family`` has it)."""
    total = None if family is None else family_total(family)
    if family is not None and total is not None and "level" in family:
        rows = family.loc[family["type"].astype(str) == "all", "level"]
        level = float(rows.iloc[0]) if len(rows) and pd.notna(rows.iloc[0]) else level
    every = f"all {total[0]:,} possible findings" if total else "all the possible findings"
    return (
        f"Clear means: unlikely to be chance after checking {every} of the month together "
        f"(false-discovery rate {level:.0%}) and at least as large as the smallest change worth "
        "acting on; anything else is “about the same”."
    )
