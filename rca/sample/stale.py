"""Auditors' comments about a stale macro, for any queue (root cause ``RC1``, ``outdated_macro``).

A macro goes stale when the policy behind it changes and its text does not. What is out of date
depends on the queue (the ID-by-email step in account access, the appeal window in content
appeals, the refund timeline in payments, ...). Auditors do not always name the macro or say
"outdated": only some templates carry ``{macro_ref}`` (a way of naming the macro, see
`macro_ref_templates`) and many just describe the symptom ("told the user to email their
passport, that inbox closed in May"). Slots, as filled by ``rca.sample.audits``: ``{macro}``,
``{macro_ref}``, ``{update_month}``, ``{update_month_no}``, ``{update_date}``, ``{market}``,
``{policy}``. Templates use the grammar of `rca.sample.text.expand`.
"""

from __future__ import annotations

from rca.sample.locales import Locale
from rca.sample.vocab import MACROS

__all__ = [
    "STALE_EVIDENCE",
    "STALE_REASONS",
    "STALE_RECOS",
    "macro_ref_templates",
    "stale_more_templates",
    "stale_templates",
]

#: Per queue, what about the queue's macro is out of date, as an auditor's finding.
STALE_REASONS: dict[str, tuple[str, ...]] = {
    "account access": (
        "{macro_ref} still [walks the user through|lists|describes] the [old|previous|"
        "pre-update] verification [steps|flow]",
        "[user|customer] was told to email a copy of their [ID|passport] - that channel [closed|"
        "was switched off] on {update_date}",
        "[the template|the macro|the canned reply] asks for [selfie + ID|security questions] "
        "which [were dropped|are no longer part of the process] since {update_month}",
        "[sent|pasted] the [recovery|verification] [macro|template|steps] as written, but "
        "[they|the steps] [predate|don't match] the {update_month} policy update",
        "[ID upload|verification] form link in {macro_ref} [is dead|goes to a retired page|404s]",
        "[customer|user] [replied|answered] with a photo of their [ID|passport] by email because "
        "[our reply|the reply] told them to",
        "[not really the agent's fault|agent not at fault|systemic], {macro_ref} [needs an "
        "update|is out of date]",
        "[macro|template|reply] points the user to [the support inbox|email] for [documents|ID] "
        "instead of the in-app [check|upload]",
    ),
    "content appeals": (
        "{macro_ref} still [gives|quotes] the [old|previous] 30-day appeal window - it's 14 days "
        "since {update_month}",
        "[user|creator] was sent to [a form that no longer exists|a retired web form|the web "
        "appeal form] and [got an error|couldn't submit]",
        "[told|promised] the user a [human review within 48h|decision in 2 days] - [the "
        "SLA|the timeline] changed on {update_date}",
        "[macro|template|reply] [links|points] to [the web appeal page|the help-centre form] "
        "instead of [the in-app appeal button|Account status > Appeal]",
        "{macro_ref} [references|cites] [a guideline section|a rule number] that was "
        "[renumbered|rewritten] in {update_month}",
        "[the macro|the template|the canned answer] says appeals can be [emailed|sent by email] - "
        "[not possible anymore|that inbox is closed]",
        "[steps sent|instructions] no longer match what the user sees in the app",
        "[flagging|flag] {macro_ref} [again|] - it [predates|wasn't updated for] the new appeal "
        "flow",
    ),
    "safety reports": (
        "{macro_ref} still [links|points] to the [old|retired] report [form|link]",
        "[user|reporter] was told to [report via the web form|email the safety inbox] which "
        "[was retired|closed] on {update_date}",
        "[instructions|steps] for [blocking|muting|restricting] [don't match|no longer match] "
        "the new privacy menu",
        "[the macro|the template|canned text] [lists|gives] [a helpline number|an emergency "
        "contact] that [changed|is no longer valid] in {market}",
        "[sent|pasted] the [standard|usual] acknowledgement but it promises a [24h|48h] review "
        "the team [no longer offers|dropped in {update_month}]",
        "{macro_ref} [is out of date|needs updating] after the {update_month} [reporting|safety] "
        "policy change",
        "[user|reporter] [came back|wrote again] saying the [report|block] button isn't where "
        "[our reply|we] said",
        "[template|macro|response] tells reporters to [attach screenshots by email|send "
        "evidence to the inbox] - [not allowed|not accepted] [since the update|anymore]",
    ),
    "payments": (
        "{macro_ref} still [says|quotes] [refunds take 3-5 days|a 3-5 day refund window] - it's "
        "[7-10|up to 10] business days since {update_month}",
        "[sent|gave] the [previous|old] refund [steps|template] ([request via email|the bank "
        "form])",
        "[user|customer] was told to [email a bank statement|send card details by email] which "
        "[we stopped accepting|is no longer allowed] on {update_date}",
        "[macro|template|canned reply] [promises|quotes] a refund [window|deadline] that "
        "[changed|no longer applies]",
        "[the steps sent|instructions] [point to|mention] [the billing page|a billing menu] "
        "that moved [in settings|in {update_month}|]",
        "{macro_ref} [needs an update|is outdated] [after the refund policy change|since "
        "{update_month}]",
        "[customer|user] [disputed the charge|opened a chargeback] because [our reply|the "
        "answer] gave the wrong [timeline|refund window]",
        "[refund|double charge] [macro|template|answer] [still|] [references|mentions] the [14-day|"
        "30-day] rule, not the current one",
    ),
    "creator support": (
        "{macro_ref} still [quotes|lists] the [old|previous] [1,000-follower|10k-view] "
        "[threshold|eligibility rule]",
        "[creator|user] was told payouts arrive [on the 15th|mid-month] - it's the [25th|end of "
        "the month] since {update_month}",
        "[sent|gave] the [previous|former] [eligibility|monetisation] requirements",
        "[macro|template|canned reply] [links|points] to the [creator fund|monetisation] page "
        "that was [retired|replaced] on {update_date}",
        "[the tax form|the W-8 form|the bank details] step [in the reply|in our reply] [no "
        "longer exists|moved into the app]",
        "{macro_ref} [wasn't updated|is out of date] after the {update_month} [programme|"
        "creator fund] change",
        "[creator|user] [followed|did] [our steps|the steps we sent] and [got stuck|couldn't "
        "find the menu]",
        "[macro|template|answer] [promises|mentions] a bonus [the programme dropped|that no longer "
        "exists]",
    ),
    "privacy requests": (
        "{macro_ref} still [describes|gives] the [old|previous] data download [steps|flow]",
        "[user|requester] was told [deletion takes 14 days|there's a 14-day grace period] - "
        "it's 30 days since {update_month}",
        "[sent|pointed] the user to [the privacy inbox|an email address] for [the request|ID "
        "proof], which [closed|was retired] on {update_date}",
        "[macro|template|canned reply] [links|points] to [a privacy form|the request portal] "
        "that [moved|no longer works]",
        "[asked|told] the user to [send ID by email|confirm by email] [- not allowed "
        "anymore|which the new privacy process doesn't allow]",
        "{macro_ref} [needs an update|is out of date] [for|after] the {update_month} privacy "
        "change",
        "[the macro's steps|the template's steps|our instructions] [don't match|no longer "
        "match] the [settings menu|Download your data page]",
    ),
}

