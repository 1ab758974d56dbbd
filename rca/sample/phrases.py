"""Phrase banks of QA auditor comments (templates for `rca.sample.text.expand`).

A comment is composed from an opener, a finding, evidence and a recommendation, each drawn
from many paraphrases. Slots: ``{macro}`` (macro id), ``{policy}``, ``{market}``,
``{update_month}``, ``{pii}``. Comments about the stale macro of any queue (slot ``{macro_ref}``,
a way of naming it), which name it only sometimes, are in `rca.sample.stale` (re-exported here:
`STALE_REASONS`, `stale_templates`, ...).
"""

from __future__ import annotations

from rca.sample.stale import (
    STALE_EVIDENCE,
    STALE_REASONS,
    STALE_RECOS,
    macro_ref_templates,
    stale_more_templates,
    stale_templates,
)

__all__ = [
    "AGENT_OPENERS",
    "AUDITOR_SNIPPETS",
    "COHORT_EVIDENCE",
    "CRITICAL_TAGS",
    "EVIDENCE",
    "FINDINGS",
    "NOISE",
    "OPENERS",
    "PII_AUDIT",
    "POSITIVE",
    "POSITIVE_SHORT",
    "RECOMMENDATIONS",
    "SHORT_FINDINGS",
    "STALE_EVIDENCE",
    "STALE_REASONS",
    "STALE_RECOS",
    "macro_ref_templates",
    "stale_more_templates",
    "stale_templates",
]

#: Openers that fit any finding. Findings starting with "@" begin with a verb and may also take
#: an `AGENT_OPENERS` subject ("Agent skipped the ID check").
OPENERS: tuple[str, ...] = (
    "",
    "",
    "",
    "[Reviewed|Audited|Checked] [the chat|the thread|the transcript|this one]: ",
    "[Coaching point|Opportunity|Area to improve|Dev point]: ",
    "[FYI|Note|NB|Heads up]: ",
    "[Overall ok but|Good effort but|Mostly fine, however|Friendly enough but] ",
    "[Unfortunately|Sadly|Hmm,] ",
    "[Main issue|Key finding|Fail reason|Markdown reason]: ",
)
AGENT_OPENERS: tuple[str, ...] = ("[Agent|The agent|Advocate|Agt] ", "[Agent|They] [also|] ")

FINDINGS: dict[str, tuple[str, ...]] = {
    "incorrect resolution": (
        "@[gave|provided|offered] the wrong [resolution|fix|outcome][ for this case|]",
        "[issue|case|ticket] [closed|marked as solved|resolved] but the [user's|customer's] "
        "[problem|actual issue|root issue] was [not fixed|never addressed|still open]",
        "[refund|reinstatement|unlock] [processed|granted|applied] [when it should not have "
        "been|without checking eligibility|although the case didn't qualify]",
        "[resolution|outcome|the answer] [does not|doesn't] match [what the customer asked "
        "for|the request|the issue raised]",
        "@answered [a different question|the wrong question|something the user never asked]",
        "@[told|advised|asked] the [user|customer] to [wait 48h|reinstall the app|clear the "
        "cache|log out and back in] which [does not|doesn't|won't] [fix|solve|help with] this",
        "@[promised|committed to] a [callback|follow-up|refund] [we can't deliver|that isn't "
        "possible|outside policy]",
    ),
    "policy misapplication": (
        "@[applied|used|followed] [the wrong|an incorrect|an old] [policy|guideline|SOP] for "
        "{policy}",
        "{policy} [policy|guidelines|rules] [misread|misapplied|not applied correctly]",
        "[content|account|the appeal] [should have been|was supposed to be] [restored|kept "
        "down|escalated] [per|under|according to] {policy} [guidelines|policy]",
        "@quoted [a policy|a rule|guidance] that [doesn't|does not] apply [in {market}|to this "
        "market|to this case]",
        "[decision|verdict|call] [not in line with|contradicts|goes against] the {policy} "
        "[policy|playbook|decision tree]",
        "@[treated|handled] [this|the report|the case] as [spam|a duplicate|low priority] "
        "[although|when|but] {policy} [applies|clearly applies]",
    ),
    "tone": (
        "tone [too|a bit|quite|very] [curt|robotic|cold|dismissive|abrupt]",
        "[response|reply|replies] [felt|sounded|came across as] [rude|dismissive|scripted|"
        "impatient|passive aggressive]",
        "[no|zero|little] empathy [shown|displayed|at all] [when the user said they were upset|"
        "for a distressed user|despite the user being upset|]",
        "@[didn't|did not|never] [acknowledge|recognise|address] [the user's frustration|the "
        "complaint|how upset they were]",
        "@[blamed|lectured|argued with] the [user|customer] [instead of helping|about the rules|"
        "in the second reply]",
        "[no greeting|no closing|greeting and closing missing|abrupt ending]",
    ),
    "missed verification": (
        "@[did not|didn't|failed to] [verify|confirm|check] [account ownership|the user's "
        "identity|identity|that the requester owns the account] [before|prior to] [resetting the "
        "password|changing the email|sharing account details|unlocking the account]",
        "@[skipped|missed|bypassed] the [ID|identity|KBA|security|2-step|ownership] "
        "[check|checks|verification|questions]",
        "[no|zero] [verification|verif|KBA|ownership check] [done|performed|on record|in the "
        "notes]",
        "@[changed|updated|reset] [the email|the phone number|2FA|recovery details] [with no|"
        "without any|without] [verification|identity check|security questions]",
        "@[gave out|disclosed|shared] [account info|the registered email|order details] [to an "
        "unverified requester|before verification|without verifying who they were]",
        "@[took the requester's word|trusted the user's claim] [that it was their account|at "
        "face value] [without|with no] [verification|checks]",
    ),
    "incomplete notes": (
        "[internal |case |]notes [incomplete|missing|too thin|don't explain the outcome]",
        "[no|missing] [summary|case summary|next steps|handover note] [in the ticket|on the "
        "case|for the next agent]",
        "@[didn't|did not] [document|record|log] [the steps taken|why the case was closed|the "
        "verification result]",
        "[tags|disposition|wrap-up code] [missing|wrong|not set]",
        "[notes|documentation] [say|says] [resolved|done] but [nothing|no detail] about [what "
        "was done|how]",
    ),
    "wrong macro": (
        "@[used|sent|picked] [the wrong|an unrelated|a generic] macro [for this issue|here|]",
        "[macro|template] {macro} [doesn't|does not] [fit|match|apply to] this "
        "[case|scenario|request]",
        "@[copy-pasted|pasted] [a macro|the template|{macro}] without [editing|personalising|"
        "adjusting] it",
        "macro [sent|used] but [the name placeholder was left in|it was the wrong language "
        "version|it answers a different question]",
        "{macro} [sent|used] [where|when] [a free-text reply|a personalised answer] was [needed|"
        "expected]",
    ),
    "escalation missed": (
        "@[should have escalated|needed to escalate|should have routed this|did not route this] "
        "to [T2|tier 2|the safety team|payments ops|L2|the specialist queue]",
        "[missed|no] escalation [for|on] [a threat to life|a fraud signal|a high-risk report|a "
        "legal request]",
        "@[kept|held] the case [instead of escalating|rather than routing it|way too long before "
        "escalating]",
        "[SLA|escalation SLA] [breached|missed] because [the case wasn't escalated|no handoff "
        "was done]",
        "[risk signals|red flags|the self-harm keywords] [ignored|not picked up|overlooked], "
        "[no|zero] [escalation|handoff]",
    ),
}

