from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from rca.reports.fragments import theme_name
from rca.text.language import detect_languages
from rca.text.tokens import stop_words, tokenize
from rca.themes.curation_file import Curation, rename, save_curation, theme_key
from rca.themes.embedders import FakeEmbedder, TfidfEmbedder
from rca.themes.find import find_themes
from rca.themes.naming import NAME_STOP_WORDS, mmr, name_theme_info, theme_names
from rca.themes.vectors import unit_rows

CODE = [
    "My verification code is not arriving",
    "the verification code not arriving again!",
    "Verification code never arrives, please help",
    "still no luck: verification code not arriving for 2 days",
    "verification code not arriving on my new phone",
    "Why is the verification code not arriving?",
]
REFUND = [
    "I want a refund for my order",
    "refund for my order please",
    "Where is the refund for my order?",
    "refund not received after two weeks",
    "no refund for my order yet",
]
MIXED = ["banana", "thunderstorm tonight", "violin lessons", "x"]
FALLBACK = {0: "Code / verification", 1: "Refund / order", 2: "Banana / violin", -1: "Unassigned"}


def fit_names(texts, themes, embedder=None, **options):
    """Name themes the way ThemeModel does: centroids from the embedder's vectors."""
    embedder = embedder or FakeEmbedder()
    themes = np.asarray(themes)
    vecs = unit_rows(embedder.embed(texts))
    centroids = {}
    for t in sorted(set(themes.tolist()) - {-1}):
        c = vecs[themes == t].mean(axis=0)
        centroids[t] = c / np.linalg.norm(c)
    fallback = {t: FALLBACK[t] for t in [*centroids, -1]}
    return theme_names(texts, themes, centroids, embedder, fallback, **options)


@pytest.fixture(scope="module")
def corpus():
    texts = CODE + REFUND + MIXED
    themes = [0] * len(CODE) + [1] * len(REFUND) + [2] * len(MIXED)
    return texts, themes


def _edges_are_content_words(name):
    words = [w.lower().replace("'", "") for w in name.split()]
    stop = ENGLISH_STOP_WORDS | NAME_STOP_WORDS
    return words[0] not in stop and words[-1] not in stop


@pytest.mark.parametrize("embedder", [FakeEmbedder(), TfidfEmbedder()], ids=["fake", "tfidf"])
def test_name_is_a_phrase_of_the_theme(corpus, embedder):
    texts, themes = corpus
    names = fit_names(texts, themes, embedder)
    for t, members in [(0, CODE), (1, REFUND)]:
        name = names[t]
        assert any(name.lower() in m.lower() for m in members), name
        assert 2 <= len(name.split()) <= 5
        assert name[0].isupper() and name[1:] == name[1:].lower()
        assert _edges_are_content_words(name)
    assert "verification code" in names[0].lower()
    assert "refund" in names[1].lower()


def test_theme_without_a_shared_phrase_keeps_its_keyword_label(corpus):
    texts, themes = corpus
    names = fit_names(texts, themes)
    assert names[2] == FALLBACK[2] and names[-1] == "Unassigned"


def test_names_are_deterministic_and_ignore_text_order(corpus):
    texts, themes = corpus
    first = fit_names(texts, themes)
    pairs = list(zip(texts, themes, strict=True))
    random.Random(3).shuffle(pairs)
    shuffled = fit_names([p[0] for p in pairs], [p[1] for p in pairs])
    assert first == fit_names(texts, themes) == shuffled


def test_two_themes_do_not_share_a_name():
    texts = CODE + [t.upper() if i % 2 else t for i, t in enumerate(CODE)]
    themes = [0] * len(CODE) + [1] * len(CODE)
    names = fit_names(texts, themes)
    assert names[0].lower() != names[1].lower()
    assert "verification code" in names[0].lower()


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["cannot upload my ID photo", "ID photo rejected twice", "the ID photo is blurry"],
         "ID photo"),
        (["REMOVED OFF MY credit", "removed off my credit", "removed off my credit"],
         "Removed off my credit"),
        (["Card PIN blocked", "card PIN blocked again", "my card PIN blocked"], "Card PIN blocked"),
        (["the money I transferred", "money I transferred is gone", "money i transferred"],
         "Money I transferred"),
    ],
)  # fmt: skip
def test_only_acronyms_keep_their_capitals(texts, expected):
    assert fit_names(texts, [0] * len(texts))[0] == expected


