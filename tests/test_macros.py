from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rca.core.errors import ParameterError
from rca.stats.macros import MACRO_COLUMNS, TREND_COLUMNS, macro_report, macro_trend


def audits(spec: dict[tuple[str, str | None], tuple[int, int]], day: int = 15) -> pd.DataFrame:
    """Audits from {(month, macro): (n, failing)}; dated on ``day`` of the month."""
    rows = []
    for (month, macro), (n, failing) in spec.items():
        for i in range(n):
            rows.append(
                {
                    "audit_date": pd.Timestamp(f"{month}-{day:02d}"),
                    "passed": i >= failing,
                    "macro_id": macro,
                    "queue": "payments",
                    "comment": f"comment {month} {macro} {i} mail me at jo{i}@example.com",
                }
            )
    return pd.DataFrame(rows)


BASE = {("2026-01", "A"): (50, 5), ("2026-01", "B"): (50, 5), ("2026-01", "C"): (50, 5)}


def test_ranks_by_excess_failures_and_reports_rates():
    df = audits({**BASE, ("2026-02", "A"): (60, 30), ("2026-02", "B"): (60, 6),
                 ("2026-02", "C"): (60, 9), ("2026-02", None): (40, 4)})  # fmt: skip
    r = macro_report(df, current="2026-02", previous="2026-01")
    assert list(r.columns) == list(MACRO_COLUMNS)
    assert r["macro_id"].tolist() == ["A", "C", "B"]
    a = r.iloc[0]
    assert a["rank"] == 1 and a["audits"] == 60 and a["failing"] == 30
    assert a["fail_rate"] == pytest.approx(0.5)
    assert a["fail_lo"] < 0.5 < a["fail_hi"]
    assert a["share_of_failures"] == pytest.approx(30 / (30 + 6 + 9 + 4))
    assert a["rest_fail_rate"] == pytest.approx(15 / 120)
    assert a["score"] == pytest.approx(60 * (0.5 - 15 / 120))
    assert a["excess_q"] < 0.001 and a["change_q"] < 0.001
    assert a["previous_fail_rate"] == pytest.approx(0.1)
    assert a["trend"] == pytest.approx([0.1, 0.5])
    assert r["score"].is_monotonic_decreasing


@pytest.mark.parametrize(
    "changed_after",
    ["2026-02-10", dt.date(2026, 2, 10), pd.Timestamp("2026-02-10"), {"A": "2026-02-10"}],
)
def test_worse_after_a_change(changed_after):
    before = audits({("2026-01", "A"): (80, 8), ("2026-01", "B"): (80, 8)}, day=5)
    early = audits({("2026-02", "A"): (30, 3), ("2026-02", "B"): (30, 3)}, day=5)
    late = audits({("2026-02", "A"): (40, 24), ("2026-02", "B"): (40, 4)}, day=20)
    r = macro_report(pd.concat([before, early, late]), current="2026-02", previous="2026-01",
                     changed_after=changed_after).set_index("macro_id")  # fmt: skip
    assert bool(r.loc["A", "worse_after"]) is True
    assert bool(r.loc["B", "worse_after"]) is False
    assert r.loc["A", "changed_after"] == dt.date(2026, 2, 10)
    assert r.loc["A", "after_fail_rate"] == pytest.approx(24 / 40)
    assert r.loc["A", "before_fail_rate"] == pytest.approx(11 / 110)


def test_without_change_date_nothing_is_worse_after():
    r = macro_report(audits(BASE), current="2026-01", previous=None)
    assert not r["worse_after"].any()
    assert r["after_p"].isna().all() and r["change"].isna().all()


@pytest.mark.parametrize(
    ("df", "current"),
    [
        (audits({("2026-01", None): (30, 3)}), "2026-01"),  # no macros
        (audits(BASE), "2026-05"),  # empty month
        (audits({}).reindex(columns=["audit_date", "passed", "macro_id"]), "2026-01"),
    ],
    ids=["no-macros", "empty-month", "no-audits"],
)
def test_degenerate_inputs_give_an_empty_table(df, current):
    r = macro_report(df, current=current, previous="2025-12")
    assert r.empty and list(r.columns) == list(MACRO_COLUMNS)


def test_small_macros_are_untested_and_ranked_last():
    df = audits({**BASE, ("2026-02", "A"): (40, 8), ("2026-02", "B"): (40, 4),
                 ("2026-02", "TINY"): (5, 5)})  # fmt: skip
    r = macro_report(df, current="2026-02", previous="2026-01", min_n=20)
    tiny = r[r["macro_id"] == "TINY"].iloc[0]
    assert bool(tiny["small_n"]) and tiny["rank"] == len(r)
    assert np.isnan(tiny["excess_p"]) and np.isnan(tiny["change_p"])


def test_examples_are_redacted_and_top_themes_counted():
    df = audits({("2026-01", "A"): (30, 12), ("2026-01", "B"): (30, 3)})
    df["theme_id"] = np.where(df.index % 3 == 0, -1, df.index % 2)
    df["theme_label"] = df["theme_id"].map({-1: "Unassigned", 0: "Old link", 1: "Tone"})
    r = macro_report(df, current="2026-01", previous=None).set_index("macro_id")
    assert 1 <= len(r.loc["A", "examples"]) <= 3
    assert all("[EMAIL]" in q and "@" not in q for q in r.loc["A", "examples"])
    assert r.loc["A", "top_themes"][0].endswith(")")
    assert not any(t.startswith("Unassigned") for t in r.loc["A", "top_themes"])


