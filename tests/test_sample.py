from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import rca.sample
from rca.core.errors import ParameterError
from rca.ingest.schemas import KINDS, SCHEMAS
from rca.sample import SampleSummary, generate_sample

XSS = (
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "javascript:alert(document.cookie)",
)
TEXT = {"audits": ("audit_id", "comment"), "feedback": ("feedback_id", "text")}


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> SampleSummary:
    return generate_sample(tmp_path_factory.mktemp("sample"), months=3, seed=0)


@pytest.fixture(scope="session")
def truth(sample: SampleSummary) -> dict[str, Any]:
    return json.loads(sample.files["ground_truth"].read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def tables(sample: SampleSummary) -> dict[str, pd.DataFrame]:
    return {
        kind: pd.read_csv(sample.files[kind], dtype=str, keep_default_na=False) for kind in KINDS
    }


def cause(truth: dict[str, Any], type_: str) -> dict[str, Any]:
    return next(c for c in truth["root_causes"] if c["type"] == type_)


def numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column].replace("", None))


# --- API, files, determinism -------------------------------------------------------------------


def test_public_names() -> None:
    assert rca.sample.__all__ == ["DEFAULT_EFFECTS", "EFFECTS", "SampleSummary", "generate_sample"]


def test_files_and_summary(sample: SampleSummary, truth: dict[str, Any]) -> None:
    expected = {f"{k}.csv" for k in KINDS} | {"known_issues.csv", "ground_truth.json"}
    assert {p.name for p in sample.out_dir.iterdir()} == expected
    assert set(sample.files) == {*KINDS, "known_issues", "ground_truth"}
    assert sample.months == ["2026-08", "2026-09", "2026-10"] == truth["months"]
    assert sample.counts == truth["counts"]
    text = str(sample)
    assert text == sample.summary()
    assert "audits.csv" in text and f"{sample.counts['audits']:,}" in text


def test_same_seed_gives_identical_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    first = generate_sample(tmp_path / "a", months=2, seed=7)
    again = generate_sample(tmp_path / "b", months=2, seed=7)
    other = generate_sample(tmp_path / "c", months=2, seed=8)
    for kind, path in first.files.items():
        assert path.read_bytes() == again.files[kind].read_bytes(), kind
    assert first.files["audits"].read_bytes() != other.files["audits"].read_bytes()
    assert first.files["feedback"].read_bytes() != other.files["feedback"].read_bytes()
    types = [
        [c["type"] for c in json.loads(s.files["ground_truth"].read_text())["root_causes"]]
        for s in (first, other)
    ]
    assert types[0] == types[1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"months": 0}, "months"),
        ({"months": 37}, "months"),
        ({"seed": -1}, "seed"),
        ({"end": "2026-13"}, "YYYY-MM"),
        ({"end": "Oct 2026"}, "YYYY-MM"),
        ({"effects": "huge"}, "effects must be one of none, small, medium, large"),
        ({"volume": 0}, "volume"),
        ({"volume": 11}, "volume"),
    ],
)
def test_invalid_parameters(tmp_path: Path, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        generate_sample(tmp_path, **kwargs)


def test_end_sets_the_months(tmp_path: Path) -> None:
    summary = generate_sample(tmp_path, months=2, end="2025-01")
    assert summary.months == ["2024-12", "2025-01"]
    dates = pd.read_csv(summary.files["audits"], dtype=str)["audit_date"]
    assert dates.min() >= "2024-12-01" and dates.max() <= "2025-01-31"


# --- the data contract ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_columns_and_types_follow_the_schema(
    tables: dict[str, pd.DataFrame], sample: SampleSummary, kind: str
) -> None:
    frame = tables[kind]
    assert list(frame.columns) == [f.name for f in SCHEMAS[kind]]
    assert sample.files[kind].read_bytes().count(b"\r") == 0
    for field in SCHEMAS[kind]:
        values = frame[field.name]
        filled = values[values != ""]
        if not field.nullable:
            assert len(filled) == len(values), field.name
        if field.unique:
            assert values.is_unique, field.name
        if field.type == "date":
            assert filled.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), field.name
            pd.to_datetime(filled, format="%Y-%m-%d")
        elif field.type == "bool":
            assert set(filled) <= {"true", "false"}, field.name
        elif field.type == "float":
            parsed = pd.to_numeric(filled)
            if field.min is not None:
                assert parsed.min() >= field.min and parsed.max() <= field.max, field.name