def test_placeholders_and_punctuation_break_phrases():
    texts = ["refund [EMAIL] sent twice", "refund [EMAIL] sent", "refund. sent", "refund, sent"]
    names = fit_names(texts, [0, 0, 0, 0])
    assert names[0] == FALLBACK[0]


# Themes in the markets' languages: (language, texts, the name).
IN_LANGUAGES = [
    ("th", ["รหัสยืนยันไม่มาเลยค่ะ", "ยังไม่ได้รับรหัสยืนยันทาง SMS", "รหัสยืนยันไม่มาที่โทรศัพท์",
            "ทำไมรหัสยืนยันไม่มา", "รหัสยืนยันไม่เข้าเลย"], "รหัสยืนยัน"),
    ("th", ["โอนเงินไม่เข้าบัญชีปลายทาง", "โอนเงินแล้วแต่ไม่เข้าบัญชีปลายทาง",
            "ทำไมโอนเงินไม่เข้าบัญชีปลายทางค่ะ", "เงินไม่เข้าบัญชีปลายทาง"],
     "เงินไม่เข้าบัญชีปลายทาง"),
    ("th", ["ยังไม่ได้รับOTPเลย", "ไม่ได้รับ OTP ค่ะ", "ทำไมไม่ได้รับ OTP", "ไม่ได้รับ OTP สักที"],
     "ได้รับ OTP"),
    ("id", ["saldo di aplikasi tidak berubah", "kenapa saldo di aplikasi tidak berubah",
            "saldo di aplikasi yang tidak update", "saldo di aplikasi tidak berubah juga",
            "yang saldo di aplikasi"],
     "Saldo di aplikasi"),
    ("ms", ["tidak dapat kod pengesahan", "saya tidak dapat kod pengesahan di telefon",
            "kenapa tidak dapat kod pengesahan", "masih tidak dapat kod pengesahan yang"],
     "Kod pengesahan"),
    ("vi", ["Mã xác nhận không đến điện thoại", "tôi không nhận được mã xác nhận",
            "mã xác nhận không đến", "sao mã xác nhận không về", "chưa nhận được mã xác nhận ạ"],
     "Mã xác nhận"),
    ("pt", ["Não recebi o código de verificação", "o código de verificação não chegou",
            "código de verificação não chega", "cadê o código de verificação?"],
     "Código de verificação"),
    ("tl", ["hindi dumating yung verification code ko po", "wala pa rin yung verification code",
            "bakit hindi dumating ang verification code", "verification code hindi dumating"],
     "Verification code"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "texts", "expected"), IN_LANGUAGES)
def test_names_in_the_markets_languages(language, texts, expected):
    name = fit_names(texts, [0] * len(texts))[0]
    assert name == expected
    assert any(name.lower() in t.lower() for t in texts) or language == "th", name
    words = tokenize(name, language, keep_stop_words=True)
    assert 2 <= len(words) <= 4
    stop = stop_words(language) | {"yang", "tidak", "di", "não", "không", "yung", "ang"}
    assert words[0] not in stop and words[-1] not in stop


def test_thai_names_are_segmented_words_written_without_spaces():
    for _, texts, _ in (case for case in IN_LANGUAGES if case[0] == "th"):
        name = fit_names(texts, [0] * len(texts))[0]
        thai = name.replace(" OTP", "")
        assert " " not in thai and any(thai in t for t in texts), name
        assert "".join(tokenize(thai, "th", keep_stop_words=True)) == thai


def test_thai_phrases_do_not_cross_spaces():
    joined = ["บัตรเครดิตถูกล็อค", "บัตรเครดิตถูกล็อคแล้ว", "ทำไมบัตรเครดิตถูกล็อค"]
    spaced = [t.replace("บัตรเครดิต", "บัตรเครดิต ") for t in joined]
    assert fit_names(joined, [0, 0, 0])[0] == "บัตรเครดิตถูกล็อค"
    assert fit_names(spaced, [0, 0, 0])[0] == FALLBACK[0]


def test_languages_can_be_given_or_detected():
    texts = [t for _, group, _ in IN_LANGUAGES[3:] for t in group]
    themes = np.repeat(np.arange(len(IN_LANGUAGES) - 3), [len(g) for _, g, _ in IN_LANGUAGES[3:]])
    themes = np.where(themes < 3, themes, -1)  # three themes, the rest unassigned
    detected = fit_names(texts, themes)
    assert detected == fit_names(texts, themes, languages=detect_languages(texts))
    assert [detected[t] for t in range(3)] == [e for _, _, e in IN_LANGUAGES[3:6]]
    # As English, "tidak" is no stop word: the Indonesian name would end on it.
    assert fit_names(texts, themes, languages=["en"] * len(texts))[0] == "Saldo di aplikasi tidak"
    with pytest.raises(ValueError, match="languages"):
        fit_names(texts, themes, languages=["id"])


