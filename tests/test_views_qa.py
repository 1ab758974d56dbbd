"""Views of the QA-team reports (calibration, AI labels) and a smoke run of both notebooks."""

from __future__ import annotations

import pandas as pd
import pytest

import rca.reports.ai_labels as ai
import rca.reports.calibration as cal
import rca.reports.fragments as rr
from rca.core.errors import InputError

XSS = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;"


def _html(fragment) -> str:
    return fragment.data


@pytest.fixture(autouse=True)
def _fresh_report_state():
    rr.setup()


def agreement_frame(item: str = "tone") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item": [item, "greeting", "ALL"], "level": ["ordinal", "nominal", "mixed"],
            "n_cases": [40, 40, 40], "n_raters": [9, 9, 9], "n_ratings": [330, 330, 660],
            "percent_agreement": [0.4, 0.8, 0.6], "fleiss_kappa": [0.2, 0.6, 0.4],
            "alpha": [0.5, 0.8, 0.65], "alpha_lo": [0.4, 0.7, 0.6],
            "alpha_hi": [0.6, 0.9, 0.7], "note": ["", "", "mean over 2 of 2 items"],
        }
    )  # fmt: skip


def deviation_frame(auditor: str = "auditor_01") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "auditor": [auditor, auditor, "auditor_02", "auditor_02"],
            "item": ["tone", "ALL", "tone", "ALL"], "n": [30, 30, 30, 30],
            "mean_deviation": [0.8, 0.5, -0.05, -0.05], "ci_lo": [0.5, 0.3, -0.2, -0.2],
            "ci_hi": [1.1, 0.7, 0.1, 0.1], "p_value": [0.001, 0.001, 0.6, 0.6],
            "direction": ["lenient", "lenient", "in line", "in line"],
        }
    )  # fmt: skip


def drift_frame(auditor: str = "auditor_01") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "auditor": [auditor] * 3 + ["auditor_02"] * 3,
            "session_id": ["S1", "S2", "S3"] * 2, "session_index": [0, 1, 2] * 2,
            "n": [10] * 6, "mean_deviation": [0.1, 0.3, 0.5, 0.0, 0.05, -0.02],
            "slope": [0.2] * 3 + [0.0] * 3, "slope_p": [0.01] * 3 + [0.9] * 3,
        }
    )  # fmt: skip


def disputed_frame(item: str = "tone") -> pd.DataFrame:
    table = agreement_frame(item)
    table = table[table["item"] != "ALL"].assign(disagreement=lambda d: 1 - d["alpha"])
    return table.assign(rank=[1, 2])


def pairs_frame(auditor: str = "auditor_01") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item": ["tone", "greeting", "tone"], "rater_a": [auditor, auditor, "auditor_02"],
            "rater_b": ["auditor_02", "auditor_02", "qa_expert"], "n_shared": [30, 30, 30],
            "percent_agreement": [0.5, 0.7, 0.6], "kappa": [0.4, 0.6, 0.7],
            "weights": ["quadratic", None, "quadratic"], "note": ["", "", ""],
        }
    )  # fmt: skip


def accuracy_frame(acc: float = 0.897, lo: float = 0.874, hi: float = 0.916) -> pd.DataFrame:
    return pd.DataFrame(
        [{"n": 808, "correct": 725, "accuracy": acc, "ci_lo": lo, "ci_hi": hi, "target": 0.9,
          "meets_target": "inconclusive"}]
    )  # fmt: skip


def per_class_frame(label: str = "spam") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": [label, "hate speech"], "support": [166, 70], "n_predicted": [160, 109],
            "precision": [0.94, 0.61], "recall": [0.9, 0.94], "f1": [0.92, 0.74],
        }
    )  # fmt: skip


def pairs_ai_frame(label: str = "harassment") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "gold": [label, "spam"], "predicted": ["hate speech", "scam"], "n": [42, 7],
            "share": [0.3, 0.04], "share_of_errors": [0.5, 0.08],
        }
    )  # fmt: skip