def test_volumes_per_month(tables: dict[str, pd.DataFrame]) -> None:
    audits = tables["audits"].audit_date.str[:7].value_counts()
    feedback = tables["feedback"].date.str[:7].value_counts()
    ai = tables["ai_labels"].date.str[:7].value_counts()
    assert audits.between(1800, 2200).all()
    assert feedback.between(1300, 1800).all()
    assert ai.between(650, 950).all()
    cal = tables["calibration"]
    assert cal.session_id.str[4:11].nunique() == len(audits)
    assert (cal.groupby("session_id").case_id.nunique() == 10).all()
    assert cal.item.nunique() == 6 and cal.auditor.nunique() == 9
    assert set(cal[cal.is_expert == "true"].auditor) == {"qa_expert_01"}


def test_audit_scores_are_realistic(tables: dict[str, pd.DataFrame]) -> None:
    audits = tables["audits"]
    score = numbers(audits, "score")
    passed = audits.passed == "true"
    critical = audits.critical_error == "true"
    assert 0.7 < passed.mean() < 0.9
    assert 0.02 < critical.mean() < 0.06
    assert not (passed & critical).any()
    known = score.notna()
    assert ((score[known] >= 85) & ~critical[known] == passed[known]).all()
    assert (audits.error_category[passed & (score == 100)] == "").all()
    assert 0.4 < (audits.macro_id != "").mean() < 0.8
    assert audits.agent.nunique() >= 38 and audits.auditor.nunique() == 8


# --- planted causes ----------------------------------------------------------------------------


def test_outdated_macro(tables: dict[str, pd.DataFrame], truth: dict[str, Any]) -> None:
    rc = cause(truth, "outdated_macro")
    audits = tables["audits"]
    macro = rc["segment"]["macro"]
    uses = audits[(audits.queue == rc["segment"]["queue"]) & (audits.macro_id == macro)]
    after = uses.audit_date >= rc["start_date"]
    fail_before = (uses.passed[~after] == "false").mean()
    fail_after = (uses.passed[after] == "false").mean()
    assert fail_after > 2 * fail_before and fail_after - fail_before > 0.25
    rows = audits.set_index("audit_id").loc[rc["row_ids"]]
    assert (rows.audit_date >= rc["start_date"]).all()
    assert set(rows.error_category) <= set(rc["error_categories"])
    assert rows.comment.nunique() / len(rows) > 0.9
    # the comments name the macro (its id, "the macro", "the template") sometimes, not always
    named = rows.comment.str.contains(rf"macro|template|{macro}", case=False).mean()
    assert 0.1 < named < 0.8, named
    assert 0.05 < rows.comment.str.contains(macro.removeprefix("MAC-"), case=False).mean() < 0.6


def test_product_bug(
    tables: dict[str, pd.DataFrame], truth: dict[str, Any], sample: SampleSummary
) -> None:
    rc = cause(truth, "product_bug")
    feedback = tables["feedback"].set_index("feedback_id")
    rows = feedback.loc[rc["row_ids"]]
    assert len(rows) > 60
    assert rc["first_month"] == sample.months[-1]
    assert (rows.date.str[:7] == sample.months[-1]).all()
    assert (rows.market == rc["segment"]["market"]).all()
    assert numbers(rows, "rating").mean() < 2.0
    assert (rows.agent_label == "bug").mean() > 0.5
    mentions = feedback.text.str.contains("|".join(rc["markers"]), case=False)
    segment = (feedback.market == rc["segment"]["market"]) & (feedback.date >= rc["start_date"])
    assert mentions[segment].mean() > 10 * mentions[~segment].mean()
    assert mentions[rc["row_ids"]].mean() > 0.85
    assert rows.text.nunique() / len(rows) > 0.9
    known = pd.read_csv(sample.files["known_issues"], dtype=str)
    assert not known.keywords.str.contains("otp|sms|code", case=False).any()


