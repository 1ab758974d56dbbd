"""The history store: round trips, monthly ingests equal one export, atomic ingests, migrations.

Plumbing tests (the store against itself and against the validated frames that went in): no
statistic is computed here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from rca.analysis.intake import ingest_exports, read_exports
from rca.core.errors import ParameterError
from rca.sample import generate_sample
from rca.store import Store

KINDS = ("audits", "feedback", "calibration", "ai_labels")
DATES = {"audits": "audit_date", "feedback": "date", "calibration": "session_date",
         "ai_labels": "date"}  # fmt: skip


@pytest.fixture(scope="module")
def sample3(tmp_path_factory):
    """``rca sample --months 3 --volume 0.2``, read as prepare reads it."""
    folder = tmp_path_factory.mktemp("sample3")
    generate_sample(folder, months=3, volume=0.2)
    exports = read_exports(folder, quarantine_dir=folder / "q", verbose=False)
    return folder, exports


def split_by_month(folder, out_root):
    """Cut a sample folder into one folder per month (each kind by its date column)."""
    frames = {k: pd.read_csv(folder / f"{k}.csv", dtype=str, keep_default_na=False) for k in KINDS}
    months = sorted(frames["audits"]["audit_date"].str[:7].unique())
    folders = []
    for month in months:
        target = out_root / month
        target.mkdir(parents=True)
        for kind, df in frames.items():
            df[df[DATES[kind]].str[:7] == month].to_csv(target / f"{kind}.csv", index=False)
        folders.append((month, target))
    return folders


def snapshot(store):
    """What a failed ingest must leave untouched: every row of every kind, and the history."""
    return {kind: store.read(kind) for kind in KINDS}, store.history(), store.kinds()


def assert_same(before, after):
    for kind in KINDS:
        pd.testing.assert_frame_equal(before[0][kind], after[0][kind])
    pd.testing.assert_frame_equal(before[1], after[1])
    assert before[2] == after[2]


def test_read_gives_back_the_validated_frames(sample3, tmp_path):
    _, exports = sample3
    with Store(tmp_path / "h.duckdb") as store:
        summary = store.replace_months(exports.tables, source=exports.source,
                                       files=exports.files, counts=exports.counts)  # fmt: skip
        assert summary.months == ["2026-08", "2026-09", "2026-10"] and not summary.replaced
        for kind in KINDS:
            expected = exports.tables[kind].reset_index(drop=True)
            pd.testing.assert_frame_equal(store.read(kind), expected)
        assert store.kinds() == exports.counts
        assert store.months() == summary.months
        until = store.read("audits", until="2026-09")
        assert sorted(until["audit_date"].dt.strftime("%Y-%m").unique()) == ["2026-08", "2026-09"]
        assert store.read("feedback", since="2026-10")["date"].min() >= pd.Timestamp("2026-10-01")
        assert store.read("audits", until="2020-01").empty


def test_twelve_monthly_ingests_equal_one_full_history_ingest(tmp_path):
    folder = tmp_path / "sample12"
    generate_sample(folder, months=12, volume=0.1)
    full, monthly = tmp_path / "full.duckdb", tmp_path / "monthly.duckdb"
    ingest_exports(folder, full, verbose=False)
    folders = split_by_month(folder, tmp_path / "months")
    assert len(folders) == 12
    for month, path in folders:
        summary = ingest_exports(path, monthly, month=month, verbose=False)
        assert summary.months == [month] and summary.later_than_stored
    with Store(full, read_only=True) as one, Store(monthly, read_only=True) as twelve:
        assert one.months() == twelve.months() and len(one.months()) == 12
        for kind in KINDS:
            pd.testing.assert_frame_equal(one.read(kind), twelve.read(kind))
            last = one.months()[-1]
            pd.testing.assert_frame_equal(one.read(kind, until=last), twelve.read(kind, until=last))
            pd.testing.assert_frame_equal(
                one.text_keys(kind) if kind in ("audits", "feedback") else pd.DataFrame(),
                twelve.text_keys(kind) if kind in ("audits", "feedback") else pd.DataFrame(),
            )
        assert one.kinds() == twelve.kinds()
        assert one.kinds(until="2026-05") == twelve.kinds(until="2026-05")


def test_reingesting_a_month_replaces_it(sample3, tmp_path):
    folder, _ = sample3
    store = tmp_path / "h.duckdb"
    ingest_exports(folder, store, verbose=False)
    smaller = tmp_path / "smaller"
    smaller.mkdir()
    for kind in KINDS:
        df = pd.read_csv(folder / f"{kind}.csv", dtype=str, keep_default_na=False)
        in_month = df[DATES[kind]].str[:7] == "2026-09"
        df[in_month].iloc[:-10].to_csv(smaller / f"{kind}.csv", index=False)
    with Store(store, read_only=True) as opened:
        before = opened.history().set_index("month")
    summary = ingest_exports(smaller, store, month="2026-09", verbose=False)
    assert summary.replaced == ["2026-09"] and "replaced 2026-09" in summary.message()
    with Store(store, read_only=True) as opened:
        after = opened.history().set_index("month")
        assert opened.months() == ["2026-08", "2026-09", "2026-10"]
    for kind in KINDS:
        assert after.loc["2026-09", kind] == before.loc["2026-09", kind] - 10
        assert after.loc["2026-08", kind] == before.loc["2026-08", kind]
        assert after.loc["2026-10", kind] == before.loc["2026-10", kind]


@pytest.mark.parametrize("failing", ["feedback", "ai_labels"])
def test_a_failed_ingest_leaves_the_store_as_it_was(sample3, tmp_path, monkeypatch, failing):
    import rca.store.months

    folder, exports = sample3
    path = tmp_path / "h.duckdb"
    ingest_exports(folder, path, month="2026-09", verbose=False)
    real_insert = rca.store.months.insert_rows

    def insert_then_fail(con, kind, frame):
        real_insert(con, kind, frame)
        if kind == failing:
            raise RuntimeError("disk full")

    with Store(path) as store:
        before = snapshot(store)
        monkeypatch.setattr(rca.store.months, "insert_rows", insert_then_fail)
        for months in (None, ["2026-09"]):  # new months, and a replaced one
            with pytest.raises(RuntimeError, match="disk full"):
                store.replace_months(exports.tables, source="x", files=exports.files,
                                     counts=exports.counts, months=months)  # fmt: skip
            assert_same(before, snapshot(store))
    with Store(path, read_only=True) as store:  # and on disk
        assert_same(before, snapshot(store))


KILLED_INGEST = """
import sys, time
import rca.store.months as months
from rca.analysis.intake import ingest_exports
real = months.insert_rows
def insert_and_hang(con, kind, frame):
    real(con, kind, frame)
    if kind == "calibration":
        print("inserted", flush=True)
        time.sleep(120)
