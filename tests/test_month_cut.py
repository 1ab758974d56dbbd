"""A month's analysis uses no data dated after the month: later exports change no table."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rca.analysis.month import TABLES, Analysis, analyze_month
from rca.analysis.prepare import DATE_COLUMNS, until_month_end
from rca.sample import generate_sample

MONTH = "2026-09"
FILES = {"audits": "audits.csv", "feedback": "feedback.csv", "calibration": "calibration.csv",
         "ai_labels": "ai_labels.csv"}  # fmt: skip


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """Cells holding arrays (lists read back from Parquet) as tuples, so frames compare."""
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: tuple(v) if isinstance(v, np.ndarray | list) else v)
    return out


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Analysis, Analysis, Path]:
    """``MONTH`` analysed from three months of exports (one after it) and from the exports cut."""
    root = tmp_path_factory.mktemp("month-cut")
    full = root / "full"
    generate_sample(full, months=3, seed=0, end="2026-10")
    cut = root / "cut"
    cut.mkdir()
    shutil.copy(full / "known_issues.csv", cut / "known_issues.csv")
    end = pd.Period(MONTH, freq="M").end_time
    for kind, name in FILES.items():
        df = pd.read_csv(full / name, dtype=str, keep_default_na=False)
        dates = pd.to_datetime(df[DATE_COLUMNS[kind]].replace("", None))
        assert (dates > end).any(), f"the sample's {kind} should reach past {MONTH}"
        df[~(dates > end)].to_csv(cut / name, index=False)
    a = analyze_month(full, root / "out-full", month=MONTH, embedder="fake", seed=0)
    b = analyze_month(cut, root / "out-cut", month=MONTH, embedder="fake", seed=0)
    return a, b, full


@pytest.mark.notebook  # two analyses of three sample months (minutes): with test_analyze.py
def test_later_months_change_no_table(both: tuple[Analysis, Analysis, Path]) -> None:
    with_later, without_later, _ = both
    assert with_later.info["month"] == without_later.info["month"] == MONTH
    differ = []
    for name in TABLES:
        assert with_later.empty_reason(name) == without_later.empty_reason(name), name
        try:
            pd.testing.assert_frame_equal(
                _plain(with_later.table(name)), _plain(without_later.table(name))
            )
        except AssertionError as exc:
            differ.append(f"{name}: {str(exc)[:300]}")
    assert not differ, "\n".join(differ)


@pytest.mark.notebook
def test_the_workspace_holds_nothing_after_the_month(both: tuple[Analysis, Analysis, Path]) -> None:
    with_later, _, _ = both
    ws = with_later.workspace
    assert ws.info["month"] == MONTH and ws.info["months"][-1] == MONTH
    assert ws.info["later_rows_left_out"]["audits"] > 0
    for kind, column in DATE_COLUMNS.items():
        dates = pd.to_datetime(ws.table(kind)[column])
        assert not (dates > pd.Period(MONTH, freq="M").end_time).any(), kind


def test_until_month_end_keeps_undated_rows() -> None:
    df = pd.DataFrame({"date": pd.to_datetime(["2026-09-30 23:00", "2026-10-01 00:00", None])})
    assert until_month_end(df, "feedback", MONTH).index.tolist() == [0, 2]
    assert until_month_end(df, "unknown kind", MONTH).equals(df)