def test_macro_trend_is_long_with_intervals():
    t = macro_trend(audits({**BASE, ("2026-02", "A"): (10, 5)}), min_n=20)
    assert list(t.columns) == list(TREND_COLUMNS)
    assert len(t) == 4
    last = t[(t["macro_id"] == "A") & (t["month"] == "2026-02")].iloc[0]
    assert last["fail_rate"] == 0.5 and last["small_n"]
    assert last["fail_lo"] < 0.5 < last["fail_hi"]


def test_missing_columns_are_reported():
    with pytest.raises(ParameterError, match="macro_id"):
        macro_report(pd.DataFrame({"audit_date": [], "passed": []}), current="x", previous=None)


# -- sample data -------------------------------------------------------------------------------


def sample_dir(seed: int, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Sample data of ``seed`` (6 months), generated once per session; shared by test modules."""
    from rca.sample import generate_sample

    out = tmp_path_factory.getbasetemp() / f"rca-sample-{seed}"
    if not (out / "ground_truth.json").exists():
        generate_sample(out, months=6, seed=seed)
    return out, json.loads((out / "ground_truth.json").read_text())


@pytest.fixture(scope="module", params=[0, 1, 2])
def sample(request, tmp_path_factory):
    from rca.ingest.validate import validate_file

    out, truth = sample_dir(request.param, tmp_path_factory)
    return validate_file(out / "audits.csv", "audits").data, truth


def test_planted_outdated_macro_ranks_first(sample):
    df, truth = sample
    rc = next(c for c in truth["root_causes"] if c["type"] == "outdated_macro")
    months = truth["months"]
    r = macro_report(df, current=months[-1], previous=months[-2],
                     changed_after=f"{rc['first_month']}-01")  # fmt: skip
    top = r.iloc[0]
    assert top["macro_id"] == rc["segment"]["macro"]
    assert bool(top["worse_after"]) and top["excess_q"] < 0.05
    # only the planted macro fails more than the other macros; "worse after" alone (each macro
    # against its own past) also catches macros whose failures rose with the new-hire cohort
    # (a macro of the same queue may fail clearly LESS than the stale one's queue-mates)
    assert ((r["excess_q"] < 0.05) & (r["excess_rate"] > 0)).sum() == 1
    assert r["worse_after"].sum() <= 3


def _queued(spec: dict[tuple[str, str], tuple[int, int]], month: str = "2026-02") -> pd.DataFrame:
    """Audits of ``month`` from {(queue, macro): (n, failing)}."""
    parts = []
    for (queue, macro), n_fail in spec.items():
        parts.append(audits({(month, macro): n_fail}).assign(queue=queue))
    return pd.concat(parts, ignore_index=True)


def test_a_hard_queue_does_not_make_its_macros_stale():
    # Every macro of "fraud" fails 40 %, those of "payments" 10 %: vs all other macros the fraud
    # macros would stand out (40 % vs about 20 %); vs their own queue they do not. The stale
    # macro P3 (40 % in a 10 % queue) stands out either way.
    df = _queued({("fraud", "F1"): (100, 40), ("fraud", "F2"): (100, 40),
                  ("fraud", "F3"): (100, 40), ("payments", "P1"): (100, 10),
                  ("payments", "P2"): (100, 10), ("payments", "P3"): (100, 40)})  # fmt: skip
    r = macro_report(df, current="2026-02", previous=None).set_index("macro_id")
    assert set(r["comparison"]) == {"same_queue"}
    assert r.loc["F1", "rest_fail_rate"] == pytest.approx(0.4)
    assert r.loc["F1", "rest_audits"] == 200
    assert r.loc["F1", "excess_rate"] == pytest.approx(0.0)
    assert r.loc["F1", "excess_q"] > 0.5
    assert r.loc["P3", "rest_fail_rate"] == pytest.approx(0.1)
    assert r.loc["P3", "excess_q"] < 0.001
    assert r.index[0] == "P3"
    # The old comparison (all other macros) would have flagged F1 too:
    alone = macro_report(df.assign(queue=None), current="2026-02", previous=None)
    alone = alone.set_index("macro_id")
    assert set(alone["comparison"]) == {"other_macros"}
    assert alone.loc["F1", "rest_fail_rate"] == pytest.approx((40 + 40 + 10 + 10 + 40) / 500)
    assert alone.loc["F1", "excess_q"] < 0.05


def test_a_queue_with_too_few_other_audits_falls_back_to_all_other_macros():
    df = _queued({("fraud", "F1"): (60, 24), ("fraud", "F2"): (10, 4),
                  ("payments", "P1"): (60, 6), ("payments", "P2"): (60, 6)})  # fmt: skip
    r = macro_report(df, current="2026-02", previous=None, min_n=20).set_index("macro_id")
    assert r.loc["F1", "comparison"] == "other_macros"  # F2's 10 audits < min_n
    assert r.loc["F1", "rest_audits"] == 130
    assert r.loc["F1", "rest_fail_rate"] == pytest.approx(16 / 130)
    assert r.loc["P1", "comparison"] == "same_queue"
    assert r.loc["P1", "rest_fail_rate"] == pytest.approx(0.1)
