"""Canonical schemas of the four input kinds: the data contract every other module relies on.

Each kind is a tuple of `Field` specs. `rca.ingest.row_checks` turns them into pandera schemas; the
README's schema tables are generated from them by `schema_markdown`, so documentation and checks
agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "KINDS",
    "SCHEMAS",
    "TEXT_COLUMNS",
    "Field",
    "Kind",
    "id_column",
    "schema_markdown",
]

Kind = Literal["audits", "feedback", "calibration", "ai_labels"]
FieldType = Literal["str", "date", "float", "int", "bool"]


@dataclass(frozen=True)
class Field:
    """One canonical column.

    Parameters
    ----------
    name
        Canonical column name.
    type
        Logical type: ``str``, ``date``, ``float``, ``int`` or ``bool``.
    required
        Whether the column must be present in the input.
    nullable
        Whether a present column may have empty cells.
    description
        What the column holds, for the documentation.
    min, max
        Inclusive numeric range, if any.
    allowed
        Allowed values, if the column is categorical with a closed set.
    unique
        Whether values must be unique (the id column of a kind).
    """

    name: str
    type: FieldType
    required: bool
    nullable: bool
    description: str
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] | None = None
    unique: bool = False


AUDITS: tuple[Field, ...] = (
    Field("audit_id", "str", True, False, "Unique id of the audit.", unique=True),
    Field("case_id", "str", True, False, "Id of the audited support case."),
    Field("audit_date", "date", True, False, "Date the case was audited."),
    Field("agent", "str", True, False, "Agent who handled the case."),
    Field("auditor", "str", True, False, "QA auditor who scored the case."),
    Field("queue", "str", True, False, "Queue / workflow (e.g. account access, payments)."),
    Field("market", "str", True, False, "Market or country code (e.g. MY, US)."),
    Field("team", "str", False, True, "Team (team lead's group) of the agent."),
    Field("score", "float", False, True, "Quality score, 0-100.", min=0, max=100),
    Field("passed", "bool", False, True, "Pass/fail outcome; derived from score if absent."),
    Field("critical_error", "bool", False, True, "Whether a critical error was found."),
    Field("error_category", "str", False, True, "Main error category; empty when none."),
    Field("macro_id", "str", False, True, "Macro / SOP used or implicated, if any."),
    Field("policy", "str", False, True, "Policy area the case falls under."),
    Field("agent_start_date", "date", False, True, "Agent's start date (tenure cohorts)."),
    Field("comment", "str", False, True, "The auditor's free-text comment."),
)

FEEDBACK: tuple[Field, ...] = (
    Field("feedback_id", "str", True, False, "Unique id of the feedback item.", unique=True),
    Field("date", "date", True, False, "Date the feedback was given."),
    Field("market", "str", True, False, "Market or country code."),
    Field("queue", "str", True, False, "Queue or channel the feedback is about."),
    Field("channel", "str", False, True, "Contact channel (chat, email, in-app...)."),
    Field("case_id", "str", False, True, "Related support case, if any."),
    Field("agent", "str", False, True, "Agent who handled the related case, if any."),
    Field("rating", "float", False, True, "User rating, 1-5.", min=1, max=5),
    Field("agent_label", "str", False, True, "Label the agent gave the feedback."),
    Field("auditor_label", "str", False, True, "Label a QA auditor gave it, if audited."),
    Field("text", "str", True, True, "The user's free text."),
)

CALIBRATION: tuple[Field, ...] = (
    Field("session_id", "str", True, False, "Calibration session id."),
    Field("session_date", "date", False, True, "Date of the session."),
    Field("case_id", "str", True, False, "Case rated in the session."),
    Field("item", "str", True, False, "Rubric item rated."),
    Field("auditor", "str", True, False, "Auditor giving the rating."),
    Field("rating", "float", True, False, "Rating given (numeric; map Pass/Fail to 1/0)."),
    Field("is_expert", "bool", False, True, "Whether the rater is the expert / reference."),
)

AI_LABELS: tuple[Field, ...] = (
    Field("item_id", "str", True, False, "Unique id of the labelled item.", unique=True),
    Field("date", "date", True, False, "Date the item was labelled."),
    Field("category", "str", False, True, "Category or queue of the item."),
    Field("market", "str", False, True, "Market or country code."),
    Field("model_label", "str", True, False, "Label predicted by the AI model."),
    Field("gold_label", "str", True, False, "Human gold label."),
    Field("labeller", "str", False, True, "Who gave the gold label."),
    Field("note", "str", False, True, "Labeller's note, free text."),
)

SCHEMAS: dict[str, tuple[Field, ...]] = {
    "audits": AUDITS,
    "feedback": FEEDBACK,
    "calibration": CALIBRATION,
    "ai_labels": AI_LABELS,
}

#: The input kinds, in the order data flows through a month's analysis.
KINDS: tuple[str, ...] = tuple(SCHEMAS)

#: Free-text columns per kind (cleaned and redacted before any model or report sees them).
TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "audits": ("comment",),
    "feedback": ("text",),
    "calibration": (),
    "ai_labels": ("note",),
}


def id_column(kind: str) -> str | None:
    """Return the unique id column of ``kind``, or None when rows have no single id."""
    for field in SCHEMAS[kind]:
        if field.unique:
            return field.name
    return None


def schema_markdown(kind: str) -> str:
    """Render the schema of ``kind`` as a Markdown table (used in the README)."""
    rows = ["| column | type | required | empty allowed | meaning |", "|---|---|---|---|---|"]
    for f in SCHEMAS[kind]:
        extra = ""
        if f.min is not None or f.max is not None:
            extra = f" Range {f.min:g}-{f.max:g}."
        if f.allowed:
            extra += " One of: " + ", ".join(f.allowed) + "."
        if f.unique:
            extra += " Unique."
        rows.append(
            f"| `{f.name}` | {f.type} | {'yes' if f.required else 'no'} | "
            f"{'yes' if f.nullable else 'no'} | {f.description}{extra} |"
        )
    return "\n".join(rows)
