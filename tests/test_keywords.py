"""How a theme is described: its label from keywords and the theme table."""

from __future__ import annotations

import numpy as np
import pytest

from rca.themes.keywords import (
    STOP_WORDS,
    KeywordAnalyzer,
    fit_keywords,
    keyword_documents,
    theme_info,
    theme_label,
)


@pytest.mark.parametrize(
    ("keywords", "n", "label"),
    [
        ([], 3, "Unlabelled"),
        (["", ""], 3, "Unlabelled"),
        (["refund", "money", "bank", "card"], 3, "Refund / money / bank"),
        (["otp code", "otp", "code", "sms", "login"], 3, "Otp code / sms / login"),
        (["refund", "refund money", "money"], 3, "Refund / refund money"),
        (["macro", "template"], 1, "Macro"),
    ],
)
def test_theme_label_joins_keywords_that_add_a_word(keywords, n, label):
    assert theme_label(keywords, n) == label


def test_theme_info_orders_by_size_and_quotes_the_most_typical_texts():
    themes = np.array([1, 0, 1, -1, 1, 0, -1, 2, 2])
    confidence = np.array([0.2, 0.9, 0.8, 0.0, 0.5, 0.4, 0.0, 0.7, 0.7])
    texts = [f"text {i}" for i in range(len(themes))]
    info = theme_info(themes, confidence, texts, None)
    assert list(info.columns) == ["theme_id", "theme_label", "size", "keywords", "examples"]
    assert list(info["theme_id"]) == [1, -1, 0, 2]  # largest first, ties by id
    assert list(info["size"]) == [3, 2, 2, 2]
    rows = info.set_index("theme_id")
    assert rows.loc[1, "examples"] == ["text 2", "text 4", "text 0"]  # most similar first
    assert rows.loc[2, "examples"] == ["text 7", "text 8"]  # ties keep the input order
    assert rows.loc[-1, "theme_label"] == "Unassigned"
    assert rows.loc[0, "theme_label"] == "Unlabelled" and rows.loc[0, "keywords"] == ""


def test_redaction_placeholders_are_never_keywords():
    assert {"email", "phone", "url", "handle", "card", "xxxx"} <= STOP_WORDS


#: One theme per language; each theme's texts say the same thing in that language (Malay and
#: Indonesian together, as a bug reported in both must be one theme).
MIXED = {
    0: ["kod pengesahan tidak sampai", "kod pengesahan saya tidak sampai lagi",
        "kode verifikasi tidak masuk", "kode verifikasi belum masuk yang sudah diminta",
        "saya tidak terima kod pengesahan"],
    1: ["não recebi o reembolso", "reembolso não caiu na conta", "cadê meu reembolso?",
        "o reembolso ainda não chegou", "quero o reembolso do pedido"],
    2: ["ไม่ได้รับรหัสยืนยันครับ", "รหัสยืนยันไม่มาค่ะ", "รอรหัสยืนยันนานมาก",
        "ส่งรหัสยืนยันอีกครั้งได้ไหม", "รหัสยืนยันไม่เข้า"],
    3: ["tôi không nhận được mã xác nhận", "mã xác nhận không đến",
        "chưa nhận được mã xác nhận ạ", "gửi lại mã xác nhận giúp tôi", "mã xác nhận bị lỗi"],
    4: ["hindi po dumating yung refund ko", "wala pa rin po yung refund",
        "refund ko hindi pa dumating", "kailan po darating ang refund",
        "yung refund ko po nasaan na"],
    5: ["my card has not arrived", "card delivery is late", "when will my new card arrive",
        "card still not delivered", "tracking my card delivery"],
}  # fmt: skip


@pytest.fixture(scope="module")
def mixed_keywords():
    texts = [t for group in MIXED.values() for t in group]
    labels = np.array([theme for theme, group in MIXED.items() for _ in group])
    emb = np.random.default_rng(0).normal(size=(len(texts), 8)).astype(np.float32)
    model, kept = fit_keywords(texts, emb, labels)
    assert (kept == labels).all()
    return {theme: [w for w, _ in model.get_topic(theme)][:10] for theme in MIXED}


@pytest.mark.parametrize(
    ("theme", "wanted", "unwanted"),
    [
        (0, {"kod", "kode", "pengesahan", "verifikasi", "kod pengesahan", "sampai"},
         {"tidak", "yang", "saya"}),
        (1, {"reembolso"}, {"não", "o", "do", "na"}),
        (2, {"รหัส", "ยืนยัน", "รหัส ยืนยัน"}, {"ไม่", "ครับ", "ค่ะ"}),
        (3, {"mã", "xác nhận", "mã xác"}, {"không", "được", "tôi"}),
        (4, {"refund", "dumating"}, {"po", "yung", "ko", "hindi", "ng"}),
        (5, {"delivery", "arrive"}, {"my", "card", "not"}),
    ],
)  # fmt: skip
def test_keywords_are_content_words_in_each_language(mixed_keywords, theme, wanted, unwanted):
    keywords = mixed_keywords[theme]
    assert wanted <= set(keywords), keywords
    assert not unwanted & {word for kw in keywords for word in kw.split()}, keywords


def test_keyword_documents_keep_each_text_apart():
    docs = keyword_documents(["kod pengesahan", "tidak sampai"], ["ms", "ms"])
    grams = KeywordAnalyzer()(" ".join(docs))  # how BERTopic joins a theme's texts
    assert grams == ["kod", "pengesahan", "kod pengesahan", "sampai"]  # no "pengesahan sampai"


def test_raw_texts_are_analyzed_like_keyword_documents():
    text = "Tôi không nhận được mã xác nhận"
    analyzer = KeywordAnalyzer()
    assert analyzer(text) == analyzer(keyword_documents([text], ["vi"])[0])
    assert "xác nhận" in analyzer(text)
