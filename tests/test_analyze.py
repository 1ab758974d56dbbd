"""`rca analyze`: every table of a month computed once, written as Parquet + CSV + tables.json."""

from __future__ import annotations

import json
import shutil
import sys

import pandas as pd
import pytest

from rca.analyze import TABLES, Analysis, analyze_month
from rca.errors import InputError, ParameterError
from rca.sample import generate_sample

pytestmark = pytest.mark.notebook  # a few minutes of real fits: not in make test-fast


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    generate_sample(data, months=3, seed=0)
    return data


@pytest.fixture(scope="module")
def analysis(sample, tmp_path_factory):
    return analyze_month(sample, tmp_path_factory.mktemp("out"), embedder="fake", seed=0)


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


def test_month_without_data_is_a_clear_error(sample, tmp_path):
    with pytest.raises(ParameterError, match="no audits in that month"):
        analyze_month(sample, tmp_path, month="2025-01", embedder="fake")


def test_first_month_has_nothing_to_compare_with(sample, tmp_path):
    with pytest.raises(ParameterError, match="no earlier month"):
        analyze_month(sample, tmp_path, month="2026-08", embedder="fake")


def test_missing_optional_inputs_give_empty_tables(sample, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(sample / "audits.csv", data / "audits.csv")
    result = analyze_month(data, tmp_path / "out", embedder="fake")
    for name in ("calibration_agreement", "ai_accuracy", "feedback_label_accuracy"):
        assert result.table(name).empty
    assert not result.table("kpis_monthly").empty


def test_no_audits_file_is_a_one_line_error(tmp_path):
    with pytest.raises(InputError, match="no audits file"):
        analyze_month(tmp_path, tmp_path / "out", embedder="fake")


def test_cli(sample, tmp_path, monkeypatch, capsys):
    from rca.cli import main

    monkeypatch.setattr(sys, "argv", ["rca", "analyze", "--data", str(sample), "--out",
                                      str(tmp_path), "--embedder", "fake",
                                      "--macro-changed", "MAC-ACC-004=2026-10-10"])  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    assert (exit_info.value.code or 0) == 0, err
    assert "2026-10 vs 2026-09" in out
    assert json.loads((tmp_path / "tables.json").read_text())["month"] == "2026-10"
    macros = Analysis(tmp_path).table("macros").set_index("macro_id")
    assert bool(macros.loc["MAC-ACC-004", "worse_after"])


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
