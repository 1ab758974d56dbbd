from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rca.core.errors import InputError, ParameterError
from rca.ingest.columns import DEFAULT_PASS_MARK, Mapping, apply_mapping, load_mapping
from rca.ingest.readers import read_table
from rca.ingest.schemas import SCHEMAS
from rca.ingest.validate import validate_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "parameters" / "mappings" / "vendor_example.yaml"
VENDOR = ROOT / "tests" / "data" / "vendor" / "vendor_audits.csv"


@pytest.fixture(scope="module")
def example() -> Mapping:
    return load_mapping(EXAMPLE)


def test_example_mapping_loads(example: Mapping) -> None:
    assert example.kind == "audits"
    assert example.columns["audit_date"] == "Eval Date"
    assert example.values["passed"] == {"pass": "true", "fail": "false"}
    assert example.dayfirst is True
    assert example.date_format is None
    assert example.percent_columns == ("score",)
    assert example.constants == {"market": "MY"}
    assert example.pass_mark == 85
    assert example.source == str(EXAMPLE)


def test_apply_mapping_to_vendor_export(example: Mapping) -> None:
    raw = read_table(VENDOR)
    assert raw.attrs["delimiter"] == ";"
    canon = apply_mapping(raw, example)
    order = [f.name for f in SCHEMAS["audits"]]
    assert list(canon.columns) == [c for c in order if c in canon.columns]
    assert canon.index.equals(raw.index)
    assert canon.attrs["ignored_columns"] == ["Internal Ref"]
    assert canon.attrs["vendor_columns"]["score"] == "QA Score %"
    assert set(canon["market"]) == {"MY"}
    assert set(canon["passed"]) == {"true", "false"}
    assert set(canon["queue"]) == {"account access", "payments", "content review", "refunds"}
    assert not canon["score"].str.contains("%").any()
    assert raw["QA Score %"].str.endswith("%").all()  # the input frame is not modified


def test_vendor_export_validates_cleanly(example: Mapping) -> None:
    result = validate_file(VENDOR, "audits", mapping=EXAMPLE)
    assert (result.n_rows, result.n_valid, result.n_quarantined) == (30, 30, 0)
    data = result.data
    assert data.index[0] == 2
    first = data.loc[2]
    assert first["audit_id"] == "QA-26-1040"
    assert first["audit_date"] == pd.Timestamp("2026-03-02")  # 02/03/2026 read day first
    assert first["score"] == 85.0
    assert first["passed"]
    assert data["audit_date"].dt.month.eq(3).all()
    assert data["score"].between(0, 100).all()
    assert (data["passed"] == (data["score"] >= 85)).all()
    assert data["critical_error"].dtype == "boolean"
    assert data["critical_error"].any()
    assert data["policy"].isna().all()  # optional column absent from the export
    assert "columns not used: Internal Ref" in result.summary()


def labels(**columns: str) -> pd.DataFrame:
    """A one-row ai_labels frame with the required columns, plus ``columns``."""
    base = {"item_id": "1", "date": "2026-03-01", "model_label": "spam", "gold_label": "spam"}
    return pd.DataFrame({k: [v] for k, v in {**base, **columns}.items()}, dtype="str")


def test_identity_mapping_keeps_canonical_columns_only() -> None:
    canon = apply_mapping(labels(Notes="x"), Mapping("ai_labels"))
    assert list(canon.columns) == ["item_id", "date", "model_label", "gold_label"]
    assert canon.attrs["ignored_columns"] == ["Notes"]


def test_mapped_column_wins_over_a_canonically_named_one() -> None:
    canon = apply_mapping(labels(Item="new"), Mapping("ai_labels", columns={"item_id": "Item"}))
    assert canon["item_id"].tolist() == ["new"]
    assert canon.attrs["ignored_columns"] == ["item_id"]


def test_missing_vendor_column_is_an_input_error() -> None:
    df = pd.DataFrame({"Audit": ["1"]}, dtype="str")
    df.attrs["source"] = "export.csv"
    mapping = Mapping("audits", columns={"audit_id": "Audit ID"}, source="m.yaml")
    with pytest.raises(InputError) as err:
        apply_mapping(df, mapping)
    assert str(err.value) == (
        "export.csv, column 'Audit ID': mapping m.yaml takes 'audit_id' from column 'Audit ID', "
        "which is not in the file; columns found: 'Audit'"
    )


def test_missing_required_column_suggests_a_file_column() -> None:
    df = labels().rename(columns={"gold_label": "Gold Label", "model_label": "Model"})
    with pytest.raises(InputError) as err:
        apply_mapping(df, Mapping("ai_labels"), source="labels.csv")
    assert str(err.value) == (
        "labels.csv, column 'model_label': missing required ai_labels column 'model_label' "
        "(also missing: gold_label); columns found: 'item_id', 'date', 'Model', 'Gold Label'; "
        'map a file column to it in a mapping (columns: model_label: "Model")'
    )
    with pytest.raises(InputError, match='columns: gold_label: "Gold Label"'):
        apply_mapping(df, Mapping("ai_labels", columns={"model_label": "Model"}))


