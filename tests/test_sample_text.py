"""The sample's texts vary with the planted entities (issue 13): bug kinds, stale macros, labels."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from rca.sample import vocab
from rca.sample.bugs import BUG_KINDS, bug_kind
from rca.sample.compose import Row
from rca.sample.effects import effect_sizes
from rca.sample.feedback import FEEDBACK_PER_MONTH, make_feedback
from rca.sample.locales import LOCALES
from rca.sample.org import Plan, make_plan
from rca.sample.stale import (
    STALE_EVIDENCE,
    STALE_REASONS,
    macro_ref_templates,
    stale_more_templates,
    stale_templates,
)
from rca.sample.text import Dice, expand
from rca.sample.voices import AI_CONFUSION_NOTES, DURATIONS, confusion_note_bank
from rca.text.language import detect_languages

KIND_IDS = getattr(
    vocab, "BUG_KIND_IDS", ("sms_code", "payment_stuck", "upload_crash", "app_freeze")
)
LANGUAGES = ("en", *LOCALES)
#: Languages the detector may give a text of each sample language (Malay and Indonesian are
#: close siblings and often mistaken for each other on short texts).
ACCEPT = {"ms": {"ms", "id"}, "id": {"id", "ms"}}


def dice(seed: int = 0) -> Dice:
    return Dice(np.random.default_rng(seed))


def expansions(templates: tuple[str, ...], lang: str, each: int, seed: int = 0) -> list[str]:
    """Expand every template ``each`` times with durations of the language."""
    d = dice(seed)
    days = LOCALES[lang].durations if lang in LOCALES else DURATIONS
    return [expand(d, t, {"days": d.pick(days)}) for t in templates for _ in range(each)]


def plan_for(seed: int = 0, months: int = 3, **changes: object) -> Plan:
    return replace(make_plan(dice(seed), "2026-10", months), **changes)  # type: ignore[arg-type]


def planted(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r["_cause"] == "RC2"]


# --- bug kinds ---------------------------------------------------------------------------------


def test_every_bug_kind_id_has_a_kind() -> None:
    assert set(BUG_KINDS) == set(KIND_IDS)
    for kind_id in KIND_IDS:
        kind = bug_kind(kind_id)
        assert kind.id == kind_id and kind.title and kind.key_phrases
        assert kind.labels[0] == "bug" and set(kind.labels) <= set(vocab.FEEDBACK_LABELS)
        assert set(kind.queues) <= set(vocab.QUEUES) and kind.queues[0] != kind.queues[1]
        assert kind.noise_topic in vocab.FEEDBACK_LABELS
    with pytest.raises(KeyError, match="sms_code"):
        bug_kind("no_such_bug")


@pytest.mark.parametrize("kind_id", KIND_IDS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_bug_reports_in_every_language_carry_a_marker(kind_id: str, lang: str) -> None:
    kind = BUG_KINDS[kind_id]
    assert len(kind.texts[lang]) >= 5, "several phrasings"
    markers = kind.marker_words(lang)
    texts = [t.lower() for t in expansions(kind.texts[lang], lang, each=20)]
    hits = Counter(next((m for m in markers if m in t), None) for t in texts)
    assert None not in hits, [t for t in texts if not any(m in t for m in markers)][:3]
    assert len(hits) >= 2, "not always the same keyword"
    assert len(set(texts)) >= 2 * len(kind.texts[lang])


@pytest.mark.parametrize("kind_id", KIND_IDS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_bug_reports_are_detected_as_their_language(kind_id: str, lang: str) -> None:
    texts = expansions(BUG_KINDS[kind_id].texts[lang], lang, each=2, seed=1)
    found = detect_languages(texts)
    accept = ACCEPT.get(lang, {lang})
    share = np.mean([f in accept for f in found])
    assert share >= 0.8, [(f, t) for f, t in zip(found, texts, strict=True) if f not in accept]


@pytest.mark.parametrize("kind_id", KIND_IDS)
def test_each_bug_kind_is_planted_in_its_market(kind_id: str) -> None:
    plan = plan_for(bug_kind=kind_id, bug_market="BR")
    rows = make_feedback(dice(3), plan, [], volume=0.5)
    bug = planted(rows)
    kind = BUG_KINDS[kind_id]
    assert len(bug) == round(plan.effects.bug_share * FEEDBACK_PER_MONTH * 0.5)
    assert {r["market"] for r in bug} == {"BR"}
    assert min(r["date"] for r in bug) >= plan.bug_start
    assert {r["queue"] for r in bug} <= set(kind.queues)
    assert np.mean([r["agent_label"] == "bug" for r in bug]) > 0.5
    markers = re.compile("|".join(map(re.escape, kind.marker_words("pt"))), re.IGNORECASE)
    texts = [r["text"] for r in bug if r["text"]]
    assert np.mean([bool(markers.search(t)) for t in texts]) > 0.85
    assert len(set(texts)) > 0.9 * len(texts)
    others = [r["text"] for r in rows if r["_cause"] is None and r["text"]]
    assert np.mean([bool(markers.search(t)) for t in others]) < 0.1


def test_bug_rows_start_at_the_bug_start_and_continue() -> None:
    plan = plan_for(months=4)
    start = plan.months[1].first.replace(day=10)
    rows = planted(make_feedback(dice(), replace(plan, bug_start=start), [], volume=0.2))
    months = Counter(r["date"].strftime("%Y-%m") for r in rows)
    assert sorted(months) == [m.label for m in plan.months[1:]]
    assert min(r["date"] for r in rows) >= start


def test_default_effects_plant_the_demo_volume() -> None:
    rows = planted(make_feedback(dice(), plan_for(), []))
    assert len(rows) == round(0.07 * FEEDBACK_PER_MONTH)


@dataclass(frozen=True)
class ScaledPlan(Plan):
    """A plan with a feedback volume (as `make_plan` gives when it takes ``volume``)."""

    volume: float = 0.1


def test_volume_scales_the_rows() -> None:
    plan = plan_for()
    full = make_feedback(dice(), plan, [])
    tenth = make_feedback(dice(), plan, [], volume=0.1)
    assert 0.08 < len(tenth) / len(full) < 0.12
    assert abs(len(planted(tenth)) - 0.1 * len(planted(full))) <= 1
    kept = {f.name: getattr(plan, f.name) for f in fields(Plan) if f.name != "volume"}
    scaled = ScaledPlan(**kept)
    assert len(make_feedback(dice(), scaled, [])) == len(tenth)  # plan.volume when present


def test_feedback_is_deterministic() -> None:
    plan = plan_for(bug_kind="upload_crash")
    first, second = make_feedback(dice(5), plan, []), make_feedback(dice(5), plan, [])
    assert [(r["feedback_id"], r["text"]) for r in first] == [
        (r["feedback_id"], r["text"]) for r in second
    ]


def test_none_plants_nothing_and_every_market_has_the_same_mix() -> None:
    from rca.sample.audits import make_audits

    plan = plan_for(months=4, effects=effect_sizes("none"))
    audits = make_audits(dice(1), plan)
    rows = pd.DataFrame(make_feedback(dice(2), plan, audits))
    assert not rows["_cause"].notna().any()
    month = rows.date.map(lambda d: d.strftime("%Y-%m"))
    for group in (rows.market, month):
        for column in ("_topic", "queue", "rating", "_known"):
            table = pd.crosstab(group, rows[column].astype(str))
            assert chi2_contingency(table).pvalue > 0.001, (group.name, column)


# --- stale macro comments -----------------------------------------------------------------------

SLOTS = {
    "macro": "MAC-PAY-002",
    "macro_ref": "macro MAC-PAY-002",
    "policy": "refunds",
    "market": "BR",
    "update_month": "May",
    "update_month_no": "5",
    "update_date": "2026-05-04",
}
NAMES = re.compile(r"\{macro(_ref)?\}")
OLD = re.compile(r"outdated|out of date|\bold\b|legacy|lama|usang|luma|ล้าสมัย|cũ|desatualizada")


@pytest.mark.parametrize("queue", vocab.QUEUES)
def test_stale_reasons_for_every_queue_mostly_do_not_name_the_macro(queue: str) -> None:
    reasons = STALE_REASONS[queue]
    assert len(reasons) >= 6 and STALE_EVIDENCE[queue]
    assert stale_templates(queue) == reasons
    assert 0 < np.mean([bool(NAMES.search(r)) for r in reasons]) < 0.5
    assert np.mean([bool(OLD.search(r)) for r in reasons]) < 0.5
    d = dice()
    for template in reasons + stale_more_templates(queue):
        text = expand(d, template, SLOTS)
        assert "{" not in text and "[" not in text, text


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_local_stale_comments_fit_any_queue_and_name_the_macro_sometimes(lang: str) -> None:
    loc = LOCALES[lang]
    bank = stale_templates("payments", loc)
    assert bank == stale_templates("account access", loc) and len(bank) >= 5
    assert 0 < np.mean([bool(NAMES.search(t)) for t in bank]) < 0.5
    assert stale_more_templates("payments", loc)
    texts = [expand(dice(), t, SLOTS) for t in bank]
    accept = ACCEPT.get(lang, {lang}) | {"en"}  # auditors mix in English product words
    assert np.mean([f in ACCEPT.get(lang, {lang}) for f in detect_languages(texts)]) >= 0.5
    assert set(detect_languages(texts)) <= accept


@pytest.mark.parametrize("macro", [m.id for m in vocab.MACROS])
def test_macro_refs_name_every_macro_with_and_without_its_id(macro: str) -> None:
    refs = [expand(dice(), t, {"macro": macro}) for t in macro_ref_templates(macro)]
    with_id = [macro.split("-")[-1] in r for r in refs]
    assert any(with_id) and not all(with_id)


# --- AI labellers' notes ------------------------------------------------------------------------

PAIRS = [(g, m) for g in vocab.AI_LABELS for m in vocab.AI_LABELS if g != m]
SHORT = {"hate speech": "HS", "misinformation": "misinfo", "violent threat": "threat"}


@pytest.mark.parametrize(("gold", "model"), PAIRS)
def test_confusion_notes_for_every_pair_name_the_labels(gold: str, model: str) -> None:
    bank = confusion_note_bank(gold, model)
    assert len(bank) >= 6
    words = {gold, model, SHORT.get(gold, gold), SHORT.get(model, model), "benign", "violation"}
    words |= {"protected", "insult", "attack", "slur", "bullying"}  # the demo pair's notes
    pattern = re.compile("|".join(map(re.escape, words)), re.IGNORECASE)
    d = dice()
    notes = [expand(d, t) for t in bank for _ in range(3)]
    assert all("{" not in n and "[" not in n for n in notes)
    assert np.mean([bool(pattern.search(n)) for n in notes]) > 0.85


def test_demo_pair_keeps_its_notes() -> None:
    assert confusion_note_bank("harassment", "hate speech") == list(AI_CONFUSION_NOTES)
    assert confusion_note_bank("spam", "scam") != confusion_note_bank("scam", "spam")
