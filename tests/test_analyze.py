"""`rca analyze`: every table of a month computed once, written as Parquet + CSV + tables.json."""

from __future__ import annotations

import json
import shutil
import sys

import pandas as pd
import pytest

from rca.analysis.month import TABLES, Analysis, analyze_month
from rca.core.errors import InputError, ParameterError
from rca.sample import generate_sample
from rca.store import Store

pytestmark = pytest.mark.notebook  # a few minutes of real fits: not in make test-fast


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    generate_sample(data, months=3, seed=0)
    return data


@pytest.fixture(scope="module")
def analysis(sample, tmp_path_factory):
    return analyze_month(sample, tmp_path_factory.mktemp("out"), embedder="fake", seed=0)


@pytest.fixture(scope="module")
def audits_only(sample, tmp_path_factory):
    """The month analysed from the audits alone: no feedback, calibration or AI labels."""
    data = tmp_path_factory.mktemp("audits-only")
    shutil.copy(sample / "audits.csv", data / "audits.csv")
    return analyze_month(data, data / "out", embedder="fake")


def test_every_table_is_written_and_described(analysis):
    info = analysis.info
    assert info["month"] == "2026-10" and info["previous"] == "2026-09"
    assert set(info["tables"]) == set(TABLES)
    for name, meta in info["tables"].items():
        assert (analysis.path / "tables" / f"{name}.parquet").exists()
        assert (analysis.path / "tables" / f"{name}.csv").exists()
        assert len(analysis.table(name)) == meta["rows"]
        assert meta["description"] == TABLES[name]


