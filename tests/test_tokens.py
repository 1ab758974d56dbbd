"""Words of a text in its own language: tokenizer, Thai segmentation, stop words per language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from rca.text.tokens import (
    KEPT_WORDS,
    STOP_WORD_LANGUAGES,
    ngrams,
    stop_words,
    tokenize,
    tokenize_texts,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("text", "language", "words"),
    [
        # Thai has no spaces: segmented into words; the particle and "not" are stop words.
        ("ไม่ได้รับรหัสยืนยันครับ", "th", ["ได้รับ", "รหัส", "ยืนยัน"]),
        # Thai inside an English text is segmented too, and its stop words go.
        ("my OTP รหัสยืนยันไม่มา never came", "en", ["otp", "รหัส", "ยืนยัน", "came"]),
        # Vietnamese syllables keep their diacritics; "không", "được", "của" are stop words.
        ("Tôi không nhận được mã xác nhận của ngân hàng", "vi",
         ["nhận", "mã", "xác", "nhận", "ngân", "hàng"]),
        # Multi-word Vietnamese stop phrases ("cảm ơn") go as a whole.
        ("Cảm ơn shop, mã xác nhận bị lỗi", "vi", ["mã", "xác", "nhận", "lỗi"]),
        ("Não recebi o código de verificação", "pt", ["recebi", "código", "verificação"]),
        ("No me llegó el código a mi cuenta", "es", ["llegó", "código", "cuenta"]),
        ("Kod pengesahan TIDAK sampai lagi", "ms", ["kod", "pengesahan", "sampai"]),
        ("kode verifikasi yang tidak masuk di aplikasi", "id",
         ["kode", "verifikasi", "masuk", "aplikasi"]),
        # Taglish: English content words stay, Tagalog particles go.
        ("Hindi po dumating yung OTP code ko sa phone", "tl", ["dumating", "otp", "code"]),
        ("Hindi po dumating yung OTP code ko", "en", ["dumating", "otp", "code"]),
        # Placeholders, digits, punctuation and one-letter words go; apostrophes and hyphens
        # join ("don't" is the stop word "dont", "top-up" one word).
        ("I don't see my top-up [EMAIL] #12345 x", "en", ["topup"]),
        # Unknown language: every list applies.
        ("po yang não", "und", []),
    ],
)  # fmt: skip
def test_tokenize_keeps_content_words_in_each_language(text, language, words):
    assert tokenize(text, language) == words


def test_decomposed_accents_are_composed_and_kept():
    nfd = unicodedata.normalize("NFD", "código não chegou")
    assert tokenize(nfd, "pt", keep_stop_words=True) == ["código", "não", "chegou"]


def test_keep_stop_words_keeps_every_word_in_order():
    assert tokenize("Kod pengesahan tidak sampai", "ms", keep_stop_words=True) == [
        "kod", "pengesahan", "tidak", "sampai",
    ]  # fmt: skip
    assert tokenize("ไม่ได้รับรหัส", "th", keep_stop_words=True) == ["ไม่", "ได้รับ", "รหัส"]


@pytest.mark.parametrize(
    ("language", "word"),
    [
        ("en", "the"), ("en", "email"), ("en", "po"), ("ms", "yang"), ("ms", "tidak"),
        ("id", "yang"), ("id", "tidak"), ("id", "nak"), ("tl", "ng"), ("tl", "po"),
        ("tl", "the"), ("th", "ครับ"), ("th", "ไม่"), ("vi", "của"), ("vi", "không"),
        ("vi", "cảm ơn"), ("pt", "não"), ("pt", "de"), ("pt", "vc"), ("es", "el"), ("es", "que"),
        ("und", "yang"), ("und", "của"),
    ],
)  # fmt: skip
def test_function_words_are_stop_words(language, word):
    assert word in stop_words(language)


@pytest.mark.parametrize(
    ("language", "word"),
    [
        ("ms", "bank"), ("ms", "wang"), ("ms", "pelanggan"), ("id", "sampai"), ("id", "masalah"),
        ("th", "ยืนยัน"), ("th", "รับ"), ("vi", "nhận"), ("vi", "thời gian"), ("pt", "sistema"),
        ("pt", "valor"), ("es", "cuenta"), ("es", "llegó"),
    ],
)  # fmt: skip
def test_content_words_of_support_text_are_taken_out_of_the_lists(language, word):
    assert word in KEPT_WORDS[language]
    assert word not in stop_words(language)


@pytest.mark.parametrize("language", [*STOP_WORD_LANGUAGES, "und"])
@pytest.mark.parametrize("word", ["refund", "otp", "code", "kartu", "kad", "reembolso", "mã"])
def test_support_content_words_are_never_stop_words(language, word):
    assert word not in stop_words(language)


def test_tokenize_texts_detects_languages_when_not_given():
    texts = ["kode verifikasi tidak masuk", "não recebi o código", "kode verifikasi tidak masuk"]
    detected = tokenize_texts(texts)
    assert detected == tokenize_texts(texts, ["id", "pt", "id"])
    assert detected[0] == ["kode", "verifikasi", "masuk"]
    assert detected[1] == ["recebi", "código"]
    with pytest.raises(ValueError, match="2 languages for 3 texts"):
        tokenize_texts(texts, ["id", "pt"])


@pytest.mark.parametrize(
    ("words", "n_max", "grams"),
    [
        ([], 2, []),
        (["mã"], 2, ["mã"]),
        (["mã", "xác", "nhận"], 2, ["mã", "xác", "nhận", "mã xác", "xác nhận"]),
        (["a", "b", "c"], 3, ["a", "b", "c", "a b", "b c", "a b c"]),
        (["a", "b"], 1, ["a", "b"]),
    ],
)
def test_ngrams(words, n_max, grams):
    assert ngrams(words, n_max) == grams


def test_thai_segmentation_is_offline_and_writes_nothing(tmp_path):
    """In a fresh process with sockets refused and an empty home, Thai still segments."""
    code = (
        "import json, sys\n"
        "def refuse(event, args):\n"
        "    if event.startswith(('socket.connect', 'socket.getaddrinfo', 'urllib.Request')):\n"
        "        raise OSError(f'network used: {event}')\n"
        "sys.addaudithook(refuse)\n"
        "from rca.text.tokens import tokenize\n"
        "print(json.dumps(tokenize('โอนเงินผิดบัญชีครับ', 'th')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHAINLP")}
    env.update(HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == ["โอน", "เงิน", "ผิด", "บัญชี"]
    assert list(tmp_path.iterdir()) == []  # no ~/pythainlp-data, nothing downloaded