def test_known_issues(
    tables: dict[str, pd.DataFrame], truth: dict[str, Any], sample: SampleSummary
) -> None:
    known = pd.read_csv(sample.files["known_issues"], dtype=str)
    assert list(known.columns) == ["id", "title", "keywords"] and 2 <= len(known) <= 3
    text = tables["feedback"].set_index("feedback_id").text
    for issue, entry in zip(known.itertuples(), truth["known_issues"], strict=True):
        assert entry["id"] == issue.id
        keywords = issue.keywords.split(";")
        rows = text.loc[entry["row_ids"]]
        assert len(rows) > 20
        hits = rows.str.lower().apply(lambda t, k=keywords: any(w in t for w in k))
        assert hits.mean() > 0.6


def test_new_agent_cohort(tables: dict[str, pd.DataFrame], truth: dict[str, Any]) -> None:
    rc = cause(truth, "new_agent_cohort")
    audits = tables["audits"]
    agents = rc["segment"]["agents"]
    assert len(agents) == 6
    cohort = audits[audits.agent.isin(agents)]
    assert set(cohort.team) <= {rc["segment"]["team"], ""}
    starts = pd.to_datetime(pd.Series(rc["agent_start_dates"]))
    assert (starts.max() - starts.min()).days <= 40
    assert set(cohort.agent_start_date) == set(rc["agent_start_dates"].values())
    missed = audits.error_category == "missed verification"
    rate_cohort = missed[audits.agent.isin(agents)].mean()
    rate_others = missed[~audits.agent.isin(agents)].mean()
    assert rate_cohort > 5 * rate_others


def test_lenient_auditor(tables: dict[str, pd.DataFrame], truth: dict[str, Any]) -> None:
    lenient = cause(truth, "lenient_auditor")["segment"]["auditor"]
    cal = tables["calibration"].assign(rating=lambda d: pd.to_numeric(d.rating))
    expert = cal[cal.is_expert == "true"].set_index(["session_id", "case_id", "item"]).rating
    rated = cal[cal.is_expert == "false"].join(expert.rename("ref"), on=expert.index.names)
    scale = rated[~rated.item.isin(["greeting", "verification"])]
    gap = (scale.rating - scale.ref).groupby(scale.auditor).mean()
    assert gap[lenient] > 0.5
    assert gap.drop(lenient).abs().max() < 0.4
    fails = rated[rated.item.isin(["greeting", "verification"]) & (rated.ref == 0)]
    passes_failed = fails.rating.groupby(fails.auditor).mean()
    assert passes_failed[lenient] > 2 * passes_failed.drop(lenient).max()


def test_disputed_rubric_item(tables: dict[str, pd.DataFrame], truth: dict[str, Any]) -> None:
    item = cause(truth, "disputed_rubric_item")["segment"]["item"]
    cal = tables["calibration"].assign(rating=lambda d: pd.to_numeric(d.rating))
    spread = cal.groupby(["session_id", "case_id", "item"]).rating.std().groupby("item").mean()
    assert spread.idxmax() == item
    assert spread[item] > 1.5 * spread.drop(item).max()


def test_ai_confusion(tables: dict[str, pd.DataFrame], truth: dict[str, Any]) -> None:
    rc = cause(truth, "ai_confusion")
    ai = tables["ai_labels"]
    assert 0.84 < (ai.model_label == ai.gold_label).mean() < 0.92
    matrix = pd.crosstab(ai.gold_label, ai.model_label).stack()
    off = matrix[[g != m for g, m in matrix.index]].sort_values(ascending=False)
    pair = (rc["segment"]["gold_label"], rc["segment"]["model_label"])
    assert off.index[0] == pair and off.iloc[0] > 3 * off.iloc[1]
    notes = ai.set_index("item_id").loc[rc["row_ids"]].note
    notes = notes[notes != ""]
    assert len(notes) > 0.5 * len(rc["row_ids"])
    words = [*pair, "HS", "misinfo", "threat", "benign", "violation", "protected", "insult",
             "attack", "slur"]  # fmt: skip
    pattern = "|".join(re.escape(w) for w in words)
    assert notes.str.contains(pattern, case=False).mean() > 0.85