#: Per queue, evidence an auditor adds to a stale-macro finding.
STALE_EVIDENCE: dict[str, tuple[str, ...]] = {
    "account access": (
        "[since|after] the {update_month} policy [update|change] ID [must only|can only] go "
        "through the in-app upload",
        "[KB|policy page] was updated on {update_date} but the macro [wasn't|was not]",
        "[we now|new flow is to] [send the secure upload link|use the in-app ID check]",
    ),
    "content appeals": (
        "appeals [go through|are only taken in] the app since {update_date}",
        "[KB|help centre] shows the new [14-day window|appeal flow], the reply [doesn't|does not]",
    ),
    "safety reports": (
        "[reporting flow|report form] [moved|changed] on {update_date}",
        "[user|reporter] [couldn't find|looked for] the [option|button] we described",
    ),
    "payments": (
        "[refund policy|billing FAQ] [changed|was updated] on {update_date}",
        "[customer|user] [wrote back|came back] [asking why|because] the refund [didn't come|"
        "was late]",
    ),
    "creator support": (
        "[programme terms|creator FAQ] [changed|were updated] on {update_date}",
        "[creator|user] [wrote back|came back] [confused|angry] about the [dates|requirements]",
    ),
    "privacy requests": (
        "[privacy process|request flow] [changed|was updated] on {update_date}",
        "[user|requester] [couldn't find|looked for] the [page|option] we described",
    ),
}

