"""The themes' history: counts per month, the analysis step, and the views that show it.

A synthetic workspace of 14 months (2025-09 .. 2026-10) with planted themes and lineage files:

- theme 0 "Refund window": 10 comments every month;
- theme 1 (label with a script payload): 5 comments a month from 2025-12;
- theme 2 "Selfie": 8 a month until 2026-03, then split in 2026-04 into 3 "Selfie rejected" and
  4 "Selfie blurry" (4 each from 2026-04);
- themes 5 "Late payout" and 6 "Payout missing": 3 each until 2026-07, merged in 2026-08 into 7
  "Payout problems" (6 a month from 2026-08);
- 2 comments a month in no theme (-1), one audit a month without a comment;
- feedback: theme 10 "App crashes", 3 texts a month.

So a month's commented audits are 26 (2025-09 .. 2025-11) or 31 (every later month).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import rca.reports.fragments as rr
import rca.reports.history as vh
from rca.analysis.context import Context, EmptyTable
from rca.analysis.explore import theme_history
from rca.analysis.history_steps import LINEAGE_COLUMNS, REGISTRY_COLUMNS, section_themes_history
from rca.analysis.month import TABLES
from rca.analysis.steps import SECTIONS
from rca.analysis.workspace import Workspace
from rca.core.errors import InputError
from rca.stats.theme_history import first_seen
from rca.stats.theme_history import theme_history as count_history

MONTHS = [str(p) for p in pd.period_range("2025-09", "2026-10", freq="M")]
MONTH = MONTHS[-1]
XSS = "<script>alert('theme')</script> Tone"
LABELS = {0: "Refund window", 1: XSS, 2: "Selfie", 3: "Selfie rejected", 4: "Selfie blurry",
          5: "Late payout", 6: "Payout missing", 7: "Payout problems",
          -1: "Unassigned"}  # fmt: skip


def _per_month(i: int) -> dict[int, int]:
    """Comments per theme in month ``i`` (0 = 2025-09), as the module docstring plants them."""
    counts = {0: 10, -1: 2}
    if i >= 3:
        counts[1] = 5
    counts |= {2: 8} if i < 7 else {3: 4, 4: 4}
    counts |= {5: 3, 6: 3} if i < 11 else {7: 6}
    return counts


def _audits() -> pd.DataFrame:
    rows = []
    for i, month in enumerate(MONTHS):
        themed = [t for t, n in _per_month(i).items() for _ in range(n)]
        for j, t in enumerate([*themed, None]):
            rows.append(
                {"audit_id": f"{month}-{j}", "audit_date": pd.Timestamp(f"{month}-{1 + j % 28}"),
                 "passed": j % 3 != 0, "comment": None if t is None else f"comment {j}",
                 "theme_id": t, "theme_label": None if t is None else LABELS[t]}
            )  # fmt: skip
    return pd.DataFrame(rows).astype({"theme_id": "Int64"})


def _feedback() -> pd.DataFrame:
    rows = [
        {
            "feedback_id": f"{m}-{j}",
            "date": pd.Timestamp(f"{m}-0{j + 1}"),
            "text": "crash",
            "theme_id": 10,
            "theme_label": "App crashes",
        }
        for m in MONTHS
        for j in range(3)
    ]
    return pd.DataFrame(rows).astype({"theme_id": "Int64"})  # fmt: skip


def _lineage() -> pd.DataFrame:
    rows = [
        ("audits", "2026-04", 2, "Selfie", 3, "Selfie rejected", "split", 70, 0.5, 0.9, 0.8),
        ("audits", "2026-04", 2, "Selfie", 4, "Selfie blurry", "split", 70, 0.5, 0.9, 0.7),
        ("audits", "2026-08", 5, "Late payout", 7, "Payout problems", "merge", 40, 0.9, 0.5, 0.8),
        ("audits", "2026-08", 6, "Payout missing", 7, "Payout problems", "merge", 35, 0.9, 0.4,
         0.8),
        ("audits", "2026-09", 0, "Refund window", 0, "Refund window", "continues", 90, 1, 1, 1),
        ("audits", "2026-11", 0, "Refund window", 8, "Later", "split", 9, 0.1, 0.9, 0.6),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(LINEAGE_COLUMNS))


def _registry() -> pd.DataFrame:
    planted = [
        (0, "2025-09", MONTH, "continuing", 10), (1, "2025-12", MONTH, "continuing", 5),
        (2, "2025-09", "2026-03", "split", 0), (3, "2026-04", MONTH, "continuing", 4),
        (4, "2026-04", MONTH, "continuing", 4), (5, "2025-09", "2026-07", "merged", 0),
        (6, "2025-09", "2026-07", "merged", 0), (7, "2026-08", MONTH, "continuing", 6),
        (9, "2026-11", "2026-11", "new", 3),  # first seen after the report month
    ]  # fmt: skip
    rows = [("audits", t, LABELS.get(t, "Later"), *rest) for t, *rest in planted]
    rows.append(("feedback", 10, "App crashes", "2025-09", MONTH, "continuing", 3))
    return pd.DataFrame(rows, columns=list(REGISTRY_COLUMNS))


def make_workspace(path: Path, *, lineage: bool = True, feedback: bool = True) -> Workspace:
    """The 14-month workspace of the module docstring (``lineage``: with the store's files)."""
    path.mkdir(parents=True, exist_ok=True)
    tables = {"audits": _audits(), **({"feedback": _feedback()} if feedback else {})}
    for kind, table in tables.items():
        table.to_parquet(path / f"{kind}.parquet", index=False)
    info = {"months": MONTHS, "counts": {k: {"rows": len(t)} for k, t in tables.items()}}
    (path / "workspace.json").write_text(json.dumps(info))
    if lineage:
        _lineage().to_parquet(path / "theme_lineage.parquet", index=False)
        _registry().to_parquet(path / "theme_registry.parquet", index=False)
    return Workspace(path)


@pytest.fixture(autouse=True)
def _fresh_report_state():
    rr.setup()


@pytest.fixture
def tables(tmp_path) -> dict:
    ws = make_workspace(tmp_path / "ws")
    return section_themes_history(Context(ws=ws, month=MONTH, previous=MONTHS[-2]))


def _frame(table) -> pd.DataFrame:
    """A step's table as the analysis writes and reads it (reason in ``attrs``)."""
    if isinstance(table, EmptyTable):
        frame = table.frame()
        frame.attrs["empty_reason"] = table.reason
        return frame
    return table


# --- the statistic -----------------------------------------------------------------------------


def test_counts_and_shares_by_hand():
    ids = pd.array([1, 1, -1, None, 2, 2, 1], dtype="Int64")
    texts = pd.DataFrame({"month": ["2026-01"] * 4 + ["2026-02"] * 3, "theme_id": ids})
    out = count_history(texts, "audits", labels={1: "A"})
    got = {(r.theme_id, r.month): (r.n, round(r.share, 4)) for r in out.itertuples()}
    assert got == {
        (-1, "2026-01"): (1, 0.3333), (-1, "2026-02"): (0, 0.0),
        (1, "2026-01"): (2, 0.6667), (1, "2026-02"): (1, 0.3333),
        (2, "2026-01"): (0, 0.0), (2, "2026-02"): (2, 0.6667),
    }  # fmt: skip
    assert dict(zip(out["theme_id"], out["theme_label"], strict=True)) == {
        -1: "Unassigned", 1: "A", 2: "2"}  # fmt: skip


def test_a_month_without_texts_has_no_share():
    texts = pd.DataFrame({"month": ["2026-01"], "theme_id": [3]})
    out = count_history(texts, "feedback", months=["2026-01", "2026-02"])
    assert out["n"].tolist() == [1, 0] and out["share"].iloc[1] != out["share"].iloc[1]


# --- the analysis step ------------------------------------------------------------------------


def test_step_is_an_analysis_section_and_its_tables_are_described():
    assert section_themes_history in SECTIONS
    assert {"theme_history", "theme_lineage", "theme_registry"} <= set(TABLES)


def test_history_counts_every_theme_in_every_month(tables):
    h = tables["theme_history"]
    audits = h[h["kind"] == "audits"]
    assert sorted(audits["month"].unique()) == MONTHS and audits["month"].nunique() == 14
    assert sorted(audits["theme_id"].unique()) == [-1, 0, 1, 2, 3, 4, 5, 6, 7]
    assert len(audits) == 9 * 14  # the full grid
    for i, month in enumerate(MONTHS):
        rows = audits[audits["month"] == month].set_index("theme_id")
        planted = _per_month(i)
        total = 26 if i < 3 else 31
        assert sum(planted.values()) == total
        for t in rows.index:
            assert rows.at[t, "n"] == planted.get(t, 0), (month, t)
            assert rows.at[t, "share"] == pytest.approx(planted.get(t, 0) / total)
    feedback = h[h["kind"] == "feedback"]
    assert feedback["n"].tolist() == [3] * 14 and feedback["share"].tolist() == [1.0] * 14
    assert audits.loc[audits["theme_id"] == 1, "theme_label"].unique().tolist() == [XSS]


def test_history_stops_at_the_report_month(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    out = section_themes_history(Context(ws=ws, month="2026-05", previous="2026-04"))
    assert out["theme_history"]["month"].max() == "2026-05"
    lineage = out["theme_lineage"]
    assert set(lineage["month"]) == {"2026-04"}  # the merge of 2026-08 is later
    assert 7 not in set(out["theme_registry"]["theme_id"])  # first seen 2026-08


def test_lineage_keeps_splits_and_merges_up_to_the_month(tables):
    lineage = tables["theme_lineage"]
    assert list(lineage.columns) == list(LINEAGE_COLUMNS)
    assert lineage[["month", "relation", "parent_id", "child_id"]].values.tolist() == [
        ["2026-04", "split", 2, 3], ["2026-04", "split", 2, 4],
        ["2026-08", "merge", 5, 7], ["2026-08", "merge", 6, 7],
    ]  # fmt: skip
    registry = tables["theme_registry"]
    assert list(registry.columns) == list(REGISTRY_COLUMNS)
    assert 9 not in set(registry["theme_id"]) and len(registry) == 9


def test_without_the_stores_files_lineage_and_registry_say_why(tmp_path):
    ws = make_workspace(tmp_path / "ws", lineage=False, feedback=False)
    out = section_themes_history(Context(ws=ws, month=MONTH, previous=MONTHS[-2]))
    assert set(out["theme_history"]["kind"]) == {"audits"}
    for name in ("theme_lineage", "theme_registry"):
        assert isinstance(out[name], EmptyTable) and "without the history store" in out[
            name].reason  # fmt: skip


def test_a_lineage_file_without_its_columns_is_refused(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    _lineage().drop(columns=["shared_texts"]).to_parquet(ws.path / "theme_lineage.parquet")
    with pytest.raises(InputError, match="theme_lineage lacks the column"):
        section_themes_history(Context(ws=ws, month=MONTH, previous=MONTHS[-2]))


def test_no_themed_text_gives_an_empty_history(tmp_path):
    ws = make_workspace(tmp_path / "ws", lineage=False, feedback=False)
    _audits().drop(columns=["theme_id", "theme_label"]).to_parquet(ws.path / "audits.parquet")
    out = section_themes_history(Context(ws=ws, month=MONTH, previous=MONTHS[-2]))
    assert isinstance(out["theme_history"], EmptyTable)
    assert out["theme_history"].reason == f"no themed audit comment or feedback text up to {MONTH}"


def test_first_seen_is_the_first_month_with_texts(tables):
    seen = first_seen(tables["theme_history"]).set_index(["kind", "theme_id"])
    assert seen.loc[("audits", 1), "first_month"] == "2025-12"
    assert seen.loc[("audits", 2), "last_month"] == "2026-03"
    assert seen.loc[("audits", 7), ["first_month", "total"]].tolist() == ["2026-08", 18]


def test_explore_computes_the_history_from_a_workspace_not_analysed(tmp_path):
    ws = make_workspace(tmp_path / "ws", lineage=False)
    out = theme_history(ws, MONTH)
    assert out["theme_history"]["month"].nunique() == 14
    assert "without the history store" in out["theme_lineage"].attrs["empty_reason"]


# --- the views ---------------------------------------------------------------------------------


def test_chart_draws_every_month_of_the_top_themes(tables):
    h = _frame(tables["theme_history"])
    assert vh.top_themes(h, "audits", MONTH, 3) == [0, 7, 1]  # 10, 6, 5 comments in 2026-10
    page = vh.history_chart(h, "audits", MONTH, top_n=3).data
    assert page.count("Plotly.newPlot") == 1 and "over 14 months" in page
    for month in MONTHS:
        assert f'"{month}"' in page, month
    assert "Payout problems" in page and "Late payout" not in page  # not a top theme in 2026-10
    assert "<script>alert('theme')" not in page
    assert "&lt;script&gt;alert(&#x27;theme&#x27;)&lt;" in page


def test_table_shows_first_seen_and_lineage_in_words(tables):
    h, lin, reg = (_frame(tables[n]) for n in vh.HISTORY_TABLES)
    page = vh.history_table(h, lin, reg, "audits", MONTH).data
    split = "&#x27;Selfie&#x27; split into &#x27;Selfie rejected&#x27; and &#x27;Selfie " \
            "blurry&#x27; in 2026-04, sharing 140 texts"  # fmt: skip
    merge = "&#x27;Late payout&#x27; and &#x27;Payout missing&#x27; merged into &#x27;Payout " \
            "problems&#x27; in 2026-08, sharing 75 texts"  # fmt: skip
    assert split in page and merge in page
    assert "<td>2025-12</td>" in page and "<td>2026-08</td>" in page  # the registry's first month
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_lineage_sentences_name_both_sides():
    assert vh.lineage_sentences(_lineage(), "audits", month=MONTH) == [
        "'Selfie' split into 'Selfie rejected' and 'Selfie blurry' in 2026-04, sharing 140 texts",
        "'Late payout' and 'Payout missing' merged into 'Payout problems' in 2026-08, sharing 75 "
        "texts",
    ]  # fmt: skip
    assert vh.lineage_sentences(_lineage(), "audits", theme_id=4, month=MONTH) == [
        "'Selfie' split into 'Selfie rejected' and 'Selfie blurry' in 2026-04, sharing 140 texts"
    ]
    page = vh.splits_and_merges(_lineage(), "audits", MONTH).data
    assert page.index("merged into") < page.index("split into")  # most recent first


def test_first_seen_without_a_registry_may_be_earlier(tables):
    h = _frame(tables["theme_history"])
    empty = _frame(EmptyTable("no theme registry: test", REGISTRY_COLUMNS))
    page = vh.history_table(h, _frame(tables["theme_lineage"]), empty, "audits", MONTH).data
    assert "2025-09 or earlier" in page and "<td>2025-12</td>" in page


@pytest.mark.parametrize(
    ("view", "sentence"),
    [
        (lambda h, lin: vh.history_chart(h, "audits", MONTH),
         "Not enough data: no themed audit comment or feedback text up to 2026-10."),
        (lambda h, lin: vh.history_table(h, lin, lin, "audits", MONTH),
         "Not enough data: no themed audit comment or feedback text up to 2026-10."),
        (lambda h, lin: vh.splits_and_merges(lin, "audits", MONTH),
         "Not enough data: no theme lineage: the workspace was prepared without the history "
         "store, which keeps them."),
        (lambda h, lin: vh.history_chart(pd.DataFrame(), "feedback", MONTH),
         "No theme history of feedback texts up to 2026-10."),
        (lambda h, lin: vh.splits_and_merges(_lineage().iloc[0:0], "feedback", MONTH),
         "No theme of the feedback texts split or merged up to 2026-10."),
        (lambda h, lin: vh.splits_and_merges(pd.DataFrame(), "audits", MONTH),
         "No split or merge of themes is recorded up to 2026-10."),
    ],
)  # fmt: skip
def test_fallback_sentences(view, sentence):
    history = _frame(EmptyTable(f"no themed audit comment or feedback text up to {MONTH}"))
    lineage = _frame(EmptyTable("no theme lineage: the workspace was prepared without the "
                                "history store, which keeps them"))  # fmt: skip
    page = view(history, lineage).data
    assert rr.esc(sentence) in page and "Plotly.newPlot" not in page


def test_one_themes_history_for_the_explore_notebook(tables):
    given = {name: _frame(table) for name, table in tables.items()}
    page = vh.theme_history_fragment(given, 7, month=MONTH).data
    assert "first seen 2026-08" in page and "merged into &#x27;Payout problems&#x27;" in page
    assert page.count("Plotly.newPlot") == 1
    quiet = vh.theme_history_fragment(given, 0, month=MONTH).data
    assert "No split or merge of this theme is recorded." in quiet
    unknown_lineage = {**given, "theme_lineage": _frame(EmptyTable("no theme lineage: x"))}
    unknown = vh.theme_history_fragment(unknown_lineage, 0).data
    assert "Splits and merges are not known: no theme lineage: x." in unknown
    xss = vh.theme_history_fragment(given, 1, month=MONTH).data
    assert "<script>alert" not in xss and "&lt;script&gt;" in xss


def test_section_of_the_policy_report_has_chart_table_and_lineage(tables):
    page = vh.history_section({n: _frame(t) for n, t in tables.items()}, "audits", MONTH).data
    assert "<h3>Themes of the audit comments</h3>" in page and page.count("Plotly.newPlot") == 1
    assert "<table" in page and page.count("split into &#x27;Selfie rejected&#x27;") == 3
    feedback = vh.history_section({"theme_history": _frame(tables["theme_history"])}, "feedback")
    assert "App crashes" in feedback.data and "No split or merge of themes is recorded" in (
        feedback.data
    )