def themes_frame(note: str = "model said hate speech") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme_id": [0], "theme_label": ["Hate / insults"], "size": [19],
            "keywords": ["hate, insults"], "examples": [[note, note, "other"]],
            "top_pairs": ["harassment -> hate speech"],
        }
    )  # fmt: skip


SAMPLE = pd.DataFrame([{"expected_accuracy": 0.897, "margin": 0.03, "confidence": 0.95, "n": 394}])

# (view, frame builder, extra keyword arguments)
CALIBRATION_VIEWS = [
    (cal.agreement_table, agreement_frame, {}),
    (cal.alpha_chart, agreement_frame, {}),
    (cal.deviation_chart, deviation_frame, {}),
    (cal.deviation_summary, deviation_frame, {}),
    (cal.drift_chart, drift_frame, {}),
    (cal.disputed_table, disputed_frame, {}),
    (cal.retrain_recommendation, agreement_frame, {}),
    (cal.pairs_heatmap, pairs_frame, {}),
]
AI_VIEWS = [
    (ai.accuracy_cards, accuracy_frame, {"target": 0.9}),
    (ai.verdict_callout, accuracy_frame, {"target": 0.9}),
    (ai.per_class_table, per_class_frame, {}),
    (ai.confusion_heatmap, pairs_ai_frame, {}),
    (ai.confused_pairs_table, pairs_ai_frame, {}),
    (ai.sample_size_note, lambda: SAMPLE, {}),
]
ALL_VIEWS = CALIBRATION_VIEWS + AI_VIEWS


def _name(case) -> str:
    return case[0].__name__


@pytest.mark.parametrize("case", ALL_VIEWS, ids=_name)
def test_views_render_their_table(case):
    view, frame, kwargs = case
    out = _html(view(frame(), month="2026-10", **kwargs))
    assert out and "No calibration" not in out and "No AI-label" not in out


@pytest.mark.parametrize("case", CALIBRATION_VIEWS, ids=_name)
@pytest.mark.parametrize("empty", [pd.DataFrame(), pd.DataFrame(columns=["item", "alpha"])])
def test_calibration_views_say_when_there_is_no_data(case, empty):
    view, _, kwargs = case
    out = _html(view(empty, month="2026-10", **kwargs))
    assert "No calibration sessions in 2026-10." in out
    assert "plotly" not in out


@pytest.mark.parametrize("case", AI_VIEWS, ids=_name)
def test_ai_views_say_when_there_is_no_data(case):
    view, _, kwargs = case
    out = _html(view(pd.DataFrame(), month="2026-10", **kwargs))
    assert "No AI-label audits in 2026-10." in out


@pytest.mark.parametrize("case", ALL_VIEWS, ids=_name)
def test_views_show_the_reason_the_analysis_recorded(case):
    view, _, kwargs = case
    empty = pd.DataFrame()
    empty.attrs["empty_reason"] = f"no calibration export in the data {XSS}"
    out = _html(view(empty.head(8), month="2026-10", **kwargs))
    assert f"Not enough data: no calibration export in the data {ESCAPED}" in out
    assert "No calibration sessions" not in out and "No AI-label audits" not in out
    assert XSS not in out


def test_themes_table_shows_why_there_are_no_themes():
    empty = pd.DataFrame()
    empty.attrs["empty_reason"] = "12 labeller notes on the model's mistakes in 2026-10: too few"
    assert "Not enough data: 12 labeller notes" in _html(ai.themes_table(empty, month="2026-10"))


def test_themes_table_without_themes_says_so():
    out = _html(ai.themes_table(pd.DataFrame(), month="2026-10"))
    assert "Too few labeller notes" in out and "2026-10" in out


