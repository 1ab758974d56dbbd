"""Views of the training packs: the quiz (cases and questions, no answers) and the answer key.

Both read the ``training_packs`` and ``training_cases`` tables (`rca.stats.training_cases`) and
return escaped HTML fragments. The quiz shows each case's id (to open it in the ticketing tool),
queue, market, policy and macro, and the question; never the answer, the ratings or the auditor's
comment (which usually names the verdict). The key adds the expert's answer, how the auditors
rated the case and the auditor's redacted comment. Each pack starts on a new printed page.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
from IPython.display import HTML

import rca.reports.fragments as rr
from rca.core.errors import ParameterError
from rca.reports.load import load, optional_table
from rca.stats.training_cases import EXCLUSION_RULE
from rca.stats.training_scores import sheet_name

__all__ = [
    "MODES",
    "answer_key",
    "balance_chart",
    "load",
    "optional_table",
    "pack_reason",
    "packs_table",
    "quiz",
    "rules_note",
    "select_packs",
]

#: Values of the training notebook's ``mode`` parameter.
MODES: tuple[str, ...] = ("quiz", "key")
_STYLE = (
    "<style>.rca-pack{break-before:page;margin-top:1.4em}.rca-pack:first-of-type"
    "{break-before:auto}.rca-case{break-inside:avoid;border:1px solid #d0d7de;border-radius:6px;"
    "padding:8px 12px;margin:8px 0}.rca-case .facts{color:#57606a;font-size:.9em}"
    ".rca-case .line{display:inline-block;min-width:10em;border-bottom:1px solid #8c959f}</style>"
)
_PACK_COLUMNS = ["pack_id", "kind", "subject", "audience", "alpha", "threshold", "share",
                 "rest_share", "n_cases", "excluded_team"]  # fmt: skip


def select_packs(
    packs: pd.DataFrame, cases: pd.DataFrame, pack: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the packs (and their cases) to show: all, or only ``pack``.

    Raises
    ------
    ParameterError
        If ``pack`` is given and is not a pack of the month.
    """
    if pack is None or packs.empty:
        return packs, cases
    if pack not in set(packs["pack_id"]):
        known = ", ".join(packs["pack_id"]) or "none"
        raise ParameterError(f"pack {pack!r} is not a training pack of this month; known: {known}")
    return packs[packs["pack_id"] == pack], cases[cases["pack_id"] == pack]


def pack_reason(row: pd.Series) -> str:
    """Return why a pack exists, in one sentence, from its fields."""
    if row["kind"] == "rubric item":
        return (
            f"Auditors agree too little on “{row['subject']}”: Krippendorff's α "
            f"{row['alpha']:.2f}, below {row['threshold']:g}."
        )
    return (
        f"“{row['subject']}” was found in {row['share']:.0%} of {row['audience']}'s audits "
        f"this month, against {row['rest_share']:.0%} in the rest of the operation."
    )


def _title(row: pd.Series) -> str:
    kind = "Rubric item" if row["kind"] == "rubric item" else "Coaching"
    return f"{kind}: {row['subject']}"


def packs_table(packs: pd.DataFrame, month: str | None = None) -> HTML:
    """List the month's packs: title, who it is for, why, number of cases."""
    if rr.unusable(packs, _PACK_COLUMNS):
        return rr.empty_note(packs, f"No training pack{f' in {month}' if month else ''}.")
    view = pd.DataFrame(
        {
            "Pack": [_title(r) for _, r in packs.iterrows()],
            "Pack id": packs["pack_id"],
            "For": packs["audience"],
            "Why": [pack_reason(r) for _, r in packs.iterrows()],
            "Cases": packs["n_cases"],
        }
    )
    return rr.table(view, formats={"Cases": "int"})