SHORT_FINDINGS: dict[str, tuple[str, ...]] = {
    "incorrect resolution": ("wrong resolution", "not resolved", "incorrect outcome given"),
    "policy misapplication": ("wrong policy applied", "policy misapplied", "misread {policy}"),
    "tone": ("tone issue", "rude tone", "cold, robotic replies"),
    "missed verification": ("no verification", "missed KBA", "ID check skipped"),
    "incomplete notes": ("notes incomplete", "no case notes", "missing wrap-up"),
    "wrong macro": ("wrong macro", "{macro} wrong here", "wrong template used"),
    "escalation missed": ("should have escalated", "missed escalation", "no T2 handoff"),
}

EVIDENCE: tuple[str, ...] = (
    "[see|check] [the chat at|timestamp|msg at] [09|10|11|14|15|16|21]:[05|12|27|38|44|59]",
    "[customer|user] [asked|had to ask] [twice|three times|again] [in the thread|]",
    "[the|] [case|ticket] was reopened [the next day|48h later|by the user]",
    "[user|customer] [left|gave] a [1-star|negative|low] [CSAT|rating] [afterwards|after this]",
    "[KB|knowledge base] article [is clear on this|covers exactly this case|was linked in the "
    "tool]",
    "[the notes say|internal note says|notes claim] the opposite of [the reply|what was sent]",
    "[this is|second|3rd] [time|occurrence] [this month|this week|in a row] for this agent",
)

RECOMMENDATIONS: tuple[str, ...] = (
    "[please|pls|kindly] [review|re-read|go through] the [KB article|SOP|playbook] [on this|"
    "again|for {policy}]",
    "[coach|coaching] on [verification steps|probing|empathy statements|macro selection|"
    "documentation]",
    "[refresher|recap session|1:1] [needed|recommended|scheduled with TL]",
    "[discussed|to discuss] [with the TL|in the next 1:1|in huddle]",
    "[will|to] share [examples|the rubric|a best-practice sample] [with the agent|]",
    "[otherwise|rest of the case] [good|fine|handled well]",
)

CRITICAL_TAGS: tuple[str, ...] = (
    "CRITICAL: ",
    "Crit error - ",
    "[Auto-fail|Autofail|auto fail]: ",
    "Critical - ",
    "[ZT|zero tolerance] - ",
)

