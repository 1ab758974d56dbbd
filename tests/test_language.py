"""Language detection: the market languages, Thai by script, too-short texts, MASSIVE accuracy."""

from __future__ import annotations

import pandas as pd
import pytest

from rca.text.language import MARKET_LANGUAGES, UNKNOWN, detect_language, detect_languages
from tests.conftest import SHARED_DATA


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


def test_answers_only_within_the_allowed_set() -> None:
    # Galician, Catalan and the like are folded into the market languages or left unknown.
    got = detect_languages(["Bo día, o meu cartón non chegou", "Bon dia, la meva targeta"])
    assert set(got) <= {*MARKET_LANGUAGES, UNKNOWN}
    assert detect_language("Meu cartão não chegou", languages=("en", "es")) in {"en", "es", UNKNOWN}


def test_repeated_texts_are_labelled_alike_and_in_order() -> None:
    texts = ["where is my parcel", "di mana paket saya", "where is my parcel"]
    assert detect_languages(texts) == ["en", "id", "en"]


FLOORS = [("en", 0.97), ("es", 0.93), ("pt", 0.85), ("id", 0.82)]


@pytest.mark.skipif(not (SHARED_DATA / "massive").exists(), reason="shared MASSIVE not present")
@pytest.mark.parametrize(("lang", "floor"), FLOORS)
def test_accuracy_on_massive(lang: str, floor: float) -> None:
    # Real utterances nobody on the project wrote; the file's language is the truth.
    texts = pd.read_csv(SHARED_DATA / "massive" / f"{lang}.csv")["text"].astype(str).tolist()[:1500]
    got = detect_languages(texts)
    assert sum(g == lang for g in got) / len(got) >= floor