def balance_chart(packs: pd.DataFrame, cases: pd.DataFrame, month: str | None = None) -> HTML:
    """Stacked bars: each pack's cases that pass and fail (the balance, not which case is which)."""
    import plotly.graph_objects as go

    if rr.unusable(packs, _PACK_COLUMNS) or rr.unusable(cases, ["pack_id", "verdict"]):
        return rr.empty_note(packs, f"No training pack{f' in {month}' if month else ''}.")
    counts = cases.groupby(["pack_id", "verdict"]).size().unstack(fill_value=0)
    order = list(packs["pack_id"])
    counts = counts.reindex(index=order, columns=["pass", "fail"], fill_value=0)
    labels = rr.escape_labels(_title(r) for _, r in packs.iterrows())
    fig = go.Figure()
    for verdict, colour in (("pass", "#1a7f37"), ("fail", "#cf222e")):
        fig.add_trace(
            go.Bar(
                y=labels, x=counts[verdict], orientation="h", name=verdict, marker_color=colour,
                hovertemplate="%{y}: %{x} cases " + verdict + "<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        title="Cases per pack that pass and fail (the expert's or the audit's verdict)",
        barmode="stack", xaxis_title="cases", yaxis={"autorange": "reversed"},
        height=160 + 40 * len(order),
    )  # fmt: skip
    return rr.figure(fig)


def rules_note() -> HTML:
    """Return how the cases were chosen and whose cases are left out."""
    return rr.callout(
        "Cases are real and redacted, chosen to teach: those the auditors disagreed on most, "
        "balanced between pass and fail, spread over queues and markets (the same seed gives "
        f"the same pack). {EXCLUSION_RULE}"
    )


def _facts(case: pd.Series) -> str:
    parts = [f"case {case['case_id']}", case["queue"], case["market"]]
    for column, label in (("policy", "policy"), ("macro_id", "macro")):
        if isinstance(case.get(column), str) and case[column]:
            parts.append(f"{label}: {case[column]}")
    return " · ".join(rr.esc(p) for p in parts)


def _question(case: pd.Series) -> str:
    if case["question"] == "rate":
        return f"Rate “{rr.esc(case['item'])}” for this case ({rr.esc(case['options'])})."
    return f"Does this case pass the audit? ({rr.esc(case['options'])})"


def _ratings(case: pd.Series) -> str:
    """How the auditors rated the case, e.g. ``2 ×3, 4 ×1`` or ``pass ×2, fail ×5``."""
    values = list(case["auditor_ratings"]) if case["auditor_ratings"] is not None else []
    if not values:
        return ""
    binary = case["options"] == "pass / fail"
    words = [("pass" if v >= 0.5 else "fail") if binary else f"{v:g}" for v in values]
    return ", ".join(f"{w} ×{n}" for w, n in sorted(Counter(words).items()))


def _pack_head(row: pd.Series, mode: str) -> str:
    head = (
        f'<section class="rca-pack"><h2>{rr.esc(_title(row))}</h2>'
        f"<p><b>For:</b> {rr.esc(row['audience'])}. {rr.esc(pack_reason(row))}</p>"
    )
    if mode == "quiz":
        sheet = sheet_name(str(row["pack_id"]))
        head += (
            f"<p>Pack <code>{rr.esc(row['pack_id'])}</code>: write each answer in the "
            f'score sheet <a href="{rr.esc(sheet)}">{rr.esc(sheet)}</a> (column '
            "trainee_answer), then score it with <code>rca training score</code>.</p>"
        )
    return head


def _case_block(case: pd.Series, mode: str) -> str:
    body = (
        f'<div class="rca-case"><b>Case {int(case["case_no"])}</b> '
        f'<span class="facts">{_facts(case)}</span><br>{_question(case)}'
    )
    if mode == "quiz":
        return body + ' Answer: <span class="line">&nbsp;</span></div>'
    answer = f"<br><b>Answer: {rr.esc(case['answer'])}</b>"
    if case["question"] == "rate":
        answer += f" (the expert's rating). Auditors rated: {rr.esc(_ratings(case))}."
    elif case["answer"] == "fail":
        answer += f" — {rr.esc(case['item'])} (the audit's verdict)."
    else:
        answer += " (the audit's verdict)."
    comment = case["comment"] if isinstance(case["comment"], str) and case["comment"] else None
    note = f"<br><i>Audit comment (redacted):</i> {rr.esc(comment)}" if comment else ""
    return body + answer + note + "</div>"


def _pages(packs: pd.DataFrame, cases: pd.DataFrame, mode: str, month: str | None) -> HTML:
    if mode not in MODES:
        raise ParameterError(f"mode {mode!r}: expected one of {', '.join(MODES)}")
    if rr.unusable(packs, _PACK_COLUMNS):
        return rr.empty_note(packs, f"No training pack{f' in {month}' if month else ''}.")
    parts = [_STYLE]
    for _, row in packs.iterrows():
        mine = cases[cases["pack_id"] == row["pack_id"]].sort_values("case_no")
        blocks = "".join(_case_block(c, mode) for _, c in mine.iterrows())
        parts.append(_pack_head(row, mode) + blocks + "</section>")
    return HTML("".join(parts))


def quiz(packs: pd.DataFrame, cases: pd.DataFrame, month: str | None = None) -> HTML:
    """Each pack's cases and questions, with a link to its score sheet; no answers."""
    return _pages(packs, cases, "quiz", month)


def answer_key(packs: pd.DataFrame, cases: pd.DataFrame, month: str | None = None) -> HTML:
    """Each pack's cases with the expert's answer, the auditors' ratings and the audit comment."""
    return _pages(packs, cases, "key", month)
