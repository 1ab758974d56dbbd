"""Phrase banks in the users' own voice (feedback) and the AI labellers' notes.

Templates use the grammar of `rca.sample.text.expand`. Slot ``{agent_ref}`` names the agent the
way users do ("the lady", "your rep"), ``{days}`` is a duration, ``{pii}`` a personal-data value.
"""

from __future__ import annotations

__all__ = [
    "AGENT_REFS",
    "AI_AGREE_NOTES",
    "AI_CONFUSION_NOTES",
    "AI_DISAGREE_NOTES",
    "DURATIONS",
    "KNOWN_ISSUE_PHRASES",
    "PII_FEEDBACK",
    "TOPIC_PHRASES",
    "USER_EXTRAS",
    "USER_SNIPPETS",
    "confusion_note_bank",
]

AGENT_REFS: tuple[str, ...] = (
    "the agent",
    "your agent",
    "the support person",
    "the lady",
    "the guy",
    "the rep",
    "your staff",
    "the person in chat",
    "they",
    "support",
)
DURATIONS: tuple[str, ...] = (
    "2 days",
    "3 days",
    "a week",
    "two weeks",
    "5 hours",
    "since Monday",
    "since yesterday",
    "a whole month",
)

#: Feedback templates per true topic (the label a careful reader would give).
TOPIC_PHRASES: dict[str, tuple[str, ...]] = {
    "praise": (
        "[thank you|thanks|thx|ty] [so much|a lot|!!|] [for the help|for sorting this out|for "
        "your patience|]",
        "{agent_ref} was [super|really|very|so|incredibly] [helpful|kind|patient|quick|nice]",
        "[problem|issue|everything] [solved|fixed|sorted] in [minutes|one chat|no time|one go]",
        "[best|great|amazing|excellent|smooth] [support|service|experience] [ever|so far|in a "
        "while|]",
        "[finally|at last] [got my account back|someone who actually listens|a real answer]",
        "[quick|fast|clear] [and|&] [friendly|polite|helpful] [answer|reply|support]",
        "[really|truly] [appreciate|appreciated] [it|the help|the follow up]",
    ),
    "complaint about agent": (
        "{agent_ref} [was|seemed] [rude|dismissive|useless|clueless|not interested]",
        "[copy paste|copy-paste|canned|robotic|bot-like] [answers|replies|responses]",
        "{agent_ref} [kept|keeps] [asking|telling] me [the same thing|to wait|to reinstall]",
        "[nobody|no one] [actually|even] [read|reads] [my message|what I wrote|my ticket]",
        "[closed|marked solved] my [ticket|case] without [fixing anything|asking me|resolving it]",
        "waited {days} for [a reply|an answer|someone to respond] [and got nothing useful|just "
        "to be told to wait|]",
        "{agent_ref} [hung up|left the chat|ended the chat] [on me|before I finished|mid sentence]",
    ),
    "account issue": (
        "[locked out|can't log in|cannot access my account|can't get into my account] [for|"
        "since] {days}",
        "[my account|account] [got|was] [hacked|compromised|taken over] [and nobody helps|"
        "please help|]",
        "[someone|a hacker|somebody] changed my [email|password|phone number] [and I can't "
        "recover it|!!|]",
        "[asked|told] me to verify [again and again|3 times|but never said how]",
        "[account|profile] [suspended|disabled|banned] for no reason",
        "[recovery|reset] [link|email] [doesn't|does not|never] [work|arrive|load]",
    ),
    "payment issue": (
        "[refund|payout|withdrawal] [still|has not|hasn't] [arrived|been processed|shown up] "
        "after {days}",
        "[charged|billed] [twice|double|two times] for the same [order|subscription]",
        "[where is|when do I get] my [money|refund|payout][ ??| ?|]",
        "[payout|creator fund payment] [on hold|pending|stuck] [for|since] {days}",
        "[subscription|membership] [renewed|charged] after I [cancelled|canceled] it",
    ),
    "policy question": (
        "[why|how come] [was|is] my [video|post|account|comment|live] [removed|taken down|"
        "restricted|flagged]",
        "[why was|how come] my [video|post|live] [got |][removed|taken down]",
        "[which|what] [rule|guideline] did I [break|violate][?|]",
        "[is it allowed|am I allowed] to [post|run] [giveaways|reaction videos|music covers]",
        "[your|the] [rules|guidelines|policies] [are|seem] [unclear|inconsistent|confusing]",
        "how long [does|will] the [appeal|review] take",
        "when will I [hear back|get an answer] [about|on] my [appeal|review]",
    ),
    "bug": (
        "app [keeps crashing|crashes|freezes] when [I open messages|uploading|I go live|I open "
        "my profile]",
        "[screen|page] [goes blank|is blank|won't load] [after the update|since the update|"
        "randomly]",
        "[comments|likes|messages] [not loading|disappear|won't send] [since {days}|lately|]",
        "[search|filters] [broken|not working] [again|on my phone|]",
    ),
    "other": (
        "[just wanted to say|fyi|idk|hmm] [nothing|no comment|that's all]",
        "[ok|okay|fine|n/a|-|.|test]",
        "why [is the survey|is this form] so long",
        "why does [the survey|this form] pop up every time",
        "[please|pls] add [dark mode to the web|more languages|a desktop app]",
        "[wrong|not the right] [person|survey|chat]",
    ),
}