def test_pass_mark_decimal_comma_and_date_format(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "id;case;day;agent;qa;queue;score\n"
        '1;c1;03.31.2026;a;q;payments;"82,5"\n'
        "2;c2;03.01.2026;a;q;payments;79\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "kind: audits\n"
        "columns: {audit_id: id, case_id: case, audit_date: day, agent: a, auditor: qa,"
        " queue: queue, score: score}\n"
        "dates: {format: '%m.%d.%Y'}\n"
        "decimal: ','\n"
        "constants: {market: US, agent: nobody}\n"
        "pass_mark: 80\n",
        encoding="utf-8",
    )
    # 'agent' is in both columns and constants: refused
    with pytest.raises(InputError, match="'agent' is in both columns and constants"):
        load_mapping(mapping)
    mapping.write_text(mapping.read_text().replace(" agent: a,", ""), encoding="utf-8")
    result = validate_file(path, "audits", mapping=mapping)
    assert result.n_valid == 2
    assert result.data["score"].tolist() == [82.5, 79.0]
    assert result.data["passed"].tolist() == [True, False]
    assert result.data["audit_date"].tolist() == [pd.Timestamp("2026-03-31")] * 1 + [
        pd.Timestamp("2026-03-01")
    ]
    assert set(result.data["agent"]) == {"nobody"}
    assert "passed derived from score >= 80 for 2 rows" in result.notes


def test_unquoted_yes_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("kind: audits\nvalues:\n  passed: {Yes: true, No: false}\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"line 3: key 'values.passed.True': YAML read the key True .* quote it"
    ):
        load_mapping(path)


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("kind: audits\ncolums: {}\n", "line 2: unknown key 'colums' (did you mean 'columns'?)"),
        ("kind: audit\n", "line 1: key 'kind': 'audit' is not one of audits, feedback"),
        ("columns: {}\n", "line 1: key 'kind': 'None' is not one of"),
        ("kind: audits\ncolumns: {auditid: X}\n",
         "line 2: key 'columns.auditid': unknown audits column (did you mean 'audit_id'?)"),
        ("kind: feedback\ncolumns:\n  score: X\n", "line 3: key 'columns.score': unknown feedback"),
        ("kind: audits\ncolumns: [a, b]\n", "line 2: key 'columns': expected `canonical column"),
        ("kind: audits\ncolumns:\n  agent: [a]\n", "line 3: key 'columns.agent': expected the"),
        ("kind: audits\nvalues: {passed: yes}\n", "line 2: key 'values.passed': expected `vendor"),
        ("kind: audits\nconstants: {market: [MY]}\n",
         "line 2: key 'constants.market': expected a single value, got list"),
        ("kind: audits\ncolumns: {agent: A}\nconstants:\n  agent: x\n",
         "line 4: key 'constants.agent': 'agent' is in both columns and constants"),
        ("kind: audits\ndates: {dayfirst: true, format: x}\n",
         "line 2: key 'dates': give either dayfirst or format"),
        ("kind: audits\ndates:\n  day_first: true\n",
         "line 3: unknown key 'dates.day_first' (did you mean 'dayfirst'?)"),
        ("kind: audits\ndates: {dayfirst: maybe}\n", "line 2: key 'dates.dayfirst': expected true"),
        ("kind: audits\ndecimal: ';'\n", "line 2: key 'decimal': ';' is not '.' or ','"),
        ("kind: audits\npercent_columns: [agent]\n", "line 2: key 'percent_columns': expected"),
        ("kind: feedback\npass_mark: 80\n", "line 2: key 'pass_mark': only audits have a pass"),
        ("kind: audits\npass_mark: high\n", "line 2: key 'pass_mark': expected a number from 0"),
        ("kind: audits\npass_mark: 850\n", "line 2: key 'pass_mark': expected a number from 0"),
        ("kind: audits\nencoding: klingon\n", "line 2: key 'encoding': unknown encoding 'klingon'"),
        ("kind: audits\ndelimiter: '#'\n", "line 2: key 'delimiter': expected one of"),
        ("kind: audits\nsheet: [1]\n", "line 2: key 'sheet': expected a sheet name or number"),
        ("kind: audits\nsheet: 1\ncolumns: {}\nsheet: 2\n",
         "line 4: key 'sheet': written twice (first at line 2)"),
        ("kind: audits\nvalues:\n  passed: {'Pass': true, 'Pass': false}\n",
         "line 3: key 'values.passed.Pass': written twice (first at line 3)"),
        ("- kind\n- audits\n", "line 1: expected a YAML mapping"),
        ("kind: [audits\n", "line 2: not valid YAML"),
    ],
)  # fmt: skip
def test_bad_mapping_files(tmp_path: Path, yaml_text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_mapping(path)
    text = str(err.value)
    assert text.startswith(f"{path}, {message}")
    assert "\n" not in text


def test_mapping_kind_must_match(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="mapping is for kind 'audits', not 'feedback'"):
        validate_file(VENDOR, "feedback", mapping=EXAMPLE)
    with pytest.raises(InputError, match=r"none\.yaml: mapping not found"):
        load_mapping(tmp_path / "none.yaml")
    with pytest.raises(ParameterError, match="unknown kind 'audit'"):
        Mapping("audit")


def test_default_pass_mark() -> None:
    assert Mapping("audits").pass_mark == DEFAULT_PASS_MARK == 85