months.insert_rows = insert_and_hang
ingest_exports(sys.argv[1], sys.argv[2], verbose=False)
"""


def test_an_ingest_killed_midway_leaves_the_store_as_it_was(sample3, tmp_path):
    import os
    import signal
    import subprocess
    import sys

    folder, _ = sample3
    path = tmp_path / "h.duckdb"
    ingest_exports(folder, path, month="2026-08", verbose=False)
    with Store(path, read_only=True) as store:
        before = snapshot(store)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_INGEST, str(folder), str(path)],
        stdout=subprocess.PIPE, text=True, env={**os.environ},
    )  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "inserted"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with Store(path, read_only=True) as store:
        assert_same(before, snapshot(store))
    with Store(path) as store:  # and it still takes writes
        assert store.replace_months(
            {"audits": before[0]["audits"]}, source="x", files={}, counts={}
        ).replaced == ["2026-08"]


def test_an_earlier_month_after_a_later_one_names_the_stale_runs(sample3, tmp_path):
    folder, _ = sample3
    path = tmp_path / "h.duckdb"
    first = ingest_exports(folder, path, month="2026-10", verbose=False)
    assert first.later_than_stored and not first.stale_runs
    with Store(path) as store:
        run = store.start_run("2026-10", parameters={"seed": 0}, inputs={"audits": "abc"})
        store.finish_run(run, status="ok", timings={"total_s": 1.5})
    summary = ingest_exports(folder, path, month="2026-09", verbose=False)
    assert summary.months == ["2026-09"] and not summary.replaced
    assert not summary.later_than_stored and summary.stale_runs == ["2026-10"]
    assert "2026-10" in summary.message() and "stale" in summary.message()
    with Store(path, read_only=True) as store:
        assert store.months() == ["2026-09", "2026-10"]
        dates = store.read("audits")["audit_date"].dt.strftime("%Y-%m")
        assert dates.is_monotonic_increasing
        runs = store.runs()
        assert runs["status"].tolist() == ["ok"] and runs["month"].tolist() == ["2026-10"]


@pytest.mark.parametrize(
    ("month", "message"),
    [("2025-01", "month 2025-01: no audits in that month"), ("2026-13", "expected YYYY-MM"),
     ("202609", "expected YYYY-MM")],
)  # fmt: skip
def test_a_month_the_files_do_not_hold_is_refused(sample3, tmp_path, month, message):
    folder, _ = sample3
    with pytest.raises(ParameterError, match=message):
        ingest_exports(folder, tmp_path / "h.duckdb", month=month, verbose=False)


def test_store_months_must_be_in_the_audits(sample3, tmp_path):
    _, exports = sample3
    with Store(tmp_path / "h.duckdb") as store, pytest.raises(ParameterError, match="2026-01"):
        store.replace_months(exports.tables, source="x", files={}, counts={}, months=["2026-01"])
    with Store(tmp_path / "h.duckdb") as store:
        assert store.months() == [] and store.history().empty


def test_quarantined_values_never_enter_the_store(tmp_path):
    from conftest import ROOT

    folder = tmp_path / "data"
    folder.mkdir()
    bad = (ROOT / "tests" / "data" / "bad" / "score_out_of_range.csv").read_text()
    (folder / "audits.csv").write_text(bad)
    path = tmp_path / "work" / "h.duckdb"
    ingest_exports(folder, path, verbose=False)
    with Store(path, read_only=True) as store:
        assert store.kinds()["audits"]["quarantined"] == 3
        assert set(store.read("audits")["audit_id"]).isdisjoint({"A003", "A006", "A009"})
        cells: set[str] = set()
        for table in store.table_names():
            cells |= set(store.sql(f"SELECT * FROM {table}").astype(str).to_numpy().ravel())
        quarantined = {"A003", "A006", "A009", "C1003", "120.0", "-5.0", "100.5",
                       "Checked identity before reset (case 3)"}  # fmt: skip
        assert cells.isdisjoint(quarantined)
        assert "C1004" in cells  # a valid row's value is there
        reasons = store.sql("SELECT reasons FROM quarantine")["reasons"].tolist()
        assert reasons == ["column 'score': 3 rows out of range 0-100 (rows 4, 7, 10)"]
    assert list((tmp_path / "work" / "quarantine").glob("*.quarantine.csv"))
