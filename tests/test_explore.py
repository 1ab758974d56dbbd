"""The explore notebook's library: slices, theme views, drill-down, curation session, widget."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

import rca.analysis.explore as rx
import rca.reports.explorer as ve
import rca.reports.fragments as rr
from rca.analysis.curation_session import CurationSession
from rca.analysis.workspace import Workspace
from rca.core.errors import ParameterError
from rca.themes.curation_file import load_curation
from rca.themes.model import ThemeModel

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
THEMES = [  # theme_id, label, keywords (best first)
    (0, "Macro / outdated / template", "macro, outdated, template, old, steps, link"),
    (1, "Code / sms / login", "code, sms, login, otp, arrives, resend"),
    (2, "Rude / tone / empathy", "rude, tone, empathy, cold, upset, dismissive"),
]
LOGIN_KEY = "arrives, code, login, otp, sms"
# Commented audits per theme and month (-1: fits no theme); 2026-10 also has one without comment.
COUNTS = {"2026-09": {0: 10, 1: 5, 2: 4, -1: 1}, "2026-10": {0: 6, 1: 10, 2: 3, -1: 1}}


def _audits() -> pd.DataFrame:
    labels = {t: lab for t, lab, _ in THEMES} | {-1: "Unassigned"}
    rows = []
    for month, counts in COUNTS.items():
        topics = [t for t, n in counts.items() for _ in range(n)] + (
            [None] if month > "2026-09" else []
        )
        for i, topic in enumerate(topics):
            rows.append({
                "audit_id": f"A-{month}-{i:02d}", "audit_date": pd.Timestamp(f"{month}-{i + 1}"),
                "agent": f"agent_{i % 3}", "queue": ["payments", "account access"][i % 2],
                "market": ["PH", "US"][(i // 2) % 2], "team": ["Team A", "Team B"][(i // 4) % 2],
                "passed": topic != 1,
                "error_category": "missed verification" if topic == 1 else None,
                "comment": None if topic is None else f"{labels[topic]} comment {month} {i}",
                "theme_id": topic, "theme_label": None if topic is None else labels[topic],
                "root_cause": "process.verification", "confidence": 0.5 + i / 100,
            })  # fmt: skip
    df = pd.DataFrame(rows)
    first_login = df.index[(df["theme_id"] == 1) & (df["audit_id"].str.contains("2026-10"))][0]
    df.loc[first_login, ["comment", "confidence"]] = [XSS, 0.99]
    return df.astype({"theme_id": "Int64", "passed": "boolean"})


def _topics() -> pd.DataFrame:
    rows = [(-1, "Unassigned", 2, "", ["ok"], "unassigned", "unassigned", None, False)] + [
        (t, lab, sum(c.get(t, 0) for c in COUNTS.values()), kw, [f"{lab} example"],
         "process.verification", "Identity verification skipped", 0.6, False)
        for t, lab, kw in THEMES
    ]  # fmt: skip
    cols = ["theme_id", "theme_label", "size", "keywords", "examples", "root_cause", "cause_name",
            "cause_similarity", "pinned"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def make_workspace(path, curation=None) -> Workspace:
    path.mkdir(parents=True)
    _audits().to_parquet(path / "audits.parquet", index=False)
    topics = _topics()
    topics.to_parquet(path / "audit_themes.parquet", index=False)
    info = {"months": list(COUNTS), "curation": curation, "n_themes": 3, "seed": 0,
            "embedder": "fake-64-0", "outlier_share": 0.05, "counts": {}}  # fmt: skip
    (path / "workspace.json").write_text(json.dumps(info))
    model = ThemeModel(embedder="fake")
    model.centroids_ = {t: np.eye(4)[t] for t, _, _ in THEMES}
    model.theme_info_ = topics[["theme_id", "theme_label", "size", "keywords", "examples"]]
    model.embedder_name_, model.outlier_share_raw_, model.outlier_share_ = "fake-64-0", 0.05, 0.05
    model.bertopic_ = None
    model.save(path / "audit_model")
    return Workspace(path)


@pytest.fixture(autouse=True)
def _fresh_report_state():
    rr.setup()


@pytest.fixture
def ws(tmp_path) -> Workspace:
    return make_workspace(tmp_path / "workspace")


@pytest.fixture
def audits() -> pd.DataFrame:
    return _audits()


# -- slices --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "n"),
    [({}, 41), ({"month": "2026-10"}, 21), ({"market": "PH"}, 21),
     ({"month": "2026-10", "queue": "payments", "team": "Team A"}, 6)],
)  # fmt: skip
def test_filter_audits_keeps_one_slice(audits, filters, n):
    out = rx.filter_audits(audits, **filters)
    assert len(out) == n
    assert {"month", "week"} <= set(out.columns)
    for column, value in filters.items():
        assert set(out[column]) == {value}


@pytest.mark.parametrize(
    ("column", "value", "listed"),
    [("month", "2026-11", "months in the data: 2026-09, 2026-10"),
     ("market", "Ph", "(did you mean 'PH'?); markets in the data: PH, US"),
     ("queue", "refunds", "queues in the data: account access, payments"),
     ("team", "Team C", "teams in the data: Team A, Team B")],
)  # fmt: skip
def test_unknown_filter_value_lists_the_available_ones(audits, column, value, listed):
    with pytest.raises(ParameterError, match=f"{column} '{value}' has no audits") as err:
        rx.filter_audits(audits, **{column: value})
    assert listed in str(err.value)


def test_valid_values_without_audits_together_give_an_empty_slice(audits):
    audits = audits[~((audits["market"] == "US") & (audits["team"] == "Team B"))]
    assert rx.filter_audits(audits, market="US", team="Team B").empty


def test_theme_overview_shares_and_change(audits):
    out = rx.theme_overview(audits, _topics(), "2026-10", "2026-09").set_index("theme_id")
    assert list(out.index) == [1, 0, 2]  # largest first, the unassigned left out
    assert out.loc[1, "n"] == 10 and out.loc[1, "share"] == pytest.approx(0.5)
    assert out.loc[1, "change"] == pytest.approx(0.25) and out.loc[0, "change"] == pytest.approx(
        -0.2
    )
    assert out.loc[2, "keywords"] == "rude, tone, empathy, cold, upset"
    assert out.loc[2, "cause_name"] == "Identity verification skipped"


@pytest.mark.parametrize("by", ["month", "week", "market", "queue", "team"])
def test_theme_shares_by_fills_every_group_and_theme(audits, by):
    out = rx.theme_shares_by(audits, by, top_n=2)
    groups = rx.available(audits, by)
    assert len(out) == 2 * len(groups)  # zero rows kept, so charts have no gaps
    assert set(out["theme_id"]) == {0, 1}  # the two largest themes over the slice
    assert (out["n"] <= out["total"]).all() and out["share"].between(0, 1).all()


def test_theme_shares_by_month_matches_the_counts(audits):
    out = rx.theme_shares_by(audits, "month").set_index(["month", "theme_id"])
    assert out.loc[("2026-09", 0), "share"] == pytest.approx(10 / 20)
    assert out.loc[("2026-10", 1), "total"] == 20  # audits without a comment are not counted


def test_theme_shares_by_unknown_group(audits):
    with pytest.raises(ParameterError, match="by must be week, month or one of market"):
        rx.theme_shares_by(audits, "agent")


@pytest.mark.parametrize(
    ("theme", "theme_id"), [(2, 2), ("code / SMS / login", 1), ("0", 0), (None, 0), (-1, -1)]
)
def test_resolve_theme_by_id_or_label(theme, theme_id):
    assert rx.resolve_theme(_topics(), theme) == theme_id


def test_unknown_theme_lists_the_themes():
    with pytest.raises(ParameterError, match=r"theme 7 not found; themes by id: 0 'Macro"):
        rx.resolve_theme(_topics(), 7)


def test_theme_detail_of_a_slice(audits):
    october = rx.filter_audits(audits, month="2026-10")
    d = rx.theme_detail(october, _topics())  # the slice's largest theme, not the overall one
    assert (d.theme_id, d.label, d.key, d.n) == (1, "Code / sms / login", LOGIN_KEY, 10)
    assert d.examples[0] == XSS and len(d.examples) == 5  # most typical (confident) first
    assert d.share == pytest.approx(0.5) and d.pass_rate == 0.0
    top_error = {"error_category": "missed verification", "n": 10, "share": 1.0,
                 "slice_share": pytest.approx(10 / 21)}  # fmt: skip
    assert d.errors.iloc[0].to_dict() == top_error
    assert d.agents["n"].sum() == 10 and d.agents["lift"].notna().all()
    assert set(d.queues["queue"]) == {"payments", "account access"}


# -- fragments -------------------------------------------------------------------------------


def test_fragments_escape_comments_and_labels(audits):
    audits.loc[audits["theme_id"] == 2, "theme_label"] = XSS
    topics = _topics().assign(theme_label=lambda t: t["theme_label"].where(t["theme_id"] != 2, XSS))
    october = rx.filter_audits(audits, month="2026-10")
    pages = [
        ve.theme_fragment(rx.theme_detail(october, topics, 1)),
        ve.theme_fragment(rx.theme_detail(october, topics, 2)),
        ve.overview_table(rx.theme_overview(audits, topics, "2026-10"), "2026-10"),
        ve.trend_chart(rx.theme_shares_by(audits, "week")),
        ve.segment_heatmaps(october, {}),
    ]
    for page in pages:
        assert XSS not in page.data
    assert ESCAPED in pages[0].data and ESCAPED in pages[2].data


def test_segment_heatmaps_hide_segments_below_min_n(audits, heatmap_z):
    october = rx.filter_audits(audits, month="2026-10")
    hidden = ve.segment_heatmaps(october, {}, min_n=10_000).data
    shown = ve.segment_heatmaps(october, {}, min_n=1).data
    assert "hidden" in hidden and "hidden" not in shown
    assert all(v is None for v in heatmap_z(hidden).ravel())
    assert not any(v is None for v in heatmap_z(shown).ravel())


def test_segment_heatmaps_skip_filtered_segments(audits):
    october = rx.filter_audits(audits, month="2026-10", market="PH")
    page = ve.segment_heatmaps(october, {"market": "PH"}).data
    assert "each queue" in page and "each team" in page and "each market" not in page
    assert (
        "every segment is filtered"
        in ve.segment_heatmaps(october, dict.fromkeys(rx.SEGMENTS, "x")).data
    )


def test_slice_title_names_the_filters():
    assert ve.slice_title("2026-10", {"market": "PH", "team": None}) == (
        "Themes in audit comments · 2026-10 · PH"
    )


# -- curation --------------------------------------------------------------------------------


def test_session_edits_by_id_or_label_and_previews_them(ws, tmp_path):
    s = CurationSession(ws, tmp_path / "curation.yaml")
    s.rename("code / sms / login", "Login codes").merge(0, 2).pin(1, "process.verification")
    assert s.pending == 3
    preview = s.preview()
    assert list(preview["action"]) == ["rename", "merge", "pin"]
    assert preview.loc[0, "change"] == "renamed to 'Login codes'"
    assert preview.loc[1, "themes"] == "0 · Macro / outdated / template + 2 · Rude / tone / empathy"
    assert s.curation.renames == {LOGIN_KEY: "Login codes"}
    assert s.undo().pending == 2 and s.curation.pins == {}


@pytest.mark.parametrize(
    ("edit", "message"),
    [(lambda s: s.pin(1, "process.verificaton"), "did you mean 'process.verification'"),
     (lambda s: s.pin(1, "people"), "unknown cause 'people'"),
     (lambda s: s.rename(1, "  "), "the new name is empty"),
     (lambda s: s.merge(1, "Code / sms / login"), "two or more different themes"),
     (lambda s: s.rename(-1, "Noise"), "the unassigned comments are not a theme"),
     (lambda s: s.rename(9, "Nine"), "theme 9 not found")],
)  # fmt: skip
def test_session_refuses_bad_edits_and_keeps_none_of_them(ws, tmp_path, edit, message):
    s = CurationSession(ws, tmp_path / "curation.yaml")
    with pytest.raises(ParameterError, match=message):
        edit(s)
    assert s.pending == 0


def test_session_saves_with_signatures_on_top_of_the_file(ws, tmp_path):
    path = tmp_path / "curation.yaml"
    CurationSession(ws, path).pin(2, "people.soft_skills").save()
    s = CurationSession(ws, path)
    assert s.saved.pins and s.pending == 0
    assert s.rename(1, "Login codes").save() == path and s.pending == 0
    saved = load_curation(path)
    assert saved.renames == {LOGIN_KEY: "Login codes"}
    assert saved.pins == {"cold, empathy, rude, tone, upset": "people.soft_skills"}  # kept
    assert saved.signatures[LOGIN_KEY] == pytest.approx(tuple(np.eye(4)[1]))


def test_session_defaults_to_the_curation_the_workspace_used(tmp_path):
    used = tmp_path / "analysts.yaml"
    assert CurationSession(make_workspace(tmp_path / "ws", str(used))).path == used


# -- interactive explorer --------------------------------------------------------------------


def _html(explorer: ve.Explorer) -> str:
    return "".join(o["data"]["text/html"] for o in explorer.output.outputs)


def test_explorer_re_renders_when_the_controls_change(ws, tmp_path):
    ex = ve.Explorer(ws, CurationSession(ws, tmp_path / "c.yaml"))
    assert ex.month.value == "2026-10" and ex.theme.value == 1
    assert "Themes in audit comments · 2026-10 · all audits" in _html(ex)
    assert "Theme: Code / sms / login" in _html(ex) and ESCAPED in _html(ex)
    ex.team.value = "Team B"
    assert "2026-10 · Team B" in _html(ex)
    assert [v for _, v in ex.theme.options] == [1, 0]  # no Team B comment in theme 2 in October
    ex.theme.value = 0
    assert "Theme: Macro / outdated / template" in _html(ex)
    ex.month.value = "2026-09"
    assert "2026-09 · Team B" in _html(ex) and ex.theme.value == 0  # kept: still in the slice
    ex.team.value, ex.market.value = "", "US"
    assert "2026-09 · US" in _html(ex)


def test_explorer_buttons_edit_the_session_and_save_only_when_allowed(ws, tmp_path):
    path = tmp_path / "c.yaml"
    ex = ve.Explorer(ws, CurationSession(ws, path))
    ex.new_name.value = "Login codes"
    ex.rename_button.click()
    ex.merge_with.value = (2,)
    ex.merge_button.click()
    ex.cause.value = "product.bug"
    ex.pin_button.click()
    assert ex.session.pending == 3 and "Login codes" in ex.edits.value
    ex.cause.value = None
    ex.pin_button.click()
    assert ex.session.pending == 3 and "unknown cause" in ex.status.value
    assert ex.save_button.disabled
    ex.edit("save")
    assert not path.exists() and "Saving is off" in ex.status.value
    allowed = ve.Explorer(ws, ex.session, allow_save=True)
    allowed.save_button.click()
    assert load_curation(path).renames == {LOGIN_KEY: "Login codes"}
    assert f"Saved to {path}" in allowed.status.value


class _Kernel:
    def __init__(self, metadata):
        self.metadata = metadata

    def get_parent(self):
        return {"header": {"msg_type": "execute_request"}, "metadata": self.metadata}


@pytest.mark.parametrize(
    ("kernel", "shown"),
    [(_Kernel({"cellId": "c1", "deletedCells": []}), True), (_Kernel({}), False), (None, False)],
)
def test_explorer_only_for_a_frontend_that_runs_cells(ws, monkeypatch, kernel, shown):
    import IPython

    shell = type("Shell", (), {"kernel": kernel})()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert ve.frontend_shows_widgets() is shown
    assert isinstance(ve.interactive_explorer(ws, CurationSession(ws, ws.path / "c.yaml")),
                      ve.Explorer if shown else type(None))  # fmt: skip


# -- on a real analysis ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    """A 2-month sample analysed, curated with a session, then analysed again with the file."""
    from rca.analysis.month import analyze_month
    from rca.sample import generate_sample

    root = tmp_path_factory.mktemp("explore")
    generate_sample(root / "sample", months=2, seed=0)
    (root / "data").mkdir()  # the explorer reads audits only; the other kinds double the time
    shutil.copy(root / "sample" / "audits.csv", root / "data")
    plain = analyze_month(root / "data", root / "plain", embedder="fake")
    session = CurationSession(plain.workspace, root / "curation.yaml")
    themes = rx.theme_overview(plain.workspace.audits(), session.theme_table, plain.info["month"])
    audits = plain.workspace.audits()
    month = pd.to_datetime(audits["audit_date"]).dt.strftime("%Y-%m") == plain.info["month"]
    in_ph = audits[(audits["market"] == "PH") & month]
    first = int(in_ph.loc[in_ph["theme_id"] != -1, "theme_id"].value_counts().index[0])
    second, third = themes.loc[themes["theme_id"] != first, "theme_id"].head(2)  # the slice shows
    session.rename(first, "Renamed by analyst").pin(first, "process.outdated_macro")
    path = session.merge(second, third).save()
    again = analyze_month(root / "data", root / "curated", embedder="fake", curation=path)
    return again, path, (first, second, third)


def test_saved_curation_is_applied_by_the_next_analysis(curated):
    analysis, path, (first, second, third) = curated
    ws = analysis.workspace
    assert ws.info["curation"] == str(path.resolve())
    topics = ws.themes().set_index("theme_id")
    assert topics.loc[first, "theme_label"] == "Renamed by analyst"
    assert (
        topics.loc[first, "root_cause"] == "process.outdated_macro" and topics.loc[first, "pinned"]
    )
    assert third not in topics.index and list(topics.loc[second, "merged_from"]) == [third]
    assert (ws.audits()["theme_label"] == "Renamed by analyst").sum() == topics.loc[first, "size"]


@pytest.mark.notebook
def test_explore_notebook_runs_and_exports_a_static_view(curated, tmp_path):
    from rca.batch.notebook_run import run_report

    analysis, path, _ = curated
    before = path.read_bytes()
    params = {"workspace": str(analysis.path / "workspace"), "market": "PH", "top_n": 5}
    result = run_report("explore", params, tmp_path)
    assert result.status == "ok", result.reason
    page = result.html.read_text()
    for text in [
        "Themes in audit comments · 2026-10 · PH",
        "Themes in this slice",
        "Themes over time",
        "Themes per market, queue and team",
        "Drill-down: ",
        "Example comments (redacted)",
        "History of the theme: ",
        "first seen 2026-09 or earlier",
        "Renamed by analyst",
        f"Curation file: {path.resolve()}",
    ]:
        assert text in page, text  # fmt: skip
    # languages, trend, queue and team heat maps, the theme's history
    assert page.count("Plotly.newPlot") == 5
    for bad in ["Traceback", "Error displaying widget", "widget-state+json", "unpkg.com"]:
        assert bad not in page, bad
    assert path.read_bytes() == before  # save_curation is off: nothing written
