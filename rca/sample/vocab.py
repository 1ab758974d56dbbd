"""Entities of the simulated QA operation: markets, queues, macros, teams, labels, rubric items.

Everything here is a plain constant (tuples and dicts in a fixed order) so generation is
deterministic. Names are pseudonyms (``agent_017``, ``auditor_03``); no real people.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AI_CONFUSION",
    "AI_GOLD_WEIGHTS",
    "AI_LABELLERS",
    "AI_LABELS",
    "AI_SURFACES",
    "AUDIT_LOCAL_SHARE",
    "BUG_KIND_IDS",
    "CHANNELS",
    "CONFUSABLE",
    "ERROR_CATEGORIES",
    "FEEDBACK_LABELS",
    "FEEDBACK_LANGUAGE_MIX",
    "KNOWN_ISSUES",
    "MACROS",
    "MARKETS",
    "MARKET_LANGUAGE",
    "MARKET_WEIGHTS",
    "POLICIES",
    "QUEUES",
    "QUEUE_ERROR_WEIGHTS",
    "QUEUE_WEIGHTS",
    "RUBRIC_ITEMS",
    "TEAMS",
    "KnownIssue",
    "Macro",
    "TeamSpec",
]

MARKETS: tuple[str, ...] = ("MY", "ID", "PH", "TH", "VN", "US", "GB", "BR")
MARKET_WEIGHTS: tuple[float, ...] = (0.12, 0.18, 0.14, 0.1, 0.08, 0.16, 0.09, 0.13)
#: Local language of each market, ISO 639-1 (None: English only).
MARKET_LANGUAGE: dict[str, str | None] = {
    "MY": "ms",
    "ID": "id",
    "PH": "tl",
    "TH": "th",
    "VN": "vi",
    "US": None,
    "GB": None,
    "BR": "pt",
}
#: Per market with a local language, the shares of users' feedback written in that language,
#: code-mixed (local and English clauses) and in English.
FEEDBACK_LANGUAGE_MIX: dict[str, tuple[float, float, float]] = {
    "MY": (0.62, 0.2, 0.18),
    "ID": (0.62, 0.15, 0.23),
    "PH": (0.58, 0.17, 0.25),
    "TH": (0.68, 0.1, 0.22),
    "VN": (0.68, 0.1, 0.22),
    "BR": (0.72, 0.06, 0.22),
}
#: Per market with a local language, the share of auditors' comments written in it (QA teams
#: mostly audit in English; in the Philippines the local comments are Taglish).
AUDIT_LOCAL_SHARE: dict[str, float] = {
    "MY": 0.22,
    "ID": 0.25,
    "PH": 0.3,
    "TH": 0.2,
    "VN": 0.2,
    "BR": 0.25,
}

QUEUES: tuple[str, ...] = (
    "account access",
    "content appeals",
    "safety reports",
    "payments",
    "creator support",
    "privacy requests",
)
QUEUE_WEIGHTS: tuple[float, ...] = (0.27, 0.2, 0.17, 0.17, 0.12, 0.07)

POLICIES: dict[str, tuple[str, ...]] = {
    "account access": ("account security", "identity verification", "account recovery"),
    "content appeals": ("community guidelines", "intellectual property", "spam & fake engagement"),
    "safety reports": ("harassment & bullying", "violent threats", "child safety", "self-harm"),
    "payments": ("refunds", "payouts", "chargebacks", "subscriptions"),
    "creator support": ("monetisation", "creator fund", "branded content"),
    "privacy requests": ("data access requests", "account deletion", "impersonation"),
}


@dataclass(frozen=True)
class Macro:
    """A support macro (canned reply / SOP snippet) and the queue it belongs to."""

    id: str
    queue: str
    title: str
    weight: float


MACROS: tuple[Macro, ...] = (
    Macro("MAC-ACC-001", "account access", "password reset link", 1.0),
    Macro("MAC-ACC-002", "account access", "2FA recovery", 0.8),
    Macro("MAC-ACC-003", "account access", "hacked account first response", 0.7),
    Macro("MAC-ACC-004", "account access", "identity verification for account recovery", 1.3),
    Macro("MAC-ACC-006", "account access", "locked account - suspicious login", 0.6),
    Macro("MAC-APL-001", "content appeals", "appeal received", 1.0),
    Macro("MAC-APL-002", "content appeals", "appeal upheld - content restored", 0.8),
    Macro("MAC-APL-005", "content appeals", "appeal denied - guideline reminder", 0.9),
    Macro("MAC-SAF-001", "safety reports", "report acknowledged", 1.0),
    Macro("MAC-SAF-003", "safety reports", "blocking and reporting tools", 0.7),
    Macro("MAC-SAF-007", "safety reports", "emergency resources", 0.4),
    Macro("MAC-PAY-002", "payments", "refund timeline", 1.0),
    Macro("MAC-PAY-003", "payments", "payout on hold", 0.7),
    Macro("MAC-PAY-008", "payments", "double charge investigation", 0.6),
    Macro("MAC-CRT-001", "creator support", "monetisation eligibility", 1.0),
    Macro("MAC-CRT-004", "creator support", "creator fund payment dates", 0.6),
    Macro("MAC-PRV-001", "privacy requests", "data download request", 1.0),
    Macro("MAC-PRV-002", "privacy requests", "account deletion", 0.8),
)

#: Error categories of audits; "" is a clean audit.
ERROR_CATEGORIES: tuple[str, ...] = (
    "incorrect resolution",
    "policy misapplication",
    "tone",
    "missed verification",
    "incomplete notes",
    "wrong macro",
    "escalation missed",
)
#: Relative weight of each error category per queue (same order as ERROR_CATEGORIES).
QUEUE_ERROR_WEIGHTS: dict[str, tuple[float, ...]] = {
    "account access": (0.18, 0.12, 0.12, 0.16, 0.18, 0.14, 0.1),
    "content appeals": (0.22, 0.3, 0.1, 0.02, 0.16, 0.12, 0.08),
    "safety reports": (0.14, 0.22, 0.14, 0.03, 0.15, 0.08, 0.24),
    "payments": (0.3, 0.14, 0.12, 0.08, 0.18, 0.12, 0.06),
    "creator support": (0.24, 0.2, 0.14, 0.04, 0.2, 0.14, 0.04),
    "privacy requests": (0.16, 0.2, 0.08, 0.2, 0.2, 0.08, 0.08),
}


@dataclass(frozen=True)
class TeamSpec:
    """A team: its name, lead, the markets it serves and its usual queues."""

    name: str
    lead: str
    markets: tuple[str, ...]
    queues: tuple[str, ...]


TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec(
        "Team Kestrel",
        "lead_kestrel",
        ("MY", "ID"),
        ("account access", "payments", "creator support", "privacy requests"),
    ),
    TeamSpec(
        "Team Heron",
        "lead_heron",
        ("ID", "VN", "PH"),
        ("account access", "content appeals", "safety reports", "payments"),
    ),
    TeamSpec(
        "Team Lynx",
        "lead_lynx",
        ("PH", "TH", "MY"),
        ("content appeals", "safety reports", "account access", "creator support"),
    ),
    TeamSpec(
        "Team Orca",
        "lead_orca",
        ("US", "GB"),
        ("account access", "payments", "privacy requests", "safety reports"),
    ),
    TeamSpec(
        "Team Falcon",
        "lead_falcon",
        ("BR", "US"),
        ("content appeals", "account access", "payments", "creator support"),
    ),
    TeamSpec(
        "Team Marten",
        "lead_marten",
        ("GB", "BR", "US"),
        ("safety reports", "content appeals", "account access", "privacy requests"),
    ),
)

#: Kinds of product bug the sample may plant (texts in `rca.sample.bugs`); "sms_code" is the
#: demo's original one.
BUG_KIND_IDS: tuple[str, ...] = ("sms_code", "payment_stuck", "upload_crash", "app_freeze")

CHANNELS: tuple[str, ...] = ("chat", "email", "in-app", "web form", "phone")

FEEDBACK_LABELS: tuple[str, ...] = (
    "bug",
    "account issue",
    "payment issue",
    "policy question",
    "praise",
    "complaint about agent",
    "other",
)


@dataclass(frozen=True)
class KnownIssue:
    """A technical issue already tracked by the product team (listed in known_issues.csv)."""

    id: str
    title: str
    keywords: tuple[str, ...]
    weight: float


KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        "KI-2041",
        "Payout button invisible in dark mode",
        ("dark mode", "payout button", "withdraw button"),
        1.0,
    ),
    KnownIssue(
        "KI-2057",
        "Video upload stuck at 99%",
        ("upload stuck", "stuck at 99", "99%"),
        1.3,
    ),
    KnownIssue(
        "KI-2063",
        "Push notifications delayed on Android",
        ("notifications", "notification delay", "android"),
        0.8,
    ),
)

#: Rubric items of calibration sessions: name -> scale ("pf" is pass/fail 0/1, "1-5").
RUBRIC_ITEMS: dict[str, str] = {
    "greeting": "pf",
    "verification": "pf",
    "policy accuracy": "1-5",
    "resolution": "1-5",
    "tone": "1-5",
    "documentation": "1-5",
}

AI_LABELS: tuple[str, ...] = (
    "harassment",
    "hate speech",
    "spam",
    "scam",
    "nudity",
    "violent threat",
    "misinformation",
    "no violation",
)
AI_GOLD_WEIGHTS: tuple[float, ...] = (0.16, 0.08, 0.2, 0.12, 0.1, 0.06, 0.08, 0.2)
#: Plausible honest mistakes of the model: gold label -> labels it is sometimes mistaken for.
CONFUSABLE: dict[str, tuple[str, ...]] = {
    "harassment": ("no violation", "violent threat"),
    "hate speech": ("harassment", "no violation"),
    "spam": ("scam", "no violation"),
    "scam": ("spam", "misinformation"),
    "nudity": ("no violation", "spam"),
    "violent threat": ("harassment", "hate speech"),
    "misinformation": ("no violation", "scam"),
    "no violation": ("harassment", "spam", "misinformation"),
}
#: The confusion the demo planted before seeds varied it (gold, model); see `Plan.ai_pair`.
AI_CONFUSION: tuple[str, str] = ("harassment", "hate speech")
AI_SURFACES: tuple[str, ...] = ("comment", "post", "direct message", "profile", "livestream chat")
AI_LABELLERS: tuple[str, ...] = tuple(f"labeller_{i:02d}" for i in range(1, 7))
