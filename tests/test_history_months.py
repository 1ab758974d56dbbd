"""A month analysed from the history store: one export or twelve ingests, names that persist.

Real theme fits (BERTopic's UMAP + HDBSCAN) with the fake embedder, on a small 12-month sample:
the store, the rolling theme window, the registry and the curation by registry id together.
"""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.notebook  # real fits, about a minute each: not in make test-fast

MONTHS = 12
LAST = "2026-10"


@pytest.fixture(scope="module")
def sample12(tmp_path_factory):
    """Twelve months of sample data at a tenth of the usual volume."""
    from rca.sample import generate_sample

    root = tmp_path_factory.mktemp("history12")
    summary = generate_sample(root / "data", months=MONTHS, seed=3, volume=0.1)
    assert summary.months[-1] == LAST
    return root / "data", summary.months


def _tables(analysis) -> dict[str, pd.DataFrame]:
    return {name: analysis.table(name) for name in analysis.info["tables"]}


def test_twelve_monthly_ingests_equal_one_full_history_analysis(sample12, tmp_path):
    """The issue's acceptance test: every table of the last month is the same either way."""
    from rca.analysis.intake import ingest_exports
    from rca.analysis.month import analyze_month

    data, months = sample12
    monthly = tmp_path / "monthly.duckdb"
    for month in months:  # one month at a time, as a team does
        ingest_exports(data, monthly, month=month, verbose=False)
    by_month = analyze_month(data, tmp_path / "a", embedder="fake", store=monthly)
    whole = analyze_month(data, tmp_path / "b", embedder="fake")  # one export, its own store
    assert by_month.info["month"] == whole.info["month"] == LAST
    ws = by_month.workspace
    assert ws.info["theme_window"]["audits"] == months[-6:]  # fitted on six months
    assert ws.audits()["theme_id"].notna().any()
    a, b = _tables(by_month), _tables(whole)
    assert a.keys() == b.keys() and len(a) > 40
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    # the months before the window are assigned to the window's themes: trends reach back
    history = a["theme_history"]
    assert set(history.loc[history["kind"] == "audits", "month"]) == set(months)


def test_a_run_is_logged_with_its_tables_in_the_store(sample12, tmp_path):
    from rca.analysis.month import analyze_month
    from rca.store import Store

    data, _ = sample12
    store = tmp_path / "history.duckdb"
    analysis = analyze_month(data, tmp_path / "out", embedder="fake", store=store)
    with Store(store, read_only=True) as st:
        runs = st.runs()
        assert runs["month"].tolist() == [LAST] and runs["status"].tolist() == ["ok"]
        stored = st.read_table("kpis_monthly")
        registry = st.sql("SELECT DISTINCT month FROM theme_registry ORDER BY month")
    pd.testing.assert_frame_equal(stored, analysis.table("kpis_monthly"), check_dtype=False)
    assert registry["month"].tolist() == [LAST]


def test_curated_names_follow_the_registry_id_across_a_refit(sample12, tmp_path):
    """Rename a theme in month M-1; month M's refit shows the name on the same registry id."""
    from rca.analysis.curation_session import CurationSession
    from rca.analysis.month import analyze_month

    data, months = sample12
    store = tmp_path / "history.duckdb"
    curation = tmp_path / "curation.yaml"
    first = analyze_month(
        data, tmp_path / "m1", month=months[-2], embedder="fake", store=store, curation=curation
    )
    themes = first.workspace.themes()
    top = themes[themes["theme_id"] >= 0].iloc[0]
    session = CurationSession(first.workspace, curation)
    session.rename(int(top["theme_id"]), "Verification steps out of date")
    session.save()
    assert f"theme:{int(top['theme_id'])}" in curation.read_text()

    second = analyze_month(data, tmp_path / "m2", embedder="fake", store=store, curation=curation)
    now = second.workspace.themes().set_index("theme_id")
    assert now.loc[int(top["theme_id"]), "theme_label"] == "Verification steps out of date"
    history = second.table("theme_history")
    named = history[(history["kind"] == "audits") & (history["theme_id"] == int(top["theme_id"]))]
    assert set(named["theme_label"]) == {"Verification steps out of date"}


def test_a_month_already_in_the_store_is_not_ingested_again(sample12, tmp_path):
    """A batch with a full-history folder stores only what is new, and the report month."""
    from rca.analysis.intake import ingest_exports
    from rca.store import Store

    data, months = sample12
    store = tmp_path / "history.duckdb"
    ingest_exports(data, store, month=months[0], verbose=False)
    summary = ingest_exports(data, store, month=months[0], verbose=False, only_new=True)
    assert summary.months == months  # the other eleven are new; the named month is replaced
    assert summary.replaced == [months[0]]
    again = ingest_exports(data, store, verbose=False, only_new=True)
    assert again.months == []
    with Store(store, read_only=True) as st:
        assert st.months() == months


def test_the_explore_notebook_queries_the_store(sample12, tmp_path):
    """The store behind a workspace answers SQL (what the explore notebook's `sql` runs)."""
    from rca.analysis.explore import EXAMPLE_SQL, store_query
    from rca.analysis.month import analyze_month
    from rca.core.errors import ParameterError

    data, months = sample12
    analysis = analyze_month(data, tmp_path / "out", month=months[1], embedder="fake")
    rates = store_query(analysis.workspace, EXAMPLE_SQL)
    assert rates["month"].unique().tolist() == months  # the store holds every month of the data
    audits = pd.read_csv(data / "audits.csv")
    first = audits[audits["audit_date"].str[:7] == months[0]]
    got = rates[rates["month"] == months[0]].set_index("market")["audits"]
    assert got.to_dict() == first["market"].value_counts().to_dict()
    with pytest.raises(ParameterError, match="sql: "):
        store_query(analysis.workspace, "SELECT nonsense FROM rows_audits")
    with pytest.raises(ParameterError):
        store_query(analysis.workspace, "DELETE FROM rows_audits")
