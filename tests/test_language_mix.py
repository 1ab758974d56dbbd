"""Language mix per market: the statistic against hand counts, the analysis table and its views."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import rca.reports.languages as vl
from rca.analysis.context import Context, EmptyTable
from rca.analysis.language_steps import LANGUAGE_TABLE_COLUMNS, section_languages
from rca.analysis.workspace import Workspace
from rca.stats.languages import compact_mix, language_mix, language_mix_by, mix_text

XSS = '<script>alert("x")</script>'
MONTH, PREVIOUS = "2026-10", "2026-09"

# MY: 3 ms, 2 en, 1 id (+1 unknown, +1 without text); PH: 2 tl, 2 en
TEXTS = pd.DataFrame(
    {
        "market": ["MY"] * 8 + ["PH"] * 4,
        "language": ["ms", "en", "ms", "id", "ms", "en", "und", None, "tl", "en", "tl", "en"],
    }
)


def test_language_mix_matches_hand_counts() -> None:
    mix = language_mix(TEXTS)
    assert list(mix.columns) == ["market", "language", "language_name", "n", "share"]
    got = {(m, c): (n, round(s, 4)) for m, c, n, s in
           mix[["market", "language", "n", "share"]].itertuples(index=False)}  # fmt: skip
    assert got == {
        ("MY", "ms"): (3, 0.5), ("MY", "en"): (2, 0.3333), ("MY", "id"): (1, 0.1667),
        ("PH", "en"): (2, 0.5), ("PH", "tl"): (2, 0.5),
    }  # fmt: skip
    # groups by name, languages largest first then by code
    assert mix["language"].tolist() == ["ms", "en", "id", "en", "tl"]
    assert mix["language_name"].tolist() == ["Malay", "English", "Indonesian", "English", "Tagalog"]


def test_unknown_counted_only_when_asked_and_overall_mix() -> None:
    my = language_mix(TEXTS[TEXTS["market"] == "MY"], by=None, unknown=True)
    assert dict(zip(my["language"], my["n"], strict=True)) == {"ms": 3, "en": 2, "id": 1, "und": 1}
    assert my.loc[my["language"] == "und", "language_name"].item() == "Unknown"
    assert my["share"].sum() == pytest.approx(1.0)
    overall = language_mix(TEXTS, by=None)
    assert dict(zip(overall["language"], overall["n"], strict=True)) == {
        "en": 4, "ms": 3, "tl": 2, "id": 1
    }  # fmt: skip
    assert overall["share"].tolist() == pytest.approx([0.4, 0.3, 0.2, 0.1])


@pytest.mark.parametrize(
    "df",
    [
        pd.DataFrame({"market": ["MY"], "comment": ["no language column"]}),
        pd.DataFrame({"market": ["MY", "PH"], "language": [None, "und"]}),
        pd.DataFrame({"market": [None], "language": ["en"]}),
        pd.DataFrame(columns=["market", "language"]),
    ],
)
def test_language_mix_without_languages_is_empty_with_its_columns(df: pd.DataFrame) -> None:
    mix = language_mix(df)
    assert mix.empty
    assert list(mix.columns) == ["market", "language", "language_name", "n", "share"]


@pytest.mark.parametrize(
    ("codes", "top", "expected"),
    [
        (["ms", "ms", "id", "en", "ms", "id", "en", "ms"], 3, "ms 50% · en 25% · id 25%"),
        (["ms", "ms", "id", "en"], 1, "ms 50% · other 50%"),
        (["vi", None, "und"], 3, "vi 100%"),
        ([None, "und"], 3, ""),
        (["en"] * 300 + ["tl"], 3, "en 100% · tl <1%"),
    ],
)
def test_compact_mix(codes: list[str | None], top: int, expected: str) -> None:
    assert compact_mix(pd.Series(codes, dtype=object), top) == expected


def test_mix_per_theme_and_mix_text() -> None:
    themed = pd.DataFrame({"theme_id": [1, 1, 1, 2], "language": ["ms", "id", "ms", "th"]})
    assert language_mix_by(themed, "theme_id") == {1: "ms 67% · id 33%", 2: "th 100%"}
    assert language_mix_by(themed.drop(columns="language"), "theme_id") == {}
    assert mix_text(language_mix(TEXTS, by=None).iloc[:0]) == ""


# --- the analysis table -------------------------------------------------------------------------


def _audits(language: bool = True) -> pd.DataFrame:
    rows = []
    for month in (PREVIOUS, MONTH):
        for i, (market, code) in enumerate([("MY", "ms"), ("MY", "en"), ("MY", "ms"),
                                            ("PH", "tl"), ("PH", None)]):  # fmt: skip
            day = pd.Timestamp(f"{month}-0{i + 1}")
            rows.append({"audit_id": f"{month}-{i}", "audit_date": day,
                         "market": market, "comment": None if code is None else f"text {i}",
                         "language": code if month == MONTH else "en"})  # fmt: skip
    df = pd.DataFrame(rows)
    return df if language else df.drop(columns="language")


def _feedback() -> pd.DataFrame:
    return pd.DataFrame({"feedback_id": ["f1", "f2", "f3"], "market": ["TH", "TH", "VN"],
                         "date": pd.to_datetime([f"{MONTH}-02", f"{MONTH}-03", f"{PREVIOUS}-03"]),
                         "text": ["a", "b", "c"], "language": ["th", "en", "vi"]})  # fmt: skip


def _context(tmp_path: Path, **tables: pd.DataFrame) -> Context:
    path = tmp_path / "ws"
    path.mkdir()
    for kind, table in tables.items():
        table.to_parquet(path / f"{kind}.parquet", index=False)
    info = {"months": [PREVIOUS, MONTH], "counts": {k: {"rows": len(t)} for k, t in tables.items()}}
    (path / "workspace.json").write_text(json.dumps(info))
    return Context(ws=Workspace(path), month=MONTH, previous=PREVIOUS)


def test_language_table_of_the_month_for_comments_and_feedback(tmp_path: Path) -> None:
    table = section_languages(_context(tmp_path, audits=_audits(), feedback=_feedback()))
    mix = table["language_mix"]
    assert isinstance(mix, pd.DataFrame)
    assert tuple(mix.columns) == LANGUAGE_TABLE_COLUMNS
    got = {(s, m, c): n for s, m, c, n in
           mix[["source", "market", "language", "n"]].itertuples(index=False)}  # fmt: skip
    assert got == {
        ("audit comments", "MY", "ms"): 2, ("audit comments", "MY", "en"): 1,
        ("audit comments", "PH", "tl"): 1, ("feedback", "TH", "th"): 1, ("feedback", "TH", "en"): 1,
    }  # fmt: skip


def test_language_table_without_the_column_keeps_the_other_source(tmp_path: Path) -> None:
    mix = section_languages(_context(tmp_path, audits=_audits(False), feedback=_feedback()))
    assert set(mix["language_mix"]["source"]) == {"feedback"}  # type: ignore[index]


def test_language_table_empty_with_reasons_when_no_source_has_languages(tmp_path: Path) -> None:
    mix = section_languages(_context(tmp_path, audits=_audits(False)))["language_mix"]
    assert isinstance(mix, EmptyTable)
    assert "prepared audits have no language column" in mix.reason
    assert "no feedback export in the data" in mix.reason
    assert mix.frame().columns.tolist() == list(LANGUAGE_TABLE_COLUMNS)


# --- the views --------------------------------------------------------------------------------


def _analysis_mix() -> pd.DataFrame:
    mix = language_mix(pd.DataFrame({"market": ["MY", "MY", XSS], "language": ["ms", "en", XSS]}))
    return mix.assign(source="feedback")


def test_language_section_escapes_and_charts_each_source() -> None:
    html = vl.language_section(_analysis_mix()).data
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "Feedback: languages per market" in html
    assert "en 50% · ms 50%" in html  # a tie: by code


def test_language_section_for_old_and_empty_analyses() -> None:
    assert "made before the language of each text was detected" in vl.language_section(None).data
    empty = pd.DataFrame(columns=list(LANGUAGE_TABLE_COLUMNS))
    empty.attrs["empty_reason"] = "no feedback export in the data"
    assert "Not enough data: no feedback export in the data." in vl.language_section(empty).data


class _Analysis:
    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.tables = tables
        self.info = {"tables": {name: {} for name in tables}}

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def test_load_language_mix_of_an_analysis_made_before_languages() -> None:
    assert vl.load_language_mix(_Analysis({"findings": pd.DataFrame()})) is None
    mix = _analysis_mix()
    assert vl.load_language_mix(_Analysis({"language_mix": mix})) is mix


def test_slice_languages_and_theme_languages() -> None:
    audits = pd.DataFrame({"market": ["MY", "MY", "PH"], "theme_id": [1.0, 1.0, None],
                           "language": ["ms", "id", "tl"]})  # fmt: skip
    html = vl.slice_languages(audits).data
    assert "Audit comments: languages per market" in html
    polite = vl.slice_languages(audits.drop(columns="language")).data
    assert "workspace was prepared before the language" in polite
    assert "Run the analysis again" in polite
    overview = pd.DataFrame({"theme_id": [1, 2], "theme_label": ["a", "b"]})
    shown = vl.with_theme_languages(overview, audits)
    assert shown["Languages"].tolist() == ["id 50% · ms 50%", ""]
    assert vl.with_theme_languages(overview, audits.drop(columns="language")) is overview


@pytest.mark.notebook
def test_executive_notebook_shows_the_language_section(sample_analysis, tmp_path: Path) -> None:
    from rca.batch.notebook_run import run_report

    workspace = str(sample_analysis.path / "workspace")
    result = run_report("executive", {"workspace": workspace}, tmp_path)
    assert result.status == "ok", result.reason
    page = result.html.read_text()
    assert "Languages of comments and feedback in 2026-10" in page
    # languages per market, or (prepared without a language column) the reason in plain words
    shown = "languages per market" in page or "Not enough data: the prepared audits" in page
    assert shown and "Traceback" not in page