KNOWN_ISSUE_PHRASES: dict[str, tuple[str, ...]] = {
    "KI-2041": (
        "[payout|withdraw] button [invisible|disappears|is gone|can't be seen] in dark mode",
        "in dark mode [I can't see|there's no] [the payout button|the withdraw button]",
        "[dark mode|night mode] [hides|breaks] the [payout button|withdraw button]",
    ),
    "KI-2057": (
        "[video|my video] upload stuck at 99[%| percent]",
        "upload stuck [again|every time|at 99%] [and I have to start over|]",
        "[uploads|uploading] [freeze|hang|get stuck] at 99%",
    ),
    "KI-2063": (
        "[notifications|push notifications] [arrive|come] [hours late|late|way too late] on "
        "[android|my android phone|Android]",
        "[no|zero] notifications on [android|Android] [until I open the app|for hours]",
        "notification delay [again|on android|is annoying]",
    ),
}

#: Extra clauses users add: (positive, negative).
USER_EXTRAS: tuple[tuple[str, ...], tuple[str, ...]] = (
    (
        "[5 stars|10/10|would recommend|love this app]",
        "[keep it up|keep up the good work|you guys rock]",
        "[much appreciated|thanks again|cheers]",
        "[was worried|I was stressed] but [it's fine now|all good now]",
    ),
    (
        "[this is|so] [ridiculous|unacceptable|frustrating|annoying]",
        "[fix it|fix this asap|please fix|do something]",
        "[I'm|im|I am] [deleting the app|going to cancel|switching to another app|done]",
        "[worst|most useless] [app|support|service] ever",
        "[terrible|useless|awful] [app|support|service]",
        "I [need|use] this [for work|for my business|every day]",
        "[already|I already] [contacted you|sent a ticket|emailed] [twice|3 times|before]",
    ),
)

USER_SNIPPETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "id": (
        ("makasih [ya|banyak] kak", "mantap [banget|pol]", "cepet banget responnya"),
        (
            "tolong [dibantu|dicek] [ya|kak]",
            "[udah|sudah] nunggu lama banget",
            "kecewa banget",
            "gimana sih",
        ),
    ),
    "ms": (
        ("terima kasih banyak", "[best|terbaik] la", "laju betul"),
        ("tolong la", "lama [sangat|gila]", "tak guna betul", "[apa ni|hampeh]"),
    ),
    "tl": (
        ("salamat po", "ang bilis", "galing nyo po"),
        ("sana ma-ayos na po", "ang tagal naman", "nakakainis na", "grabe naman"),
    ),
    "pt": (
        ("muito obrigado", "resolveram rápido", "[top|show de bola]"),
        ("que demora", "péssimo atendimento", "[absurdo|ridículo]", "ninguém resolve"),
    ),
    "th": (
        ("ขอบคุณ[ค่ะ|ครับ]", "[เยี่ยมมาก|ดีมาก]", "ตอบไวมาก"),
        ("[ช่วยด้วย|ช่วยหน่อย][ค่ะ|ครับ]", "รอนานมาก", "แย่มาก", "[เซ็ง|เบื่อ]"),
    ),
    "vi": (
        ("cảm ơn [nhiều|ạ]", "tuyệt vời", "nhanh ghê"),
        ("giúp mình với", "chờ lâu quá", "chán thật", "[bực ghê|quá tệ]"),
    ),
}

#: Ways users put their own personal data into feedback, per PII type.
PII_FEEDBACK: dict[str, tuple[str, ...]] = {
    "email": (
        "[you can|pls|please] [reach|contact|email] me [at|on] {pii}",
        "[my|the] [email|login email] is {pii}",
    ),
    "phone": ("my [number|phone|whatsapp] is {pii}", "[call|text] me [on|at] {pii}"),
    "handle": ("my [account|profile|handle] is {pii}", "[it's|the account is] {pii}"),
    "account_number": (
        "[regarding|about|re] {pii}",
        "{pii} [still|is still] [not refunded|pending|not resolved]",
    ),
    "card_number": (
        "[charged|billed] [twice|again] on [my card|card] {pii}",
        "[my|the] card [number|] is {pii}[, please check|]",
    ),
}