COHORT_EVIDENCE: tuple[str, ...] = (
    "[agent is|agent still] [in nesting|a new hire|a new joiner|recently onboarded]",
    "[new hire|nesting|new batch] [pattern|issue|trend] - [seen|same thing] [on|across] "
    "[several|other|multiple] [new joiners|agents from the {cohort_month} batch]",
    "[recurring|repeat|same] [error|finding] for this agent",
    "[looks like|seems] [training|onboarding|the induction] [didn't|did not] cover "
    "[verification|KBA|ownership checks] [well|properly|enough]",
    "[loop in|inform|cc] [TL|team lead|their TL] [for|re] [coaching|nesting support]",
)

POSITIVE: tuple[str, ...] = (
    "[great|excellent|lovely|good|solid|warm] [empathy|ownership|rapport|tone] "
    "[throughout|with the user|all along|]",
    "[resolved|fixed|solved] [in first contact|on first touch|in one reply|without back and forth]",
    "[clear|thorough|well-written|neat|detailed] [notes|case notes|documentation|wrap-up]",
    "[correct|right] macro [and personalised it|, edited appropriately|with a personal touch|]",
    "[verified|confirmed] [identity|ownership|the account holder] [properly|correctly|before "
    "making changes]",
    "[followed|applied] [the|] {policy} [policy|SOP|guidelines] [correctly|to the letter|well]",
    "[set|managed] [expectations|timelines] [clearly|well|honestly]",
    "[good|nice|smart] [probing|questions|troubleshooting]",
    "[escalated|routed] [correctly|at the right time|to the right team]",
)

POSITIVE_SHORT: tuple[str, ...] = (
    "[no issues|nothing to flag|all good|clean audit|meets expectations|textbook handling]",
    "[kudos|well done|nice work|great job|keep it up|good job|excellent]",
    "[great empathy, resolved in first contact|great empathy and FCR]",
    "[ok|fine|good|pass]",
)

NOISE: tuple[str, ...] = (
    "audited [late|a week late] [due to|because of] [backlog|the audit backlog]",
    "[recording|call recording] [unavailable|missing], scored from [transcript|notes]",
    "case reopened by [user|customer] later, not agent related",
    "[user was abusive|customer was rude|user swore a lot], agent [stayed professional|kept calm]",
    "duplicate [ticket|case] merged",
    "chat disconnected [twice|a few times], [not counted|not agent's fault]",
    "[tool was slow|CRM lag|tooling issues] [today|that day|on the day]",
    "sampled from the [weekend|night shift|overflow] batch",
    "[second|2nd] [opinion|review] by [TL|another auditor] [agrees|concurs]",
    "[language|handled in] {language}",
)

#: Auditor notes about personal data seen in a case, per PII type.
PII_AUDIT: dict[str, tuple[str, ...]] = {
    "email": (
        "[customer|user|cust] [shared|left|posted] [their|an] email ({pii}) in [the chat|a "
        "public reply] - [not masked|agent didn't redact|should have been masked]",
        "[reply|confirmation] sent to {pii} [instead of the registered address|unverified]",
    ),
    "phone": (
        "[callback|contact] number [noted as|given:] {pii}",
        "[requester|user] [called from|claimed] {pii} [as proof|to prove ownership|]",
    ),
    "handle": (
        "[requester|user] [claims|says] {pii} is [their|his|her] account",
        "[reported|impersonating] account {pii}",
    ),
    "account_number": (
        "[user|customer] quoted {pii} [in the chat|]",
        "{pii} [mentioned|referenced] [in notes|in the thread]",
    ),
    "card_number": (
        "agent [copied|pasted] the card number {pii} into the [notes|public reply] [unmasked|in "
        "full]",
        "[full|unmasked] card number ({pii}) [visible|left] in [the notes|the transcript]",
    ),
}

AUDITOR_SNIPPETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ms": (
        ("agent dah explain dengan baik", "cust puas hati", "[bagus|ok] la"),
        ("cust [marah|bengang] sikit", "[tak|x] verify dulu", "kena [coach|ajar] balik"),
    ),
    "id": (
        ("[sudah|udah] sesuai SOP", "agent [ramah|sopan] banget", "mantap"),
        ("[belum|tidak] verifikasi [dulu|akun]", "[kurang|tidak] empati", "perlu coaching lagi"),
    ),
    "tl": (
        ("okay naman [yung|ang] tone", "ayos [to|ito]", "galing ni agent"),
        ("[hindi|di] nag-verify", "medyo bastos [yung|ang] reply", "kulang [yung|ang] notes"),
    ),
    "pt": (
        ("atendimento [bom|ótimo]", "[muito bem|mandou bem]", "resolveu rápido"),
        ("faltou [verificar a identidade|verificação]", "tom [seco|frio]", "precisa de coaching"),
    ),
    "th": (
        ("agent อธิบายดี", "ลูกค้าพอใจ", "โอเค"),
        ("ไม่ได้ verify ก่อน", "น้ำเสียงห้วนไป", "ต้อง coaching เพิ่ม"),
    ),
    "vi": (
        ("agent giải thích rõ", "khách hài lòng", "ok"),
        ("chưa verify", "thiếu đồng cảm", "cần coaching thêm"),
    ),
}
