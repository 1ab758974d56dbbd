from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from rca.core.errors import InputError
from rca.ingest.row_checks import DTYPES, build_schema
from rca.ingest.schemas import KINDS, SCHEMAS
from rca.ingest.validate import ValidationResult, validate_file, validate_frame

BAD = Path(__file__).resolve().parent / "data" / "bad"


@dataclass(frozen=True)
class Fatal:
    """validate_file raises InputError whose message holds every one of ``parts``."""

    parts: tuple[str, ...]
    column: str | None = None


@dataclass(frozen=True)
class Loads:
    """validate_file returns a result with this many quarantined rows and these reasons."""

    n_quarantined: int
    reasons: tuple[str, ...] = ()
    encoding: str = "utf-8"


CASES: dict[str, Fatal | Loads] = {
    "missing_column.csv": Fatal(("missing required audits column 'agent'",), "agent"),
    "no_score_or_passed.csv": Fatal(("audits need a 'score' or a 'passed' column",), "score"),
    "empty.csv": Fatal(("file is empty (0 bytes)",)),
    "blank_lines_only.csv": Fatal(("no header row",)),
    "header_only.csv": Fatal(("no data rows (only a header row)",)),
    "image.csv": Fatal(("PNG image, not text",)),
    "audits.docx": Fatal(("unsupported file type '.docx'", "expected one of .csv")),
    "audits.xls": Fatal(("unsupported file type '.xls'", "save old .xls workbooks as .xlsx")),
    "not_a_workbook.xlsx": Fatal(("not an Excel .xlsx workbook",)),
    "malformed.jsonl": Fatal(("line 4 is not valid JSON",)),
    "ragged.csv": Fatal(("rows 4, 7: 2 rows have 6/11 fields but the header has 10",)),
    "duplicate_columns.csv": Fatal(("duplicated column name 'score' (columns 8 and 10)",)),
    "undetectable_encoding.csv": Fatal(("cannot tell the text encoding", "encoding: cp1252")),
    "mostly_invalid.csv": Fatal(
        (
            "rows 2, 3, 4, 5, 6 (+5 more): 10 of 10 rows invalid (more than 50%)",
            "10 rows not a date",
            "expected a date like 2026-03-31 (ISO); set dates.dayfirst in the mapping",
        ),
        "audit_date",
    ),
    "bad_dates.csv": Loads(
        2, ("audit_date: '2026-02-30' is not a date", "audit_date: 'next week' is not a date")
    ),
    "score_out_of_range.csv": Loads(
        3,
        (
            "score: 120 is out of range 0-100",
            "score: -5 is out of range 0-100",
            "score: 100.5 is out of range 0-100",
        ),
    ),
    "duplicate_ids.csv": Loads(2, ("audit_id: 'A001' repeats row 2",) * 2),
    "bad_booleans.csv": Loads(
        2, ("passed: 'maybe' is not a yes/no value", "passed: '2' is not a yes/no value")
    ),
    "empty_required.csv": Loads(2, ("agent: empty (a value is required)",) * 2),
    "several_problems.csv": Loads(
        1,
        (
            "audit_date: '31/02/2026' is not a date; score: 150 is out of range 0-100; "
            "passed: 'perhaps' is not a yes/no value",
        ),
    ),
    "decimal_comma.csv": Loads(1, ("score: '87,5' is not a number",)),
    "cp1252.csv": Loads(0, encoding="cp1252"),
    "utf8_bom.csv": Loads(0, encoding="utf-8-sig"),
    "utf16.csv": Loads(0, encoding="utf-16"),
    "semicolon.csv": Loads(0),
    "tab_quoted.tsv": Loads(0),
}


def test_every_bad_file_has_a_case() -> None:
    on_disk = {p.name for p in BAD.iterdir() if p.suffix != ".py"}
    assert on_disk == set(CASES)