AI_AGREE_NOTES: tuple[str, ...] = (
    "[clear cut|clear-cut|obvious|easy one]",
    "[obvious|classic] [spam link|crypto spam|follow-for-follow spam]",
    "borderline but [ok|fine|agree with model]",
    "context [from the thread|in replies] confirms",
    "[matches|same as] [policy|guideline] example [4.2|3.1|7]",
    "[agree|agreed|+1]",
)
AI_DISAGREE_NOTES: tuple[str, ...] = (
    "model missed the [sarcasm|irony|joke]",
    "[text in image|image text|caption in the image] not read by [the model|model]",
    "[slang|regional slang] [term|word], model doesn't know it",
    "[this is|it's] satire, not misinformation",
    "link goes to a [known|reported] scam domain",
    "[needs|missing] [thread|conversation] context",
    "[artistic|educational|medical] nudity [exception|allowed]",
    "[quoting|reporting] [a threat|abuse] is not [a threat|abuse] itself",
)
AI_CONFUSION_NOTES: tuple[str, ...] = (
    "targets [an individual|one person|a specific user], no protected characteristic - "
    "harassment, not hate speech",
    "insult [isn't|is not] about a protected group[, downgraded to harassment|]",
    "model [again|keeps|still] [labels|labelling|calling] plain insults [as hate speech|hate "
    "speech|HS]",
    "harassment, model said [HS|hate speech]",
    "[no slur|no protected class|no protected attribute] here[ - harassment|]",
    "model [conflates|mixes up] [bullying|harassment] [with|and] hate [speech|]",
    "personal attack [≠|is not|isn't] hate speech",
    "[same|recurring|known] [HS vs harassment|hate speech/harassment] confusion",
)

#: Why a labeller says an item is this gold label (short reasons, any model label).
_WHY_GOLD: dict[str, tuple[str, ...]] = {
    "harassment": (
        "targets [one person|a specific user|an individual]",
        "[personal attack|insults aimed at one user]",
    ),
    "hate speech": (
        "[attacks|targets] a protected group",
        "[slur|dehumanising language] about [a religion|an ethnicity|a nationality]",
    ),
    "spam": (
        "[repetitive|mass-posted] [promo|follow-for-follow|ads]",
        "[same link posted|copy-paste promo] [50 times|everywhere|in every thread]",
    ),
    "scam": (
        "[asks for|wants] [money|a deposit|card details|login details] up front",
        "[fake giveaway|too-good-to-be-true investment|phishing link]",
    ),
    "nudity": ("[explicit|sexual] [image|imagery|content]", "[nude|explicit] [thumbnail|photo]"),
    "violent threat": (
        "[explicit|direct|credible] threat to [hurt|kill|attack] someone",
        "[names a place and time|says they will come to their house]",
    ),
    "misinformation": (
        "[false|debunked] [health|election|vaccine] claim",
        "[fake|doctored] [news screenshot|quote|statistic]",
    ),
    "no violation": (
        "[banter between friends|a joke|satire|news reporting|a song lyric]",
        "[nothing|no rule] [against the guidelines|broken here|violated]",
    ),
}
#: How labellers write each label in their notes.
_SAY: dict[str, str] = {
    "harassment": "harassment",
    "hate speech": "[hate speech|HS]",
    "spam": "spam",
    "scam": "scam",
    "nudity": "nudity",
    "violent threat": "[violent threat|a threat]",
    "misinformation": "[misinformation|misinfo]",
    "no violation": "[no violation|not a violation|benign]",
}
#: Notes about a recurring confusion of gold label {gold} as {model}.
_CONFUSION_TEMPLATES: tuple[str, ...] = (
    "{gold}, model said {model}",
    "{why} - {gold}, not {model}",
    "[not|isn't] {model}: {why}",
    "model [again|keeps|still] [labels|labelling|calling] {gold} [as {model}|{model}]",
    "[same|recurring|known] {model} vs {gold} confusion",
    "model [conflates|mixes up] {gold} [with|and] {model}",
    "{why}, so {gold}[ - model wrong|]",
    "[overturned|corrected] to {gold}[ again|]",
)


def confusion_note_bank(gold: str, model: str) -> list[str]:
    """Labellers' notes on items of gold label ``gold`` that the AI model labelled ``model``.

    Every note names the gold label or the model's label, or gives the reason the item is
    ``gold``; for the demo's pair (harassment labelled hate speech) the notes are
    `AI_CONFUSION_NOTES`.

    Parameters
    ----------
    gold, model
        Two different labels of `rca.sample.vocab.AI_LABELS`.

    Returns
    -------
    list of str
        Templates (`rca.sample.text.expand` grammar, no slots left).
    """
    if (gold, model) == ("harassment", "hate speech"):
        return list(AI_CONFUSION_NOTES)
    whys = _WHY_GOLD.get(gold, (f"clearly {gold}",))
    said = {"{gold}": _SAY.get(gold, gold), "{model}": _SAY.get(model, model)}
    notes = []
    for template in _CONFUSION_TEMPLATES:
        for why in whys if "{why}" in template else ("",):
            note = template.replace("{why}", why)
            for slot, words in said.items():
                note = note.replace(slot, words)
            notes.append(note)
    return notes