def test_tables_hold_the_month(analysis):
    monthly = analysis.table("kpis_monthly")
    assert monthly["month"].tolist() == ["2026-08", "2026-09", "2026-10"]
    segments = analysis.table("kpis_segments")
    assert {"market", "queue", "team", "agent", "auditor"} <= set(segments["segment"])
    pareto = analysis.table("error_pareto")
    assert pareto["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    changes = analysis.table("theme_changes")
    assert {"q_value", "p_value", "segment", "diff_lo", "diff_hi"} <= set(changes.columns)
    assert analysis.table("ai_accuracy")["n"].item() > 100


def test_analysis_reads_back_from_disk(analysis):
    again = Analysis(analysis.path)
    pd.testing.assert_frame_equal(again.table("kpis_monthly"), analysis.table("kpis_monthly"))
    assert (again.workspace.path / "audit_model").is_dir()
    assert (again.workspace.path / "feedback_model").is_dir()
    with pytest.raises(ParameterError, match="unknown table"):
        again.table("nope")


def test_comments_and_feedback_carry_their_detected_language(analysis):
    """One language per text (NA without text), and the backend each text column was themed with."""
    from rca.analysis.prepare import LANGUAGE_COLUMN
    from rca.text.language import LANGUAGE_NAMES

    ws = analysis.workspace
    for kind, column in (("audits", "comment"), ("feedback", "text")):
        table = ws.table(kind)
        has_text = table[column].fillna("").str.strip().str.len() > 0
        assert table.loc[has_text, LANGUAGE_COLUMN].isin(list(LANGUAGE_NAMES)).all()
        assert table.loc[~has_text, LANGUAGE_COLUMN].isna().all()
        assert (table.loc[has_text, LANGUAGE_COLUMN] != "und").mean() > 0.5
    assert ws.info["embedder_choice"] == {"audits": "fake", "feedback": "fake",
                                          "ai_labels": "fake"}  # fmt: skip


def test_a_month_that_cannot_be_analysed_stops_before_theme_fitting(sample, tmp_path):
    message = "2025-01: no audits in that month; months in the data: 2026-08, 2026-09, "
    with pytest.raises(ParameterError, match=message):
        analyze_month(sample, tmp_path, month="2025-01", embedder="fake")
    assert not list((tmp_path / "workspace").glob("*_model"))  # no minutes lost fitting themes


@pytest.mark.parametrize(
    ("name", "reason"),
    [("calibration_agreement", "no calibration export in the data"),
     ("ai_accuracy", "no AI-label export in the data"),
     ("ai_disagreement_themes", "no AI-label export in the data"),
     ("feedback_label_accuracy", "no feedback export in the data"),
     ("tech_issues", "no feedback export in the data"),
     ("kpis_monthly", None), ("macros", None)],
)  # fmt: skip
def test_missing_optional_inputs_give_empty_tables_with_their_reason(audits_only, name, reason):
    described = json.loads((audits_only.path / "tables.json").read_text())["tables"][name]
    assert described["empty_reason"] == reason == audits_only.empty_reason(name)
    table = audits_only.table(name)
    assert table.empty == (reason is not None) == (described["rows"] == 0)
    assert table.attrs.get("empty_reason") == reason


def test_data_a_step_cannot_use_fails_the_analysis_in_one_line(sample, tmp_path, monkeypatch,
                                                               capsys):  # fmt: skip
    """A rater rating the same case twice used to empty every calibration table silently."""
    from rca.cli import main

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(sample / "audits.csv", data / "audits.csv")
    ratings = pd.read_csv(sample / "calibration.csv", dtype=str)
    pd.concat([ratings, ratings.head(1)]).to_csv(data / "calibration.csv", index=False)
    monkeypatch.setattr(sys, "argv", ["rca", "analyze", "--data", str(data), "--out",
                                      str(tmp_path / "out"), "--embedder", "fake"])  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and errors[0].startswith("error: ratings: 2 rows repeat a rater's")
    assert not (tmp_path / "out" / "tables.json").exists()


def test_labellers_notes_are_redacted_and_themed_once(sample, tmp_path, monkeypatch):
    """Notes are cleaned, redacted and themed in the preparation only, never again by a step."""
    import rca.text.clean
    import rca.text.redact
    import rca.themes.find

    data = tmp_path / "data"
    data.mkdir()
    for kind in ("audits", "ai_labels"):
        shutil.copy(sample / f"{kind}.csv", data / f"{kind}.csv")
    cleaned, redacted, themed = [], [], []
    notes: set[str] = set()
    clean_series, redact_series = rca.text.clean.clean_series, rca.text.redact.redact_series
    find_themes = rca.themes.find.find_themes

    def clean(series, *args, **kwargs):
        cleaned.append(series.name)
        return clean_series(series, *args, **kwargs)

    def redact(series, *args, **kwargs):
        redacted.append(series.name)
        out = redact_series(series, *args, **kwargs)
        if series.name == "note":
            notes.update(out.dropna())
        return out

    def themes(texts, *args, **kwargs):
        themed.append("note" if set(texts) <= notes else "other")
        return find_themes(texts, *args, **kwargs)

    monkeypatch.setattr(rca.text.clean, "clean_series", clean)
    monkeypatch.setattr(rca.text.redact, "redact_series", redact)
    monkeypatch.setattr(rca.themes.find, "find_themes", themes)
    analysis = analyze_month(data, tmp_path / "out", embedder="fake")
    assert cleaned.count("note") == redacted.count("note") == 1
    assert sorted(themed) == ["note", "other"]  # the labellers' notes, the auditors' comments
    assert not analysis.table("ai_disagreement_themes").empty


def test_each_kind_of_text_gets_the_number_of_themes_asked_for(sample, tmp_path, monkeypatch):
    """Feedback is themed with the caller's n_themes, not the number of audit themes found."""
    import rca.themes.find
    from rca.analysis.prepare import prepare_workspace

    data = tmp_path / "data"
    data.mkdir()
    for kind in ("audits", "feedback"):
        shutil.copy(sample / f"{kind}.csv", data / f"{kind}.csv")
    asked: list[object] = []
    find_themes = rca.themes.find.find_themes

    def themes(texts, *args, **kwargs):
        asked.append(kwargs.get("n_themes"))
        return find_themes(texts, *args, **kwargs)

    monkeypatch.setattr(rca.themes.find, "find_themes", themes)
    prepare_workspace(data, tmp_path / "ws", embedder="fake", verbose=False)
    assert asked == ["auto", "auto"]


def test_no_audits_file_is_a_one_line_error(tmp_path):
    with pytest.raises(InputError, match="no audits file"):
        analyze_month(tmp_path, tmp_path / "out", embedder="fake")


def test_cli(sample, tmp_path, monkeypatch, capsys):
    from rca.cli import main

    data = tmp_path / "data"  # audits only: the macro table needs nothing else, and it is quicker
    data.mkdir()
    shutil.copy(sample / "audits.csv", data / "audits.csv")
    truth = json.loads((sample / "ground_truth.json").read_text(encoding="utf-8"))
    stale = next(c for c in truth["root_causes"] if c["type"] == "outdated_macro")
    macro, changed = stale["segment"]["macro"], stale["start_date"]
    store = tmp_path / "private" / "history.duckdb"
    monkeypatch.setattr(sys, "argv", ["rca", "analyze", "--data", str(data), "--out",
                                      str(tmp_path / "out"), "--embedder", "fake",
                                      "--macro-changed", f"{macro}={changed}",
                                      "--store", str(store)])  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    assert (exit_info.value.code or 0) == 0, err
    assert "2026-10 vs 2026-09" in out
    assert json.loads((tmp_path / "out" / "tables.json").read_text())["month"] == "2026-10"
    macros = Analysis(tmp_path / "out").table("macros").set_index("macro_id")
    assert bool(macros.loc[macro, "worse_after"])
    with Store(store) as kept:  # --store: the months and the run stay in the given store
        assert kept.months("audits")[-1] == "2026-10" and len(kept.runs()) == 1
        assert not kept.read_table("macros").empty


def test_weekly_pairs_and_disagreement_themes(analysis):
    weekly = analysis.table("theme_changes_weekly")
    assert not weekly.empty and weekly["q_value"].notna().any()
    pairs = analysis.table("calibration_pairs")
    assert len(pairs) >= 28  # 8 auditors + expert: at least 8 choose 2 pairs
    notes = analysis.table("ai_disagreement_themes")
    assert not notes.empty and notes["top_pairs"].str.contains("->").all()


def test_bad_macro_change_option(sample, tmp_path, monkeypatch, capsys):
    from rca.cli import main

    monkeypatch.setattr(sys, "argv", ["rca", "analyze", "--data", str(sample), "--out",
                                      str(tmp_path), "--macro-changed", "MAC-1:2026"])  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert "expected MACRO=YYYY-MM-DD" in capsys.readouterr().err


class _Workspace:
    """Just enough of `rca.analysis.workspace.Workspace` for one section."""

    def __init__(self, audits: pd.DataFrame, topics: pd.DataFrame) -> None:
        self._audits, self._topics = audits, topics

    def table(self, kind: str) -> pd.DataFrame:
        return self._audits if kind == "audits" else pd.DataFrame()

    def themes(self, kind: str = "audits") -> pd.DataFrame:
        return self._topics


def _audits(policy: str, n_pass: int, failing_themes: dict[int, int]) -> list[dict]:
    rows = [{"policy": policy, "passed": True, "theme_id": 3, "comment": "fine"}] * n_pass
    for topic, n in failing_themes.items():
        rows += [{"policy": policy, "passed": False, "theme_id": topic,
                  "comment": f"{policy} failed on theme {topic}"}] * n  # fmt: skip
    return rows


def test_policy_themes_show_which_themes_dominate_each_policys_failures():
    from rca.analysis.steps import POLICY_THEME_COLUMNS, Context, section_policy

    no_policy = [{"policy": None, "passed": False, "theme_id": 1, "comment": "no policy"}] * 5
    rows = _audits("refunds", 60, {1: 30, 2: 10}) + _audits("payouts", 20, {1: 4, 2: 36})
    rows += no_policy
    audits = pd.DataFrame(rows).assign(audit_date=pd.Timestamp("2026-10-15"))
    older = audits.head(5).assign(audit_date=pd.Timestamp("2026-09-15"), theme_id=2)
    topics = pd.DataFrame({"theme_id": [1, 2, 3], "theme_label": ["Refund window", "Tone", "OK"],
                           "root_cause": ["policy.unclear_policy", "people.soft_skills",
                                          "unmapped"]})  # fmt: skip
    ctx = Context(ws=_Workspace(pd.concat([older, audits]), topics), month="2026-10",
                  previous="2026-09")  # type: ignore[arg-type]  # fmt: skip
    table = section_policy(ctx)["policy_themes"]
    assert list(table.columns) == list(POLICY_THEME_COLUMNS)
    assert set(table["policy"]) == {"refunds", "payouts"}  # no-policy failures left out
    row = table.set_index(["policy", "theme_label"]).loc[("refunds", "Refund window")]
    assert (row["policy_audits"], row["policy_failing"], row["failing"]) == (100, 40, 30)
    assert row["share"] == pytest.approx(0.75) and row["rest_share"] == pytest.approx(0.1)
    assert row["policy_fail_rate"] == pytest.approx(0.4) and row["rank_in_policy"] == 1
    assert row["root_cause"] == "policy.unclear_policy"
    assert list(row["examples"]) == ["refunds failed on theme 1"]
    standing_out = table.loc[table["stands_out"], ["policy", "theme_label"]].to_numpy().tolist()
    assert standing_out == [["payouts", "Tone"], ["refunds", "Refund window"]]


def test_policy_themes_table_is_written(analysis):
    table = analysis.table("policy_themes")
    assert not table.empty
    per_policy = table.groupby("policy")
    assert (per_policy["share"].sum() <= 1 + 1e-9).all()
    audits = analysis.workspace.audits()
    month = audits[audits["audit_date"].dt.strftime("%Y-%m") == "2026-10"]
    failing = month[~month["passed"].astype(bool)]
    # every failing audit counts in its policy's denominator; those with a comment have a theme
    assert (
        per_policy["policy_failing"].first().to_dict() == failing.groupby("policy").size().to_dict()
    )
    themed = failing[failing["theme_id"].notna()].groupby("policy").size()
    assert per_policy["failing"].sum().to_dict() == themed.to_dict()


def _behind(f, ws: dict[str, pd.DataFrame], month: str) -> tuple[pd.DataFrame, pd.Series]:
    """The rows a finding's ``evidence_ids`` name, and whether each matches its subject."""
    ids = [str(i) for i in f.evidence_ids]
    if f.type in ("macro", "coaching_need", "emerging_theme"):
        rows = ws["audits"].loc[ids]
        ok = pd.to_datetime(rows["audit_date"]).dt.strftime("%Y-%m") == month
        if f.type == "macro":
            return rows, ok & (rows["macro_id"] == f.macro_id) & ~rows["passed"].astype(bool)
        if f.type == "emerging_theme":
            here = rows[f.segment_type] == f.segment_value if f.segment_type != "all" else ok
            return rows, ok & here & (rows["theme_id"] == f.theme_id)
        who = rows["agent"] == f.agent if f.group_type == "agent" else rows["team"] == f.team
        return rows, ok & who & (rows["error_category"] == f.error_category)
    if f.type == "top_driver":  # quotes of the theme's own items this month
        kind, date = ("feedback", "date") if f.metric == "mean_rating" else ("audits", "audit_date")
        rows = ws[kind].loc[ids]
        ok = pd.to_datetime(rows[date]).dt.strftime("%Y-%m") == month
        return rows, ok & (rows["theme_id"] == f.theme_id)
    if f.type == "technical_issue":
        rows = ws["feedback"].loc[ids]
        return rows, rows["theme_id"] == f.theme_id
    if f.type == "calibration_gap":
        mine = ws["calibration"][ws["calibration"]["auditor"] == f.auditor]
        return mine[mine["case_id"].isin(ids)], pd.Series(ids).isin(mine["case_id"])
    rows = ws["ai_labels"].loc[ids]
    labels = (rows["gold_label"] == f.gold_label) & (rows["model_label"] == f.predicted_label)
    return rows, labels


def test_findings_name_the_rows_behind_them(analysis):
    ws = {kind: analysis.workspace.table(kind) for kind in ("audits", "feedback", "ai_labels")}
    ws = {kind: df.set_index(f"{kind.rstrip('s')}_id".replace("ai_label", "item"), drop=False)
          for kind, df in ws.items()}  # fmt: skip
    ws["calibration"] = analysis.workspace.table("calibration")
    findings = analysis.table("findings")
    significant = findings[findings["significant"]]
    assert {"macro", "coaching_need", "technical_issue"} <= set(significant["type"])
    for f in findings.itertuples():
        if f.type in ("macro", "coaching_need", "technical_issue") and f.significant:
            assert len(f.evidence_ids) > 0, f
        assert len(f.evidence_ids) <= 20 and len(set(f.evidence_ids)) == len(f.evidence_ids)
        if len(f.evidence_ids):
            rows, ok = _behind(f, ws, analysis.info["month"])
            assert len(rows) >= len(f.evidence_ids) and ok.all(), (f.title, rows)
    macros = analysis.table("macros").set_index("macro_id")
    quoted = findings[findings["type"] == "macro"].iloc[0]
    examples = list(macros.loc[quoted["macro_id"], "examples"])
    first = ws["audits"].loc[[str(i) for i in quoted["evidence_ids"][: len(examples)]]]
    assert first["comment"].tolist() == examples  # the first ids are the audits quoted
