"""The history store's other tables: migrations, analysis tables, registry, export, SQL, CLI.

Plumbing tests: what is written is read back unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import run_cli
from typer.testing import CliRunner

import rca.store.schema
from rca.core.errors import InputError, ParameterError
from rca.sample import generate_sample
from rca.store import SCHEMA_VERSION, RegistryMatch, RegistryState, Store


def fake_version_2(con):
    con.execute("CREATE TABLE notes (month VARCHAR, note VARCHAR)")
    con.execute("ALTER TABLE runs ADD COLUMN host VARCHAR")


def test_a_version_1_file_is_migrated_to_a_fake_version_2(tmp_path, monkeypatch):
    path = tmp_path / "h.duckdb"
    with Store(path) as store:
        run = store.start_run("2026-10", parameters={}, inputs={})
        assert store.sql("SELECT value FROM meta")["value"].tolist() == [str(SCHEMA_VERSION)]
    monkeypatch.setattr(rca.store.schema, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(
        rca.store.schema, "MIGRATIONS",
        [*rca.store.schema.MIGRATIONS, (2, "notes; the host of each run", fake_version_2)],
    )  # fmt: skip
    with pytest.raises(InputError, match="older"):
        Store(path, read_only=True)  # a reader does not migrate
    with Store(path) as store:
        assert store.sql("SELECT value FROM meta")["value"].tolist() == ["2"]
        assert "notes" in store.table_names()
        assert store.runs()["run_id"].tolist() == [run] and "host" in store.runs()
    with Store(path) as store:  # opening again migrates nothing
        assert store.sql("SELECT count(*) AS n FROM notes")["n"].tolist() == [0]


def test_a_failing_migration_leaves_the_file_at_its_version(tmp_path, monkeypatch):
    path = tmp_path / "h.duckdb"
    Store(path).close()

    def broken(con):
        con.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(rca.store.schema, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(
        rca.store.schema, "MIGRATIONS", [*rca.store.schema.MIGRATIONS, (2, "broken", broken)]
    )
    with pytest.raises(RuntimeError, match="migration bug"):
        Store(path)
    monkeypatch.undo()
    with Store(path) as store:
        assert "half_done" not in store.table_names()
        assert store.sql("SELECT value FROM meta")["value"].tolist() == ["1"]


def test_a_file_from_a_newer_rca_is_refused(tmp_path):
    path = tmp_path / "h.duckdb"
    with Store(path) as store:
        store._con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    for read_only in (False, True):
        with pytest.raises(InputError) as error:
            Store(path, read_only=read_only)
        message = str(error.value)
        assert (
            str(path) in message
            and "version 7" in message
            and f"version {SCHEMA_VERSION}" in message
        )


def test_a_missing_store_is_a_clear_error_for_readers(tmp_path):
    with pytest.raises(InputError, match="store not found"):
        Store(tmp_path / "nope.duckdb", read_only=True)
    assert not (tmp_path / "nope.duckdb").exists()


AWKWARD = pd.DataFrame(
    {
        "theme_id": pd.array([0, 1, None], dtype="Int64"),
        "label": ["refund delay", None, "login 'loop' \"quoted\""],
        "share": [0.5, np.nan, 0.25],
        "keywords": [["refund", "delay"], [], None],
        "mixed": [1, "two", {"three": [3]}],
        "flag": pd.array([True, None, False], dtype="boolean"),
        "when": pd.to_datetime(["2026-10-01", None, "2026-09-30"]),
        "text": pd.array(["a", pd.NA, "c"], dtype="string"),
    }
)


def test_analysis_tables_round_trip_with_awkward_columns(tmp_path):
    with Store(tmp_path / "h.duckdb") as store:
        first = store.start_run("2026-09", parameters={"seed": 0}, inputs={})
        store.write_tables(first, {"themes": AWKWARD, "empty": AWKWARD.iloc[:0]})
        second = store.start_run("2026-10", parameters={"seed": 0}, inputs={})
        wider = AWKWARD.assign(extra=[1.5, 2.5, 3.5]).iloc[::-1].reset_index(drop=True)
        store.write_tables(second, {"themes": wider})
        pd.testing.assert_frame_equal(store.read_table("themes"), wider)
        pd.testing.assert_frame_equal(store.read_table("themes", run_id=first), AWKWARD)
        assert store.read_table("empty").columns.tolist() == AWKWARD.columns.tolist()
        store.write_tables(second, {"themes": AWKWARD})  # a run writing a table again replaces it
        pd.testing.assert_frame_equal(store.read_table("themes"), AWKWARD)
        assert {"analysis_themes", "analysis_empty"} <= set(store.table_names())
        with pytest.raises(ParameterError, match="no analysis table"):
            store.read_table("nothing")
        with pytest.raises(ParameterError, match="letters, digits"):
            store.write_tables(first, {"bad name; DROP TABLE runs": AWKWARD})


def test_runs_record_parameters_inputs_versions_and_timings(tmp_path):
    with Store(tmp_path / "h.duckdb") as store:
        run = store.start_run("2026-10", parameters={"seed": 3}, inputs={"audits": "f00d"})
        assert store.runs()["status"].tolist() == ["running"]
        store.finish_run(run, status="ok", timings={"analysis_s": 2.0})
        row = store.runs().iloc[0]
    assert (row["month"], row["status"]) == ("2026-10", "ok")
    assert '"seed": 3' in row["parameters"] and "f00d" in row["inputs"]
    assert "duckdb" in row["versions"] and "analysis_s" in row["timings"]


def registry_match(ids, labels, statuses, month):
    themes = pd.DataFrame(
        {"registry_id": ids, "label": labels, "keywords": [f"{x}, kw" for x in labels],
         "centroid": [[0.1 * i, 1.0, -0.5] for i in ids], "size": [10 + i for i in ids],
         "first_month": month, "last_month": month, "status": statuses}
    )  # fmt: skip
    lineage = pd.DataFrame(
        {"parent_id": [0], "child_id": [ids[-1]], "relation": ["split"], "shared_texts": [7],
         "share_of_parent": [0.4], "share_of_child": [0.9], "centroid_cosine": [0.81],
         "parent_keywords": ["a, b"], "child_keywords": ["c, d"]}
    )  # fmt: skip
    return RegistryMatch(
        ids={i: r for i, r in enumerate(ids)}, themes=themes,
        status=themes[["registry_id", "status"]], lineage=lineage,
    )  # fmt: skip


def test_registry_round_trip(tmp_path):
    with Store(tmp_path / "h.duckdb") as store:
        assert store.registry_before("audits", "2026-09").is_empty
        first = registry_match([0, 1, 2], ["refunds", "login", "cards"], ["new"] * 3, "2026-08")
        members = pd.DataFrame({"text_key": ["k1", "k2", "k3", "k4"], "theme_id": [0, 1, 2, -1]})
        store.write_registry("audits", "2026-08", first, members)
        second = registry_match([0, 1, 3], ["refunds", "login", "cards b"],
                                ["split", "continuing", "new"], "2026-09")  # fmt: skip
        store.write_registry("audits", "2026-09", second,
                             pd.DataFrame({"text_key": ["k1"], "registry_id": [3]}))  # fmt: skip
        state = store.registry_before("audits", "2026-09")
        assert isinstance(state, RegistryState) and state.month == "2026-08"
        assert state.themes["registry_id"].tolist() == [0, 1, 2] and state.next_id == 3
        assert state.themes["centroid"].tolist() == first.themes["centroid"].tolist()
        assert state.themes["label"].tolist() == ["refunds", "login", "cards"]
        assert state.members.to_dict() == {"k1": 0, "k2": 1, "k3": 2}
        later = store.registry_before("audits", "2026-12")
        assert later.month == "2026-09" and later.next_id == 4
        assert later.themes["registry_id"].tolist() == [1, 3]  # split parents no longer take texts
        assert store.registry_before("feedback", "2026-12").is_empty
        lineage = store.sql("SELECT * FROM theme_lineage WHERE month = '2026-09'")
        assert lineage[["parent_id", "child_id", "relation"]].values.tolist() == [[0, 3, "split"]]
        store.write_registry("audits", "2026-09", first, members)  # rewriting a month replaces it
        assert store.registry_before("audits", "2026-12").themes["registry_id"].tolist() == [
            0,
            1,
            2,
        ]
        store.link_curation("audits", {"refund|delay": 0, "login": 1}, "2026-09")
        store.link_curation("audits", {"login": 5}, "2026-10")
        assert store.curation_links("audits") == {"login": 5, "refund|delay": 0}
        assert store.curation_links("feedback") == {}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("ingested")
    generate_sample(root / "data", months=2, volume=0.1)
    path = root / "work" / "history.duckdb"
    from rca.analysis.intake import ingest_exports

    ingest_exports(root / "data", path, verbose=False)
    return root, path


@pytest.mark.parametrize("table", ["rows_audits", "rows_feedback", "month_kinds", "ingests"])
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_export_reads_back_equal(ingested, tmp_path, table, suffix):
    _, path = ingested
    with Store(path, read_only=True) as store:
        expected = store.sql(f"SELECT * FROM {table}")
        written = store.export(table, tmp_path / f"{table}{suffix}")
    if suffix == ".parquet":
        back = pd.read_parquet(written)
    else:
        text = [c for c in expected.columns if expected[c].dtype == "str"]
        back = pd.read_csv(written, dtype=dict.fromkeys(text, str))
        for col in text:  # CSV writes NULL and "" alike
            back[col], expected[col] = back[col].fillna(""), expected[col].fillna("")
        for col in expected.columns:
            if str(expected[col].dtype).startswith("datetime"):
                back[col] = pd.to_datetime(back[col]).astype(expected[col].dtype)
            elif expected[col].dtype == "bool" or str(expected[col].dtype) == "boolean":
                back[col] = back[col].astype(expected[col].dtype)
    pd.testing.assert_frame_equal(back, expected, check_dtype=suffix == ".parquet")


def test_sql_is_read_only_and_export_checks_its_arguments(ingested, tmp_path):
    _, path = ingested
    with Store(path) as store:
        fail_rate = store.sql(
            "SELECT month, market, avg(CASE WHEN passed THEN 0 ELSE 1 END) AS fail_rate "
            "FROM rows_audits GROUP BY ALL ORDER BY ALL"
        )
        assert fail_rate["month"].nunique() == 2 and fail_rate["fail_rate"].between(0, 1).all()
        for statement in ("DELETE FROM rows_audits", "DROP TABLE runs", "SELECT 1; SELECT 2"):
            with pytest.raises(ParameterError, match="read-only"):
                store.sql(statement)
        with pytest.raises(ParameterError, match=r"\.parquet or \.csv"):
            store.export("rows_audits", tmp_path / "out.xlsx")
        with pytest.raises(ParameterError, match="no table 'nope'"):
            store.export("nope", tmp_path / "out.csv")


def test_cli_ingest_history_tables_export(tmp_path):
    from rca.cli import app

    generate_sample(tmp_path / "data", months=2, volume=0.1)
    store = tmp_path / "work" / "history.duckdb"
    runner = CliRunner()
    got = runner.invoke(app, ["ingest", "--data", str(tmp_path / "data"), "--store", str(store),
                              "--month", "2026-09"])  # fmt: skip
    assert got.exit_code == 0, got.output
    assert "stored 2026-09" in got.output and "left out rows of other months" in got.output
    got = runner.invoke(app, ["ingest", "--data", str(tmp_path / "data"), "--store", str(store)])
    assert got.exit_code == 0 and "replaced 2026-09" in got.output
    got = runner.invoke(app, ["history", "--store", str(store)], terminal_width=200)
    assert got.exit_code == 0 and "2026-09" in got.output and "2026-10" in got.output
    assert "audits" in got.output and "quarantined" in got.output
    got = runner.invoke(app, ["store", "tables", "--store", str(store)])
    assert got.exit_code == 0 and "rows_audits" in got.output.split()
    out = tmp_path / "audits.parquet"
    got = runner.invoke(app, ["store", "export", "rows_audits", str(out), "--store", str(store)])
    assert got.exit_code == 0 and len(pd.read_parquet(out)) > 0
    for command in (["ingest"], ["history"], ["store"], ["store", "export"]):
        assert runner.invoke(app, [*command, "--help"]).exit_code == 0


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (
            ["ingest", "--data", "{data}", "--month", "2025-01"],
            "month 2025-01: no audits in that month",
        ),
        (["ingest", "--data", "{tmp}/none"], "data folder not found"),
        (["history"], "store not found"),
        (["store", "export", "nope", "{tmp}/x.csv"], "no table 'nope'"),
        (["store", "export", "runs", "{tmp}/x.json"], ".parquet or .csv"),
    ],
)
def test_cli_mistakes_are_one_line(ingested, monkeypatch, capsys, tmp_path, args, expect):
    root, path = ingested
    store = path if args[0] == "store" else tmp_path / "h.duckdb"
    filled = [a.format(data=root / "data", tmp=tmp_path) for a in args]
    code, out, err = run_cli(monkeypatch, capsys, *filled, "--store", str(store))
    assert code == 2, (out, err)
    error = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(error) == 1 and expect in error[0], err
    assert err.strip().endswith(error[0]) and "Traceback" not in err
