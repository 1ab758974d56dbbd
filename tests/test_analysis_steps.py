"""Analysis steps: only "not enough data" leaves a table empty, with its reason; the rest fails.

Each case builds a real workspace folder (parquet tables + workspace.json) by hand, small enough
to run in the fast suite, and runs one step of `rca.analysis.steps` on it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rca.analysis.context import Context, EmptyTable
from rca.analysis.steps import (
    section_calibration,
    section_control,
    section_labels,
    section_operations,
    section_policy,
    section_trends,
)
from rca.analysis.workspace import Workspace
from rca.core.errors import ParameterError

MONTH, PREVIOUS = "2026-10", "2026-09"


def _audits(n: int = 40, *, previous_commented: bool = True, **drop: bool) -> pd.DataFrame:
    """``n`` audits in each of the two months; ``drop`` names optional columns to leave out."""
    rows = []
    for month in (PREVIOUS, MONTH):
        for i in range(n):
            themed = month == MONTH or previous_commented
            rows.append(
                {
                    "audit_id": f"{month}-{i}", "audit_date": pd.Timestamp(f"{month}-{1 + i % 28}"),
                    "agent": f"agent_{i % 4}", "auditor": "auditor_1", "queue": f"q{i % 2}",
                    "market": "MY", "team": f"Team {i % 2}", "passed": i % 3 != 0,
                    "error_category": "" if i % 3 else "tone", "policy": f"p{i % 2}",
                    "macro_id": f"MAC-{i % 3}", "comment": f"comment {i}" if themed else None,
                    "theme_id": (i % 3) if themed else None,
                    "theme_label": f"theme {i % 3}" if themed else None,
                }
            )  # fmt: skip
    df = pd.DataFrame(rows).astype({"theme_id": "Int64"})
    return df.drop(columns=[c for c, gone in drop.items() if gone])


def _workspace(path: Path, notes_month: str = MONTH, **tables: pd.DataFrame) -> Workspace:
    """A workspace folder holding ``tables`` (kind -> table; audits default to `_audits`)."""
    tables.setdefault("audits", _audits())
    path.mkdir(parents=True, exist_ok=True)
    for kind, table in tables.items():
        table.to_parquet(path / f"{kind}.parquet", index=False)
    info = {"months": [PREVIOUS, MONTH], "counts": {k: {"rows": len(t)} for k, t in tables.items()},
            "ai_label_notes": {"month": notes_month}}  # fmt: skip
    (path / "workspace.json").write_text(json.dumps(info))
    return Workspace(path)


def _context(tmp_path: Path, notes_month: str = MONTH, **tables: pd.DataFrame) -> Context:
    ws = _workspace(tmp_path / "ws", notes_month, **tables)
    return Context(ws=ws, month=MONTH, previous=PREVIOUS)


def _ratings(n_cases: int = 3) -> pd.DataFrame:
    rows = [
        {"session_id": "S1", "session_date": pd.Timestamp("2026-10-02"), "case_id": f"c{c}",
         "item": "tone", "auditor": a, "rating": float((c + k) % 5 + 1), "is_expert": a == "exp"}
        for c in range(n_cases) for k, a in enumerate(("exp", "a1", "a2"))
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _ai_labels(n_wrong: int, month: str = MONTH) -> pd.DataFrame:
    rows = [{"item_id": f"i{i}", "date": pd.Timestamp(f"{month}-05"), "model_label": "spam",
             "gold_label": "spam" if i >= n_wrong else "scam", "note": f"note {i}"}
            for i in range(n_wrong + 10)]  # fmt: skip
    return pd.DataFrame(rows)


def _reasons(tables: dict[str, pd.DataFrame | EmptyTable]) -> dict[str, str]:
    return {n: t.reason for n, t in tables.items() if isinstance(t, EmptyTable)}


CALIBRATION = ("calibration_agreement", "calibration_pairs", "auditor_deviation",
               "calibration_drift", "disputed_items")  # fmt: skip
AI = ("ai_accuracy", "ai_per_class", "ai_confused_pairs", "ai_sample_size",
      "ai_disagreement_themes")  # fmt: skip

NO_FEEDBACK = dict.fromkeys(("feedback_label_accuracy", "feedback_confused_pairs"),
                            "no feedback export in the data")  # fmt: skip

# (step, workspace tables, {table: its reason}); tables not named are computed
NOT_ENOUGH_DATA = [
    (section_calibration, {}, dict.fromkeys(CALIBRATION, "no calibration export in the data")),
    (section_calibration, {"calibration": _ratings().iloc[0:0]},
     dict.fromkeys(CALIBRATION, "the calibration export has no valid row (see the quarantine "
                                "files)")),
    (section_labels, {}, {**dict.fromkeys(AI, "no AI-label export in the data"), **NO_FEEDBACK}),
    (section_labels, {"ai_labels": _ai_labels(5, month=PREVIOUS)},
     {**dict.fromkeys(AI, f"the AI-label export has no item labelled in {MONTH}"),
      **NO_FEEDBACK}),
    (section_trends, {"audits": _audits(previous_commented=False)},
     dict.fromkeys(("theme_changes", "emerging_themes", "fading_themes"),
                   f"commented audits: previous month '{PREVIOUS}' has no rows; latest present: "
                   f"{MONTH}")),
    (section_control, {"audits": _audits(team=True)},
     {"p_chart_team": "the audits have no team column"}),
    (section_operations, {"audits": _audits(macro_id=True, error_category=True)},
     {"macros": "the audits have no macro_id column",
      "tech_issues": "no feedback export in the data",
      "issue_timeline": "no feedback export in the data",
      "coaching": "the audits have no error_category column"}),
    (section_policy, {"audits": _audits(policy=True)},
     {"policy_themes": "the audits have no policy column"}),
]  # fmt: skip


@pytest.mark.parametrize(("step", "tables", "reasons"), NOT_ENOUGH_DATA)
def test_not_enough_data_gives_an_empty_table_with_its_reason(tmp_path, step, tables, reasons):
    out = step(_context(tmp_path, **tables))
    assert _reasons(out) == reasons
    for name, table in out.items():
        if name not in reasons:
            assert isinstance(table, pd.DataFrame), name


def test_too_few_notes_to_theme_is_a_reason(tmp_path):
    out = section_labels(_context(tmp_path, ai_labels=_ai_labels(19)))
    assert _reasons(out)["ai_disagreement_themes"] == (
        f"19 labeller notes on the model's mistakes in {MONTH}: too few to group into themes "
        "(at least 20 are needed)"
    )
    assert not out["ai_accuracy"].empty  # the rest of the audit is computed


# (step, workspace tables, month whose notes the workspace themed, error message): data a step
# cannot use fails the month
FAILURES = [
    (section_calibration, {"calibration": _ratings().drop(columns="rating")}, MONTH,
     "ratings lack column\\(s\\) 'rating'"),
    (section_calibration, {"calibration": pd.concat([_ratings(), _ratings().head(1)])}, MONTH,
     "repeat a rater's rating of the same case"),
    (section_labels, {"ai_labels": _ai_labels(25)}, PREVIOUS,
     f"prepared for {PREVIOUS}: its labellers' notes of {MONTH} are not themed"),
]  # fmt: skip


@pytest.mark.parametrize(("step", "tables", "notes_month", "message"), FAILURES)
def test_data_a_step_cannot_use_fails_with_a_one_line_error(
    tmp_path, step, tables, notes_month, message
):
    with pytest.raises(ParameterError, match=message) as error:
        step(_context(tmp_path, notes_month, **tables))
    assert "\n" not in str(error.value)


def test_empty_table_frame_keeps_its_columns():
    assert list(EmptyTable("why", ("a", "b")).frame().columns) == ["a", "b"]


# --- issue 13: the month cut, the p-chart baseline, the audit sample plan ------------------------


def test_control_judges_the_months_weeks_against_the_weeks_before(tmp_path: Path) -> None:
    charts = section_control(_context(tmp_path))
    chart = charts["p_chart_team"]
    assert isinstance(chart, pd.DataFrame)
    judged = chart.loc[chart["judged"], "week"]
    baseline = chart.loc[chart["in_baseline"], "week"]
    assert judged.min() > baseline.max()  # the baseline excludes the judged weeks
    assert set(chart["limits"]) == {"baseline"}
    month_weeks = _audits().pipe(lambda a: a[a["audit_date"].dt.strftime("%Y-%m") == MONTH])
    starts = month_weeks["audit_date"] - pd.to_timedelta(
        month_weeks["audit_date"].dt.day_of_week, "D"
    )
    assert set(judged) == set(starts.dt.strftime("%Y-%m-%d"))


def test_later_calibration_sessions_are_left_out(tmp_path: Path) -> None:
    later = _ratings(6).assign(session_id="S2", session_date=pd.Timestamp("2026-11-03"),
                               rating=5.0)  # fmt: skip
    now = section_calibration(_context(tmp_path / "a", calibration=_ratings(6)))
    both = section_calibration(
        _context(tmp_path / "b", calibration=pd.concat([_ratings(6), later], ignore_index=True))
    )
    for name, table in now.items():
        assert isinstance(table, pd.DataFrame) == isinstance(both[name], pd.DataFrame), name
        if isinstance(table, pd.DataFrame):
            pd.testing.assert_frame_equal(table, both[name])


@pytest.mark.parametrize(("population", "expected_n"), [(None, 856), (40, 40)])
def test_ai_sample_size_is_never_zero_and_uses_the_population(
    tmp_path: Path, population: int | None, expected_n: int
) -> None:
    # 10 of 10 right: Wilson 95 % interval (0.722, 1], so the plan uses p = 0.722:
    # 1.96^2 * 0.722 * 0.278 / 0.03^2 = 856 (plumbing: rca.stats.sample_size is tested against
    # published examples in test_sample_size.py); with 40 items next month, all 40.
    ctx = _context(tmp_path, ai_labels=_ai_labels(0))  # every item right: Wald would say 0
    ctx.ai_population = population
    plan = section_labels(ctx)["ai_sample_size"]
    assert isinstance(plan, pd.DataFrame)
    row = plan.iloc[0]
    assert row["expected_accuracy"] == 1.0 and row["n"] == expected_n
    assert row["population"] == population or (population is None and pd.isna(row["population"]))
