"""`Locale`: the phrase banks of one language, for users' feedback and auditors' comments."""

from __future__ import annotations

from dataclasses import dataclass, field

from rca.sample.vocab import ERROR_CATEGORIES

__all__ = ["AUDIT_KEYS", "FEEDBACK_KEYS", "Locale"]

#: Keys every locale's ``feedback`` bank has: the true topics and the known issues (the planted
#: product bug's texts are in `rca.sample.bugs`).
FEEDBACK_KEYS: tuple[str, ...] = (
    "praise",
    "complaint about agent",
    "account issue",
    "payment issue",
    "policy question",
    "bug",
    "other",
    "KI-2041",
    "KI-2057",
    "KI-2063",
)
#: Keys every locale's ``audit`` bank has: the error categories, the stale macro (``stale`` and
#: ``stale_more``: wording that fits any queue's macro and names it only sometimes; RC1, see
#: `rca.sample.stale`), the new-hire cohort (``cohort``, RC3), recommendations and praise.
AUDIT_KEYS: tuple[str, ...] = (
    *ERROR_CATEGORIES,
    "stale",
    "stale_more",
    "cohort",
    "reco",
    "positive",
)


@dataclass(frozen=True)
class Locale:
    """Phrase templates (grammar of `rca.sample.text.expand`) of one language.

    Attributes
    ----------
    code
        ISO 639-1 code (``ms``, ``id``, ``tl``, ``th``, ``vi``, ``pt``).
    feedback
        Users' clauses per `FEEDBACK_KEYS` key; slots ``{agent_ref}`` and ``{days}``.
    extras
        Users' extra clauses: (positive, negative).
    agent_refs
        Ways users name the agent.
    durations
        Ways users say how long they waited.
    pii
        Users' clauses with a ``{pii}`` slot, per PII type (types missing fall back to English).
    audit
        Auditors' clauses per `AUDIT_KEYS` key; slots ``{macro}``, ``{policy}``,
        ``{update_month}`` / ``{update_month_no}`` (month of the policy update, name or number)
        and ``{cohort_month}`` / ``{cohort_month_no}``.
    spaced
        False for scripts written without spaces between words (Thai): clauses are joined by a
        space and no typos are added.
    """

    code: str
    feedback: dict[str, tuple[str, ...]]
    extras: tuple[tuple[str, ...], tuple[str, ...]]
    agent_refs: tuple[str, ...]
    durations: tuple[str, ...]
    pii: dict[str, tuple[str, ...]]
    audit: dict[str, tuple[str, ...]] = field(default_factory=dict)
    spaced: bool = True