def test_bad_files_match_their_generator() -> None:
    spec = importlib.util.spec_from_file_location("make_bad_files", BAD / "make_bad_files.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, content in module.files().items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        assert (BAD / name).read_bytes() == data, name


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file(name: str, tmp_path: Path) -> None:
    path = BAD / name
    expected = CASES[name]
    if isinstance(expected, Fatal):
        with pytest.raises(InputError) as err:
            validate_file(path, "audits", quarantine_dir=tmp_path)
        message = str(err.value)
        assert message.startswith(str(path))
        assert "\n" not in message  # the CLI prints it as one line
        for part in expected.parts:
            assert part in message
        if expected.column is not None:
            assert f"column '{expected.column}'" in message
            assert err.value.column == expected.column
        assert not list(tmp_path.iterdir())  # nothing written for a refused file
        return
    result = validate_file(path, "audits", quarantine_dir=tmp_path)
    assert result.n_valid + result.n_quarantined == result.n_rows == 10
    assert result.n_quarantined == expected.n_quarantined
    assert result.encoding == expected.encoding
    assert sorted(result.quarantined["_reason"]) == sorted(expected.reasons)
    if expected.n_quarantined:
        assert result.quarantine_path == tmp_path / f"{path.stem}.audits.quarantine.csv"
        assert result.quarantine_path.exists()
    else:
        assert result.quarantine_path is None
        assert not list(tmp_path.iterdir())


def test_accented_text_is_decoded(tmp_path: Path) -> None:
    for name in ("cp1252.csv", "utf8_bom.csv", "utf16.csv"):
        data = validate_file(BAD / name, "audits").data
        assert data["agent"].eq("José Núñez").all()
        assert data.loc[2, "comment"] == "Très bien – vérification d’identité faite; café €5"


def test_quarantine_file_content(tmp_path: Path) -> None:
    result = validate_file(BAD / "duplicate_ids.csv", "audits", quarantine_dir=tmp_path / "q")
    assert result.quarantine_path is not None
    saved = pd.read_csv(result.quarantine_path, dtype=str, encoding="utf-8-sig")
    assert list(saved.columns[:3]) == ["_row", "_column", "_reason"]
    assert saved["_row"].tolist() == ["5", "8"]
    assert saved["_column"].tolist() == ["audit_id", "audit_id"]
    assert saved["audit_id"].tolist() == ["A001", "A001"]
    original = pd.read_csv(BAD / "duplicate_ids.csv", dtype=str)
    assert saved["case_id"].tolist() == original.loc[[3, 6], "case_id"].tolist()
    # the first occurrence is kept
    assert result.data.loc[2, "audit_id"] == "A001"
    # a quarantine file can be fixed and validated again: its extra columns are ignored
    again = validate_file(result.quarantine_path, "audits")
    assert again.n_quarantined == 1  # the two rows still share an id
    assert "columns not used: _row, _column, _reason" in again.summary()


def test_summary_reads_well(tmp_path: Path) -> None:
    result = validate_file(BAD / "score_out_of_range.csv", "audits", quarantine_dir=tmp_path)
    lines = result.summary().splitlines()
    assert lines[0] == (
        f"{BAD / 'score_out_of_range.csv'}: 10 audits rows, 7 valid, 3 quarantined, encoding utf-8"
    )
    assert lines[1] == "  column 'score': 3 rows out of range 0-100 (rows 4, 7, 10)"
    assert lines[2].startswith("  quarantined rows written to ")
    assert result.problems == [lines[1].strip()]


def test_max_invalid_share() -> None:
    with pytest.raises(InputError, match="3 of 10 rows invalid"):
        validate_file(BAD / "score_out_of_range.csv", "audits", max_invalid_share=0.2)
    result = validate_file(BAD / "mostly_invalid.csv", "audits", max_invalid_share=1.0)
    assert (result.n_valid, result.n_quarantined) == (0, 10)


def test_data_has_all_canonical_columns_typed() -> None:
    result = validate_file(BAD / "bad_dates.csv", "audits")
    data = result.data
    assert list(data.columns) == [f.name for f in SCHEMAS["audits"]]
    for spec in SCHEMAS["audits"]:
        assert data[spec.name].dtype == pd.Series([], dtype=DTYPES[spec.type]).dtype, spec.name
    assert data.index.tolist() == [2, 4, 5, 7, 8, 9, 10, 11]
    assert data.loc[2, "audit_date"] == pd.Timestamp("2026-03-01")
    assert data.loc[4, "passed"] == (data.loc[4, "score"] >= 85)


def test_passed_is_derived_from_score() -> None:
    df = frame(
        "audits",
        score=["90", "84.9", "", "85"],
        passed=["", "", "", "fail"],
    )
    result = validate_frame(df, "audits")
    assert result.data["passed"].tolist() == [True, False, False]
    assert result.quarantined["_reason"].tolist() == ["passed: no score and no pass/fail outcome"]
    assert result.notes[0] == "passed derived from score >= 85 for 2 rows"
    without = validate_frame(df.drop(columns="passed"), "audits")
    assert without.data["passed"].tolist() == [True, False, True]


def test_values_are_stripped_and_only_blank_is_missing() -> None:
    df = frame("audits", agent=["  ann ", "NA"], score=[" 90 ", "85"], critical_error=["Y", " no "])
    data = validate_frame(df, "audits").data
    assert data["agent"].tolist() == ["ann", "NA"]
    assert data["score"].tolist() == [90.0, 85.0]
    assert data["critical_error"].tolist() == [True, False]


@pytest.mark.parametrize(
    ("kind", "column", "values", "reasons"),
    [
        ("feedback", "rating", ["5", "0", "4.5", "six"], ["0 is out of range 1-5", "'six' is not"]),
        (
            "feedback",
            "date",
            ["2026-03-01", "2026-13-01", "", "1/3/2026"],
            ["13-01", "empty", "1/3"],
        ),
        ("calibration", "rating", ["1", "", "0", "nan"], ["empty", "'nan' is not a number"]),
        ("calibration", "is_expert", ["yes", "Y", "TRUE", "expert"], ["'expert' is not a yes/no"]),
        ("ai_labels", "item_id", ["a", "b", "a", ""], ["'a' repeats row 2", "empty"]),
    ],
)
def test_other_kinds(kind: str, column: str, values: list[str], reasons: list[str]) -> None:
    result = validate_frame(frame(kind, **{column: values}), kind, max_invalid_share=1.0)
    assert result.n_valid + result.n_quarantined == result.n_rows == 4
    assert result.n_quarantined == len(reasons)
    for reason, found in zip(reasons, result.quarantined["_reason"], strict=True):
        assert found.startswith(f"{column}: ")
        assert reason in found


def test_good_xlsx_parquet_jsonl(tmp_path: Path) -> None:
    df = frame("feedback", rating=["5", "2.5", "4"], text=["great", "", "slow reply"])
    xlsx = tmp_path / "fb.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(df.columns))
    for record in df.to_dict("records"):
        sheet.append([v or None for v in {**record, "rating": float(record["rating"])}.values()])
    book.save(xlsx)
    parquet = tmp_path / "fb.parquet"
    df.assign(rating=df["rating"].astype(float)).to_parquet(parquet)
    jsonl = tmp_path / "fb.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in df.to_dict("records")), encoding="utf-8")
    for path in (xlsx, parquet, jsonl):
        result = validate_file(path, "feedback")
        assert (result.n_rows, result.n_valid) == (3, 3), path
        assert result.data["rating"].tolist() == [5.0, 2.5, 4.0]
        assert result.data["date"].iloc[0] == pd.Timestamp("2026-03-01")
        assert pd.isna(result.data["text"].iloc[1])
    assert validate_file(jsonl, "feedback").data.index.tolist() == [1, 2, 3]


def test_build_schema_follows_the_specs() -> None:
    for kind in KINDS:
        schema = build_schema(kind)
        assert list(schema.columns) == [f.name for f in SCHEMAS[kind]]
        for spec in SCHEMAS[kind]:
            column = schema.columns[spec.name]
            assert (column.nullable, column.unique, column.required) == (
                spec.nullable,
                spec.unique,
                spec.required,
            )


def test_frame_and_kind_errors() -> None:
    with pytest.raises(InputError, match="<frame>: no data rows"):
        validate_frame(frame("audits").iloc[:0], "audits")
    with pytest.raises(Exception, match="unknown kind 'audit'"):
        validate_frame(frame("audits"), "audit")
    result = validate_frame(frame("audits"), "audits")
    assert isinstance(result, ValidationResult)
    assert result.quarantine_path is None
    assert result.summary().startswith("<frame>: 2 audits rows, 2 valid, 0 quarantined")


def frame(kind: str, **columns: list[str]) -> pd.DataFrame:
    """A valid frame of ``kind`` with the required columns (plus ``columns``), rows from 2."""
    n = len(next(iter(columns.values()))) if columns else 2
    base = {
        "str": lambda name: [f"{name}-{i}" for i in range(n)],
        "date": lambda name: ["2026-03-01"] * n,
        "float": lambda name: ["4"] * n,
        "bool": lambda name: ["no"] * n,
    }
    data = {f.name: base[f.type](f.name) for f in SCHEMAS[kind] if f.required}
    if kind == "audits":
        data["score"] = ["90"] * n
    data.update(columns)
    df = pd.DataFrame(data, dtype="str")
    df.index = pd.RangeIndex(2, n + 2, name="row")
    return df
