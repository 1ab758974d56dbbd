"""Language detection: every market language, Taglish, Malay vs Indonesian, short texts, MASSIVE."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rca.text.language import MARKET_LANGUAGES, UNKNOWN, detect_language, detect_languages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My verification code never arrived, I tried three times", "en"),
        ("Kode verifikasi tidak pernah masuk, sudah saya coba tiga kali", "id"),
        ("Thẻ của tôi vẫn chưa được giao, tôi đã chờ hai tuần rồi", "vi"),
        ("รหัสยืนยันไม่เคยมาถึงเลย ลองสามครั้งแล้ว", "th"),
        ("Meu código de verificação nunca chegou, tentei três vezes", "pt"),
        ("Mi código de verificación nunca llegó, lo intenté tres veces", "es"),
        ("ok", UNKNOWN),
        ("", UNKNOWN),
        ("12345 !!!", UNKNOWN),
    ],
)
def test_detects_market_languages(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Malay and Indonesian, told apart by the words only one of them uses
        ("Boleh tak awak semak kenapa kad saya belum sampai?", "ms"),
        ("Saya tak boleh log masuk kerana kata laluan salah", "ms"),
        ("Kenapa duit saya belum masuk sahaja?", "ms"),
        ("Kartu saya belum sampai, bisa tolong dicek?", "id"),
        ("Aplikasinya gak bisa dibuka karena error terus", "id"),
        ("Saya mau ganti nomor telepon", "id"),
        # Tagalog and Taglish (a whole-text model calls the first one English)
        ("Hindi pa dumating yung card ko po", "tl"),
        ("Pwede po ba i-cancel yung order ko", "tl"),
        ("Bakit ang tagal ng refund ko?", "tl"),
        ("Salamat po sa tulong ninyo", "tl"),
        # Vietnamese by its letters, Thai by its script, even with English words mixed in
        ("Tôi chưa nhận được mã OTP", "vi"),
        ("Đơn hàng của tôi bị hủy mà không báo trước", "vi"),
        ("แอปเด้งออกทุกครั้งที่กด checkout", "th"),
        ("ขอบคุณมากค่ะ", "th"),
        ("Meu cartão ainda não chegou", "pt"),
        ("Não consigo entrar na minha conta", "pt"),
        ("Mi tarjeta todavía no ha llegado", "es"),
        ("No puedo entrar a mi cuenta", "es"),
        ("The agent was very helpful, thank you", "en"),
        ("I was charged twice for the same order", "en"),
        ("👍👍", UNKNOWN),
        ("12/10", UNKNOWN),
    ],
)
def test_market_languages_taglish_and_malay_vs_indonesian(text: str, expected: str) -> None:
    assert detect_languages([text]) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "na" is Portuguese too: Portuguese with Tagalog-looking words stays Portuguese
        ("O que há na minha agenda na próxima semana", "pt"),
        # one Tagalog-looking word is not enough
        ("Ano is the code I should use?", "en"),
    ],
)
def test_taglish_rule_needs_two_tagalog_words(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_rules_respect_the_allowed_set() -> None:
    assert detect_language("Hindi pa dumating yung card ko po", languages=("en", "es")) != "tl"
    assert detect_language("Tôi chưa nhận được mã OTP", languages=("en", "pt")) != "vi"
    assert detect_language("ขอบคุณมากค่ะ", languages=("en", "ms")) != "th"


def test_answers_only_within_the_allowed_set() -> None:
    # Galician, Catalan and the like are folded into the market languages or left unknown.
    got = detect_languages(["Bo día, o meu cartón non chegou", "Bon dia, la meva targeta"])
    assert set(got) <= {*MARKET_LANGUAGES, UNKNOWN}
    assert detect_language("Meu cartão não chegou", languages=("en", "es")) in {"en", "es", UNKNOWN}


def test_repeated_texts_are_labelled_alike_and_in_order() -> None:
    texts = ["where is my parcel", "di mana paket saya", "where is my parcel"]
    assert detect_languages(texts) == ["en", "id", "en"]


# Odd rows were held out when the detector was tuned (benchmarks/language_id.py); measured
# 0.996, 0.976, 0.938, 0.919 on all odd rows.
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FLOORS = [("en", 0.98), ("es", 0.95), ("pt", 0.91), ("id", 0.89)]


@pytest.mark.skipif(not (SHARED_DATA / "massive").exists(), reason="shared MASSIVE not present")
@pytest.mark.parametrize(("lang", "floor"), FLOORS)
def test_accuracy_on_massive(lang: str, floor: float) -> None:
    # Real utterances nobody on the project wrote; the file's language is the truth.
    rows = pd.read_csv(SHARED_DATA / "massive" / f"{lang}.csv")["text"].astype(str)
    texts = rows.iloc[1::2].tolist()[:1500]
    got = detect_languages(texts)
    assert sum(g == lang for g in got) / len(got) >= floor