# --- PII, XSS and text realism --------------------------------------------------------------------

PII_PATTERNS = {
    "email": r"[\w.]+@(?:example\.(?:com|org|net)|mail\.example)",
    "phone": r"\+?\(?\d[\d ()\-]{7,}\d",
    "handle": r"@[a-z][\w.]+",
    "account_number": r"(?:order|acct|account|Order)[^\d]{0,6}[AB]?\d{7,8}",
    "card_number": r"\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}",
}


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def test_pii_rows(tables: dict[str, pd.DataFrame], truth: dict[str, Any]) -> None:
    text_col = {**{k: v[1] for k, v in TEXT.items()}, "ai_labels": "note"}
    id_col = {**{k: v[0] for k, v in TEXT.items()}, "ai_labels": "item_id"}
    found: set[str] = set()
    cards: list[str] = []
    for kind, rows in truth["pii_rows"].items():
        texts = tables[kind].set_index(id_col[kind])[text_col[kind]]
        filled = (texts != "").sum()
        assert len(rows) > 0
        if kind != "ai_labels":
            assert 0.03 < len(rows) / filled < 0.1, kind
        for row_id, types in rows.items():
            for type_ in types:
                match = re.search(PII_PATTERNS[type_], texts[row_id], flags=re.IGNORECASE)
                assert match, (row_id, type_, texts[row_id])
                found.add(type_)
                if type_ == "card_number":
                    cards.append(re.sub(r"\D", "", match.group()))
    assert found == set(PII_PATTERNS)
    assert any(luhn_ok(c) for c in cards) and not all(luhn_ok(c) for c in cards)


def test_xss_rows(tables: dict[str, pd.DataFrame], truth: dict[str, Any]) -> None:
    assert truth["xss_payloads"] == list(XSS)
    seen = set()
    for kind, (id_col, text_col) in TEXT.items():
        texts = tables[kind].set_index(id_col)[text_col]
        listed = truth["xss_rows"][kind]
        assert 2 <= len(listed) <= 0.005 * len(texts)
        has = texts.apply(lambda t: any(p in t for p in XSS))
        assert set(has[has].index) == set(listed)
        seen |= {p for t in texts.loc[listed] for p in XSS if p in t}
    assert seen == set(XSS)


@pytest.mark.parametrize(("kind", "ratio"), [("audits", 0.8), ("feedback", 0.85)])
def test_text_variety(tables: dict[str, pd.DataFrame], kind: str, ratio: float) -> None:
    texts = tables[kind][TEXT[kind][1]]
    filled = texts[texts != ""]
    assert 0.02 < 1 - len(filled) / len(texts) < 0.5  # some blank, most filled
    assert filled.nunique() / len(filled) > ratio
    words = filled.str.split().str.len()
    assert words.min() <= 3 and words.max() >= 30
    letters = filled[filled.str.contains("[a-z]", case=False)]
    assert (letters == letters.str.upper()).mean() > 0.005  # ALL CAPS
    assert (letters == letters.str.lower()).mean() > 0.05
    assert filled.str.contains("[\U0001f300-\U0001faff]").mean() > 0.01  # emoji


def test_code_switching_in_local_markets(tables: dict[str, pd.DataFrame]) -> None:
    feedback = tables["feedback"]
    local = {
        "ID": r"banget|tolong|udah|makasih|gimana",
        "MY": r"tolong la|lama sangat|terima kasih|tak guna",
        "PH": r"salamat|po\b|nakakainis|ang tagal",
        "BR": r"obrigado|demora|atendimento|ninguém",
    }
    for market, pattern in local.items():
        share = feedback[feedback.market == market].text.str.contains(pattern, case=False).mean()
        assert share > 0.05, market
    english = feedback[feedback.market.isin(["US", "GB"])].text
    assert english.str.contains(r"banget|obrigado|salamat", case=False).mean() < 0.01


@pytest.mark.parametrize("kind", KINDS)
def test_files_pass_the_project_validator(sample: SampleSummary, kind: str) -> None:
    from rca.ingest.validate import validate_file

    result = validate_file(sample.files[kind], kind)
    assert result.n_quarantined == 0 and not result.problems
    assert result.n_rows == sample.counts[kind]