@pytest.mark.parametrize(
    ("view", "frame"),
    [
        (cal.agreement_table, lambda: agreement_frame(XSS)),
        (cal.alpha_chart, lambda: agreement_frame(XSS)),
        (cal.deviation_chart, lambda: deviation_frame(XSS)),
        (cal.deviation_summary, lambda: deviation_frame(XSS)),
        (cal.drift_chart, lambda: drift_frame(XSS)),
        (cal.disputed_table, lambda: disputed_frame(XSS)),
        (cal.retrain_recommendation, lambda: agreement_frame(XSS)),
        (cal.pairs_heatmap, lambda: pairs_frame(XSS)),
        (ai.per_class_table, lambda: per_class_frame(XSS)),
        (ai.confusion_heatmap, lambda: pairs_ai_frame(XSS)),
        (ai.confused_pairs_table, lambda: pairs_ai_frame(XSS)),
        (ai.themes_table, lambda: themes_frame(XSS)),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_data_text_stays_escaped(view, frame):
    out = _html(view(frame(), month="2026-10"))
    assert XSS not in out
    assert "<script>alert" not in out
    assert ESCAPED in out


@pytest.mark.parametrize("view", [cal.alpha_chart, cal.drift_chart, cal.pairs_heatmap])
def test_chart_labels_are_html_escaped_inside_the_figure(view):
    frame = {cal.alpha_chart: agreement_frame, cal.drift_chart: drift_frame,
             cal.pairs_heatmap: pairs_frame}[view]  # fmt: skip
    out = _html(view(frame(XSS), month="2026-10"))
    # plotly serialises "<" as \u003c, so an unescaped label would show up as \u003cscript
    assert "\\u003cscript" not in out
    assert "&lt;script&gt;" in out


@pytest.mark.parametrize(
    ("lo", "hi", "verdict"),
    [(0.91, 0.95, "Meets target"), (0.80, 0.88, "Does not meet target"),
     (0.87, 0.92, "Inconclusive")],
)  # fmt: skip
def test_accuracy_verdict_follows_the_interval(lo, hi, verdict):
    out = _html(ai.accuracy_cards(accuracy_frame((lo + hi) / 2, lo, hi), target=0.9))
    assert verdict in out and "90.0 %" in out
    assert _html(ai.verdict_callout(accuracy_frame((lo + hi) / 2, lo, hi), target=0.9))


def test_weak_classes_and_low_alpha_items_are_flagged():
    assert _html(ai.per_class_table(per_class_frame())).count('class="flag"') == 1
    assert _html(cal.agreement_table(agreement_frame())).count('class="flag"') == 2  # tone, ALL


def test_retrain_recommendation_names_low_items_only():
    out = _html(cal.retrain_recommendation(agreement_frame()))
    assert "“tone”" in out and "greeting" not in out and "ALL" not in out
    good = agreement_frame().assign(alpha=0.9)
    assert "No rubric item" in _html(cal.retrain_recommendation(good))


def test_flagged_auditors_and_summary():
    assert cal.flagged_auditors(deviation_frame()) == ["auditor_01"]
    assert cal.flagged_auditors(pd.DataFrame()) == []
    assert "auditor_01</b> is lenient" in _html(cal.deviation_summary(deviation_frame()))
    in_line = deviation_frame().assign(direction="in line")
    assert "in line with the expert" in _html(cal.deviation_summary(in_line))


def test_themes_table_drops_repeated_examples():
    out = _html(ai.themes_table(themes_frame("same note")))
    assert out.count("same note") == 1


def test_sample_size_note_reads_plainly():
    assert "Audit 394 items next month" in _html(ai.sample_size_note(SAMPLE))


def test_load_rejects_a_folder_that_is_not_a_workspace(tmp_path):
    with pytest.raises(InputError, match="not a workspace folder"):
        cal.load(tmp_path)


# --- notebooks, end to end ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def analysis(sample_analysis):
    return sample_analysis


@pytest.mark.notebook
@pytest.mark.parametrize(
    ("name", "headings"),
    [
        ("calibration", ["Calibration of the QA team", "Items to re-train on",
                         "Who rates more leniently or strictly than the expert?"]),
        ("ai_labels", ["AI-label accuracy", "Which labels does the model get wrong?",
                       "How many items to audit next month"]),
    ],
)  # fmt: skip
def test_qa_notebooks_run_and_show_charts(analysis, tmp_path, name, headings):
    from rca.batch.notebook_run import run_report

    result = run_report(name, {"workspace": str(analysis.path / "workspace")}, tmp_path)
    assert result.status == "ok", result.reason
    assert result.html is not None
    page = result.html.read_text()
    for heading in headings:
        assert heading in page, heading
    assert "js-plotly-plot" in page or "Plotly.newPlot" in page
    assert "Traceback" not in page


@pytest.mark.notebook
def test_wrong_month_stops_the_report(analysis, tmp_path):
    from rca.batch.notebook_run import run_report

    params = {"workspace": str(analysis.path / "workspace"), "month": "2020-01"}
    result = run_report("calibration", params, tmp_path)
    assert result.status == "failed" and "ParameterError" in result.reason


@pytest.mark.notebook
@pytest.mark.parametrize(
    ("name", "message"),
    [("calibration", "No calibration sessions in"), ("ai_labels", "No AI-label audits in")],
)
def test_qa_notebooks_without_data_show_a_callout(analysis, tmp_path, name, message):
    """A month without calibration sessions or AI labels: the sections write empty tables."""
    import shutil

    from rca.batch.notebook_run import run_report

    copy = tmp_path / "analysis"
    shutil.copytree(analysis.path, copy)
    prefixes = ("calibration_", "auditor_deviation", "disputed_items", "ai_")
    for table in (copy / "tables").glob("*.parquet"):
        if table.name.startswith(prefixes):
            pd.DataFrame().to_parquet(table)
    result = run_report(name, {"workspace": str(copy / "workspace")}, tmp_path / "out")
    assert result.status == "ok", result.reason
    assert result.html is not None and message in result.html.read_text()


@pytest.fixture(scope="module")
def audits_only(sample_analysis, tmp_path_factory):
    """The month analysed from the sample's audits alone: no calibration export, no AI labels."""
    import shutil

    from rca.analysis.month import analyze_month

    data = tmp_path_factory.mktemp("audits-only")
    shutil.copy(sample_analysis.path.parent / "data" / "audits.csv", data / "audits.csv")
    return analyze_month(data, data / "out", embedder="fake")


@pytest.mark.notebook
@pytest.mark.parametrize(
    ("name", "reason"),
    [("calibration", "no calibration export in the data"),
     ("ai_labels", "no AI-label export in the data")],
)  # fmt: skip
def test_qa_notebooks_show_why_a_table_is_empty(audits_only, tmp_path, name, reason):
    from rca.batch.notebook_run import run_report

    result = run_report(name, {"workspace": str(audits_only.path / "workspace")}, tmp_path)
    assert result.status == "ok", result.reason
    assert result.html is not None
    assert f"Not enough data: {reason}." in result.html.read_text()


@pytest.mark.browser
@pytest.mark.notebook
@pytest.mark.parametrize(("name", "n_plots"), [("calibration", 4), ("ai_labels", 1)])
def test_qa_reports_render_offline_in_a_browser(analysis, tmp_path, name, n_plots):
    from rca.batch.browser_check import check_reports
    from rca.batch.notebook_run import run_report

    result = run_report(name, {"workspace": str(analysis.path / "workspace")}, tmp_path)
    assert result.status == "ok", result.reason
    (check,) = check_reports(tmp_path, screenshots=False)
    assert check.path == result.html and check.problems == []
    assert check.charts == n_plots  # each drew at least one trace (else it is a problem)
    assert "Traceback" not in check.text


@pytest.mark.notebook
def test_a_reused_kernel_gives_the_same_report_as_a_fresh_one(analysis, tmp_path):
    """The batch reuses kernels: a report must not depend on what ran before it."""
    from rca.batch.kernels import ReportKernel
    from rca.batch.notebook_run import run_report

    params = {"workspace": str(analysis.path / "workspace")}
    fresh = run_report("calibration", params, tmp_path / "fresh")
    with ReportKernel() as kernel:
        run_report("ai_labels", params, tmp_path / "reused", kernel=kernel)
        reused = run_report("calibration", params, tmp_path / "reused", kernel=kernel)
    assert fresh.status == reused.status == "ok", (fresh.reason, reused.reason)
    assert fresh.html and reused.html
    assert fresh.html.read_bytes() == reused.html.read_bytes()
