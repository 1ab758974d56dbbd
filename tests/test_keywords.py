"""How a theme is described: its label from keywords and the theme table."""

from __future__ import annotations

import numpy as np
import pytest

from rca.themes.keywords import STOP_WORDS, theme_info, theme_label


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
