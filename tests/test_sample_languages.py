"""The sample speaks the markets' languages, planted causes included (issue 12)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from rca.sample import SampleSummary, generate_sample
from rca.text.language import detect_languages
from rca.text.redact import redact

#: Local language of each market (MY texts are often detected as Indonesian, a close sibling).
LOCAL = {
    "MY": {"ms", "id"},
    "ID": {"id", "ms"},
    "PH": {"tl"},
    "TH": {"th"},
    "VN": {"vi"},
    "BR": {"pt"},
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> SampleSummary:
    return generate_sample(tmp_path_factory.mktemp("sample_languages"), months=3, seed=0)


@pytest.fixture(scope="module")
def truth(sample: SampleSummary) -> dict[str, Any]:
    return json.loads(sample.files["ground_truth"].read_text(encoding="utf-8"))


def read(path: Path, column: str) -> pd.DataFrame:
    """Read a sample CSV, keep the rows with text and add their detected ``lang``."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame[frame[column] != ""].copy()
    frame["lang"] = detect_languages(frame[column].tolist())
    return frame


@pytest.fixture(scope="module")
def feedback(sample: SampleSummary) -> pd.DataFrame:
    return read(sample.files["feedback"], "text").set_index("feedback_id")


@pytest.fixture(scope="module")
def audits(sample: SampleSummary) -> pd.DataFrame:
    return read(sample.files["audits"], "comment").set_index("audit_id")


def cause(truth: dict[str, Any], type_: str) -> dict[str, Any]:
    return next(c for c in truth["root_causes"] if c["type"] == type_)


@pytest.mark.parametrize(
    ("market", "low", "high"),
    [("MY", 0.5, 0.85), ("ID", 0.5, 0.85), ("PH", 0.45, 0.85), ("TH", 0.6, 0.9),
     ("VN", 0.6, 0.9), ("BR", 0.6, 0.9)],
)  # fmt: skip
def test_feedback_mostly_in_the_markets_language(
    feedback: pd.DataFrame, market: str, low: float, high: float
) -> None:
    lang = feedback[feedback.market == market].lang
    assert low <= lang.isin(LOCAL[market]).mean() <= high
    assert 0.1 <= (lang == "en").mean() <= 0.5  # the rest English or code-mixed


@pytest.mark.parametrize("market", ["US", "GB"])
def test_feedback_of_english_markets_is_english(feedback: pd.DataFrame, market: str) -> None:
    assert (feedback[feedback.market == market].lang == "en").mean() > 0.95


@pytest.mark.parametrize("market", sorted(LOCAL))
def test_auditors_write_mostly_english_some_local(audits: pd.DataFrame, market: str) -> None:
    lang = audits[audits.market == market].lang
    assert (lang == "en").mean() > 0.65
    assert 0.08 <= lang.isin(LOCAL[market]).mean() <= 0.35


def test_outdated_macro_is_written_in_several_languages(
    audits: pd.DataFrame, truth: dict[str, Any]
) -> None:
    rc = cause(truth, "outdated_macro")
    rows = audits.loc[audits.index.intersection(rc["row_ids"])]
    counts = rows.lang.value_counts()
    assert len(counts[counts >= 2]) >= 2, counts.to_dict()  # English and a local language
    local = rows[rows.lang != "en"].comment
    macro = rc["segment"]["macro"]
    assert local.str.contains(macro.removeprefix("MAC-"), case=False).mean() < 0.8  # not always


def test_missed_verification_is_written_in_several_languages(audits: pd.DataFrame) -> None:
    rows = audits[audits.error_category == "missed verification"]
    counts = rows.lang.value_counts()
    assert len(counts[counts >= 2]) >= 4, counts.to_dict()


@pytest.mark.parametrize("issue", ["KI-2041", "KI-2057", "KI-2063"])
def test_known_issues_are_reported_in_several_languages(
    feedback: pd.DataFrame, truth: dict[str, Any], issue: str
) -> None:
    entry = next(k for k in truth["known_issues"] if k["id"] == issue)
    rows = feedback.loc[feedback.index.intersection(entry["row_ids"])]
    assert rows.lang.nunique() >= 3, rows.lang.value_counts().to_dict()


@pytest.mark.parametrize(
    ("seed", "market"), [(0, "PH"), (2, "MY"), (3, "TH"), (9, "VN"), (15, "ID")]
)
def test_product_bug_is_reported_in_its_markets_language(
    tmp_path: Path, seed: int, market: str
) -> None:
    sample = generate_sample(tmp_path, months=2, seed=seed)
    truth = json.loads(sample.files["ground_truth"].read_text(encoding="utf-8"))
    rc = cause(truth, "product_bug")
    assert rc["segment"]["market"] == market
    feedback = read(sample.files["feedback"], "text").set_index("feedback_id")
    rows = feedback.loc[feedback.index.intersection(rc["row_ids"])]
    assert rows.lang.isin(LOCAL[market]).mean() > 0.4
    assert (rows.lang == "en").mean() > 0.1
    mentions = feedback.text.str.contains("|".join(rc["markers"]), case=False)
    segment = (feedback.market == market) & (feedback.date >= rc["start_date"])
    assert mentions[rows.index].mean() > 0.85
    assert mentions[segment].mean() > 10 * mentions[~segment].mean()
    assert rows.text.nunique() / len(rows) > 0.85


def test_personal_data_in_local_texts_is_redacted(
    feedback: pd.DataFrame, audits: pd.DataFrame, truth: dict[str, Any]
) -> None:
    texts = pd.concat([feedback.text, audits.comment])
    langs = pd.concat([feedback.lang, audits.lang])
    markets = pd.concat([feedback.market, audits.market])
    rows = {**truth["pii_rows"]["feedback"], **truth["pii_rows"]["audits"]}
    checked: set[str] = set()
    for row_id, types in rows.items():
        if row_id not in texts.index or not {"phone", "email"} & set(types):
            continue
        clean = redact(texts[row_id])
        assert not re.search(r"\d[\d ()\-]{7,}\d", clean), (texts[row_id], clean)
        assert "@example" not in clean and "@mail.example" not in clean, clean
        checked.add(markets[row_id])
        if langs[row_id] != "en":
            checked.add(langs[row_id])
    assert {"TH", "VN", "MY", "ID", "th", "vi"} <= checked


def test_thai_speakers_keep_their_particles(feedback: pd.DataFrame) -> None:
    thai = feedback[feedback.lang == "th"].text
    both = thai.str.contains("ครับ") & thai.str.contains("ค่ะ|คะ")
    assert len(thai) > 100 and both.mean() < 0.01
    assert not thai.str.contains("[\u0e00-\u0e7f] (?:ครับ|ค่ะ)").any()  # attached to a word


def test_every_language_has_every_bank() -> None:
    from rca.sample.locales import AUDIT_KEYS, FEEDBACK_KEYS, LOCALES

    assert set(LOCALES) == {"ms", "id", "tl", "th", "vi", "pt"}
    for code, loc in LOCALES.items():
        assert set(loc.feedback) == set(FEEDBACK_KEYS), code
        assert set(loc.audit) == set(AUDIT_KEYS), code
        banks = [*loc.feedback.values(), *loc.audit.values(), *loc.extras]
        assert all(len(bank) >= 2 for bank in banks), code
