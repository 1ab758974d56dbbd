"""The kinds of new product bug the sample can plant (root cause ``RC2``, type ``product_bug``).

`make_plan` draws one id of `rca.sample.vocab.BUG_KIND_IDS` per seed (``plan.bug_kind``);
`rca.sample.feedback` writes its reports from `BugKind.texts` in the bug market's language,
code-mixed or in English, and ground_truth.json describes it with `BugKind.title`,
`BugKind.key_phrases` and `BugKind.marker_words`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rca.sample.bug_texts import BUG_MARKERS, BUG_TEXTS

__all__ = ["BUG_KINDS", "BugKind", "bug_kind"]


@dataclass(frozen=True)
class BugKind:
    """One kind of product bug and how users report it.

    Attributes
    ----------
    id
        Key in `BUG_KINDS` (``sms_code``, ``payment_stuck``, ...).
    title
        One line for ground truth and reports.
    description
        What users experience, one sentence (without market or month).
    labels
        Feedback labels its reports get: the first is the true topic (always ``bug``), the
        others what agents sometimes pick instead.
    queues
        Queue most reports come through, then the queue of the rest.
    noise_topic
        True topic of ordinary feedback in ``queues[0]`` that mentions the same symptom now and
        then, in any month and market (so its words are not unique to the bug).
    key_phrases
        English phrases a reader would quote (for ground truth).
    markers
        Per language (ISO 639-1, ``en`` included), lower-case words that identify a report.
    texts
        Per language, complaint templates (`rca.sample.text.expand` grammar, slot ``{days}``).
    """

    id: str
    title: str
    description: str
    labels: tuple[str, ...]
    queues: tuple[str, str]
    noise_topic: str
    key_phrases: list[str]
    markers: dict[str, list[str]]
    texts: dict[str, tuple[str, ...]]

    def marker_words(self, language: str | None) -> list[str]:
        """Return the English markers plus those of ``language`` (None or ``en``: English)."""
        english = self.markers["en"]
        if language is None or language == "en":
            return list(english)
        return [*english, *self.markers.get(language, [])]


def _kind(
    id_: str,
    title: str,
    description: str,
    labels: tuple[str, ...],
    queues: tuple[str, str],
    noise_topic: str,
    key_phrases: list[str],
) -> BugKind:
    markers = {lang: list(words) for lang, words in BUG_MARKERS[id_].items()}
    return BugKind(
        id_, title, description, labels, queues, noise_topic, key_phrases, markers, BUG_TEXTS[id_]
    )


#: Every kind of product bug, by id (the ids of `rca.sample.vocab.BUG_KIND_IDS`).
BUG_KINDS: dict[str, BugKind] = {
    kind.id: kind
    for kind in (
        _kind(
            "sms_code",
            "SMS verification codes (OTP) not arriving",
            "users never receive the SMS login / verification code",
            ("bug",),
            ("account access", "payments"),
            "account issue",
            [
                "never got the code",
                "sms code never arrives",
                "OTP not arriving",
                "tried resend many times",
                "can't log in because the code never comes",
                "code expires before it arrives",
            ],
        ),
        _kind(
            "payment_stuck",
            "Payments stuck on 'processing': money taken, purchase not credited",
            "the payment hangs on 'processing' and the money is taken but the coins or top-up "
            "never arrive",
            ("bug", "payment issue"),
            ("payments", "creator support"),
            "payment issue",
            [
                "payment stuck on processing",
                "money deducted but the coins never arrived",
                "top-up failed but my balance went down",
                "checkout keeps spinning",
                "debited from my card but the app says pending",
            ],
        ),
        _kind(
            "upload_crash",
            "App closes when posting a photo or video from the gallery",
            "the app crashes or closes itself when users pick or attach a photo or video to post",
            ("bug",),
            ("creator support", "content appeals"),
            "bug",
            [
                "app closes when I pick a photo from the gallery",
                "can't post, the app force closes",
                "app shuts down when I tap post",
                "attaching a photo crashes the app",
            ],
        ),
        _kind(
            "app_freeze",
            "App freezes on the start-up logo and never opens",
            "after the update the app hangs on its logo / splash screen and never opens",
            ("bug", "account issue"),
            ("account access", "creator support"),
            "bug",
            [
                "app freezes on the logo",
                "can't open the app, just the logo",
                "stuck on the splash screen after the update",
                "won't open past the start screen",
            ],
        ),
    )
}


def bug_kind(kind: str) -> BugKind:
    """Return the bug kind ``kind`` (an id of `BUG_KINDS`); KeyError names the known ids."""
    if kind not in BUG_KINDS:
        raise KeyError(f"unknown bug kind {kind!r}; known: {', '.join(BUG_KINDS)}")
    return BUG_KINDS[kind]
