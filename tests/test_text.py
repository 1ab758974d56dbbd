from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rca.text.clean
from rca.text.clean import clean_series, clean_text

CLEANED = [
    # entities, including double-encoded ones
    ("Fish &amp; chips", "Fish & chips"),
    ("wait&nbsp;time", "wait time"),
    ("agent&#39;s reply", "agent's reply"),
    ("a&amp;nbsp;b", "a b"),
    ("&lt;3 this app", "<3 this app"),
    # Unicode normalisation
    ("ＦＵＬＬ width", "FULL width"),
    ("ﬁle nº ①", "file no 1"),
    # rich-text formatting
    ("line one<br>line two<br/>three<BR />four", "line one line two three four"),
    ("<p>one</p><p>two</p>", "one two"),
    ("<div class='x'>block</div>next", "block next"),
    ("<ul><li>a</li><li>b</li></ul>", "a b"),
    ("<b>bold</b> <i>it</i> <u>u</u> <strong>s</strong> <em>e</em>", "bold it u s e"),
    ('<span style="color:red">red</span> <font face="Arial" size=2>f</font>', "red f"),
    ("re<b>fun</b>d", "refund"),
    # boilerplate
    ("Please refund. -----Original Message----- From: x@y.com Sent: Monday", "Please refund."),
    ("Please refund.\n\n--- Original Message ---\nold text", "Please refund."),
    ("Where is my order?\nSent from my iPhone", "Where is my order?"),
    ("Where is my order?\n\nSent from my Samsung Galaxy smartphone.", "Where is my order?"),
    ("Help pls\nGet Outlook for Android", "Help pls"),
    ("I sent from my iPhone the screenshot", "I sent from my iPhone the screenshot"),
    ("Auditor comment: wrong macro", "wrong macro"),
    ("Comment: wrong macro", "wrong macro"),
    ("comment : Comment: twice", "twice"),
    ("Labeller note: ambiguous", "ambiguous"),
    ("The comment: was unclear", "The comment: was unclear"),
    # invisible characters and whitespace
    ("zero\u200bwidth\ufeff here\u2060", "zerowidth here"),
    ("  lots \t of\n\n  space  ", "lots of space"),
    ("soft\u00adhyphen", "softhyphen"),
    ("bell\x07char", "bell char"),
    # kept as they are
    ("Great service 😀👍", "Great service 😀👍"),
    ("family 👨\u200d👩\u200d👧 emoji", "family 👨\u200d👩\u200d👧 emoji"),
    ("MiXeD Case KEPT", "MiXeD Case KEPT"),
    ("Refund of $1,250.00 on 2026-03-04", "Refund of $1,250.00 on 2026-03-04"),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), CLEANED)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), CLEANED)
def test_clean_text_is_idempotent(raw: str, expected: str) -> None:
    assert clean_text(expected) == expected


XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "<iframe src=javascript:alert(1)></iframe>",
    "javascript:alert(document.cookie)",
    "<body onload=alert(1)>",
    "<scr<script>ipt>alert(1)</script>",
]


@pytest.mark.parametrize("payload", XSS)
def test_markup_that_is_not_formatting_is_kept_as_text(payload: str) -> None:
    assert clean_text(f"user wrote {payload} here") == f"user wrote {payload} here"


@pytest.mark.parametrize(
    "raw",
    ["<b onmouseover=alert(1)>hi", "<span onclick='alert(1)'>x", '<font color="javascript:x">'],
)
def test_formatting_tag_with_code_in_it_is_kept(raw: str) -> None:
    assert clean_text(raw) == raw


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA])
def test_clean_text_missing_gives_empty(missing: object) -> None:
    assert clean_text(missing) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize("dtype", [object, "str"])
def test_clean_series(dtype: object) -> None:
    s = pd.Series(
        ["a &amp; b", None, np.nan, "<br>x", "a &amp; b"], index=[5, 6, 7, 8, 9], name="comment"
    ).astype(dtype)  # type: ignore[call-overload]
    out = clean_series(s)
    assert out.tolist() == ["a & b", "", "", "x", "a & b"]
    assert out.index.tolist() == [5, 6, 7, 8, 9]
    assert out.name == "comment"
    assert out.dtype == "str"


def test_clean_series_handles_pd_na_numbers_and_empty() -> None:
    assert clean_series(pd.Series(["x", pd.NA, 3], dtype=object)).tolist() == ["x", "", "3"]
    assert clean_series(pd.Series([], dtype=object)).tolist() == []


def test_public_names() -> None:
    assert set(rca.text.clean.__all__) == {"clean_series", "clean_text", "map_distinct"}