#: Recommendations after a stale-macro finding, any queue (only some name the macro).
STALE_RECOS: tuple[str, ...] = (
    "[flagged|raised|reported] [to|with] the [KB team|macro owners|content team|policy team] "
    "[already|again|too|]",
    "[please|pls] [don't|do not] use {macro_ref} until it's [fixed|updated|rewritten]",
    "[markdown|fail|score] [kept|applied] [per calibration|as agreed in calibration|] but "
    "[root cause is the template|the text needs fixing]",
    "[tell|remind] agents to [edit|override] that step [manually|by hand] for now",
    "[same|seen the same] on [other|several] agents' cases this week",
)

#: Short names auditors use for each macro (besides its id).
_NICKNAMES: dict[str, tuple[str, ...]] = {
    "MAC-ACC-001": ("password reset", "reset link"),
    "MAC-ACC-002": ("2FA recovery", "2FA"),
    "MAC-ACC-003": ("hacked account", "hacked first response"),
    "MAC-ACC-004": ("ID verification", "account recovery"),
    "MAC-ACC-006": ("locked account", "suspicious login"),
    "MAC-APL-001": ("appeal received", "appeal ack"),
    "MAC-APL-002": ("appeal upheld", "content restored"),
    "MAC-APL-005": ("appeal denied", "guideline reminder"),
    "MAC-SAF-001": ("report acknowledged", "report ack"),
    "MAC-SAF-003": ("blocking tools", "block and report"),
    "MAC-SAF-007": ("emergency resources", "helpline"),
    "MAC-PAY-002": ("refund timeline", "refund"),
    "MAC-PAY-003": ("payout on hold", "payout hold"),
    "MAC-PAY-008": ("double charge", "double charge investigation"),
    "MAC-CRT-001": ("monetisation eligibility", "eligibility"),
    "MAC-CRT-004": ("creator fund dates", "payment dates"),
    "MAC-PRV-001": ("data download", "DYD"),
    "MAC-PRV-002": ("account deletion", "deletion"),
}


def macro_ref_templates(macro: str) -> tuple[str, ...]:
    """Ways an auditor names ``macro`` (templates; ``{macro}`` is its id), for ``{macro_ref}``.

    About half give the id (``MAC-PAY-002``, ``PAY-002``, ``macro 002``), the others a nickname
    ("the refund timeline macro"), so a comment does not always carry the id.
    """
    short = macro.removeprefix("MAC-")
    number = short.rsplit("-", 1)[-1]
    nick = _NICKNAMES.get(macro) or tuple(m.title for m in MACROS if m.id == macro)
    named = tuple(f"the {n} [macro|template]" for n in nick) if nick else ("the macro",)
    return ("{macro}", "macro {macro}", "the {macro} macro", short, f"macro {number}", *named)


def stale_templates(queue: str, locale: Locale | None = None) -> tuple[str, ...]:
    """Return the findings an auditor writes about the stale macro of ``queue``.

    Parameters
    ----------
    queue
        The stale macro's queue (one of `rca.sample.vocab.QUEUES`).
    locale
        Language of the comment; None for English (per-queue `STALE_REASONS`). Local comments
        use the locale's ``stale`` bank, which fits any queue.

    Returns
    -------
    tuple of str
        Templates; slots as in the module docstring.
    """
    if locale is not None:
        return locale.audit["stale"]
    return STALE_REASONS[queue]


def stale_more_templates(queue: str, locale: Locale | None = None) -> tuple[str, ...]:
    """Return the clauses that may follow a stale-macro finding: evidence and recommendations.

    English: the queue's `STALE_EVIDENCE` and the generic `STALE_RECOS`; local: the locale's
    ``stale_more`` bank.
    """
    if locale is not None:
        return locale.audit["stale_more"]
    return STALE_EVIDENCE[queue] + STALE_RECOS