def test_theme_info_names_take_languages(planted_themes):
    texts, info, model = _planted(), planted_themes.theme_info, planted_themes.model
    keywords = info.drop(columns="keyword_label").assign(theme_label=info["keyword_label"])
    args = (keywords, texts, model.themes_, model.centroids_, FakeEmbedder())
    out = name_theme_info(*args, languages=["en"] * len(texts))
    assert out["theme_label"].tolist() == info["theme_label"].tolist()
    with pytest.raises(ValueError, match="languages"):
        name_theme_info(*args, languages=["en"])


@pytest.mark.parametrize(
    ("relevance", "vectors", "diversity", "expected"),
    [
        ([0.9, 0.8, 0.1], [[1, 0], [1, 0], [0, 1]], 0.0, [0, 1, 2]),
        ([0.9, 0.8, 0.1], [[1, 0], [1, 0], [0, 1]], 0.5, [0, 2, 1]),
        ([0.5, 0.5], [[1, 0], [0, 1]], 0.5, [0, 1]),
    ],
)
def test_mmr(relevance, vectors, diversity, expected):
    got = mmr(np.array(relevance), np.array(vectors, dtype=float), top_n=3, diversity=diversity)
    assert got == expected


def _planted(n=30):
    rng = random.Random(0)
    code = ["verification code not arriving", "the sms code never came", "no otp text"]
    refund = ["refund for my order", "money back for the order", "refund still pending"]
    out = []
    for i in range(n):
        out.append(f"{rng.choice(code)} {rng.choice(['today', 'again', 'since monday'])} {i}")
        out.append(f"{rng.choice(refund)} {rng.choice(['please', 'asap', 'this week'])} {i}")
    return out


@pytest.fixture(scope="module")
def planted_themes():
    return find_themes(_planted(), embedder="fake", n_themes=2)


def test_theme_info_has_readable_names_and_keeps_the_keyword_label(planted_themes):
    info = planted_themes.theme_info.set_index("theme_id").drop(index=-1, errors="ignore")
    assert {"theme_label", "keyword_label", "keywords"} <= set(info.columns)
    assert (info["theme_label"] != info["keyword_label"]).all()
    assert info["keyword_label"].str.contains(" / ").all()
    texts = " | ".join(_planted()).lower()
    assert all(name.lower() in texts for name in info["theme_label"])


def test_curated_names_win_over_readable_names(planted_themes, tmp_path):
    info = planted_themes.theme_info
    row = info[info["theme_id"] != -1].iloc[0]
    path = save_curation(rename(Curation(), theme_key(row), "Curated name"), tmp_path / "c.yaml")
    curated = find_themes(_planted(), embedder="fake", n_themes=2, curation=path)
    labels = curated.theme_info.set_index("theme_id")["theme_label"]
    assert labels[row["theme_id"]] == "Curated name"
    assert curated.unmatched_curation == []


@pytest.mark.parametrize(
    ("label", "keywords", "expected"),
    [
        ("Code not arriving", "code, sms", "Code not arriving<br><small"),
        ("<b>x</b>", "<script>alert(1)</script>", "&lt;b&gt;x&lt;/b&gt;"),
        ("Refund", "", "Refund"),
    ],
)
def test_theme_name_fragment_is_escaped(label, keywords, expected):
    html = str(theme_name(label, keywords))
    assert html.startswith(expected)
    assert "<script>" not in html and "<b>" not in html
    if not keywords:
        assert "<small" not in html


def test_theme_tables_show_keywords_under_the_escaped_name():
    import pandas as pd

    import rca.reports.ai_labels as ai
    import rca.reports.fragments as rr

    xss = "<img src=x onerror=alert(1)>"
    themes = pd.DataFrame(
        {"theme_id": [0], "theme_label": [xss], "size": [4], "keywords": [f"otp, {xss}"],
         "examples": [["fine"]]}
    )  # fmt: skip
    shares = pd.DataFrame({"theme_id": [0], "theme_label": [xss], "share": [0.5]})
    for out in (ai.themes_table(themes).data, rr.theme_examples(shares, themes).data):
        assert "<img" not in out
        assert f'<small class="rca-kw">otp, {rr.esc(xss)}</small>' in out
