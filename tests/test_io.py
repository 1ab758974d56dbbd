from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rca.core.errors import InputError
from rca.ingest.readers import read_table

ACCENTS = "José Núñez;Zoë Brontë;Très bien – vérification d’identité, café €5"


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_csv_delimiter_is_sniffed(tmp_path: Path, sep: str) -> None:
    text = sep.join(["id", "comment", "score"]) + "\n"
    text += sep.join(["1", '"a, b; c | d"', "87.5"]) + "\n"
    text += sep.join(["2", "plain", "90"]) + "\n"
    df = read_table(write(tmp_path / "t.csv", text))
    assert list(df.columns) == ["id", "comment", "score"]
    assert df.attrs["delimiter"] == sep
    assert df.loc[2, "comment"] == "a, b; c | d"


def test_cells_stay_strings_and_empty_is_empty_string(tmp_path: Path) -> None:
    df = read_table(write(tmp_path / "t.csv", "id,market,score,note\n007,NA,1e3,\n008,,null,x\n"))
    assert df.loc[2].tolist() == ["007", "NA", "1e3", ""]
    assert df.loc[3].tolist() == ["008", "", "null", "x"]
    assert df.isna().sum().sum() == 0
    assert all(pd.api.types.is_string_dtype(t) for t in df.dtypes)


def test_index_is_the_spreadsheet_row_number(tmp_path: Path) -> None:
    # header = row 1; a multi-line quoted cell is one row; blank rows keep their number
    text = 'id,comment\n1,"two\nlines"\n\n3,x\n,\n5,y\n'
    df = read_table(write(tmp_path / "t.csv", text))
    assert df.index.tolist() == [2, 4, 6]
    assert df.index.name == "row"
    assert df.loc[2, "comment"] == "two\nlines"
    assert df.attrs["blank_rows"] == 2


def test_header_whitespace_and_trailing_delimiters(tmp_path: Path) -> None:
    df = read_table(write(tmp_path / "t.csv", " id ; score ;\n1;90;\n2;85;\n"))
    assert list(df.columns) == ["id", "score"]
    assert df.loc[3, "score"] == "85"


@pytest.mark.parametrize(
    ("encoding", "prefix", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("cp1252", b"", "cp1252"),
        ("utf-16", b"", "utf-16"),
    ],
)
def test_encodings(tmp_path: Path, encoding: str, prefix: bytes, expected: str) -> None:
    text = "agent;auditor;comment\n" + ACCENTS + "\n" + ACCENTS.replace("José", "Ana") + "\n"
    df = read_table(write(tmp_path / "t.csv", prefix + text.encode(encoding)))
    assert df.attrs["encoding"] == expected
    assert list(df.columns) == ["agent", "auditor", "comment"]
    assert df.loc[2].tolist() == ACCENTS.split(";")


def test_explicit_encoding_and_delimiter(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "a|b\nÀ|1\n".encode("latin-1"))
    df = read_table(path, encoding="latin-1", delimiter="|")
    assert df.loc[2, "a"] == "À"
    assert df.attrs["encoding"] == "iso8859-1"
    with pytest.raises(InputError, match="cannot decode as 'utf-8'"):
        read_table(path, encoding="utf-8")


def test_undetectable_encoding_says_how_to_pass_one(tmp_path: Path) -> None:
    data = bytes(range(0x80, 0x100)) * 3
    with pytest.raises(InputError) as err:
        read_table(write(tmp_path / "t.csv", data))
    assert "cannot tell the text encoding" in str(err.value)
    assert "encoding: cp1252" in str(err.value)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "file is empty (0 bytes)"),
        ("blank.csv", "\n \n", "no header row"),
        ("header.csv", "a,b\n", "no data rows (only a header row)"),
        ("header_blank.csv", "a,b\n,\n\n", "no data rows"),
        ("dup.csv", "a,b,a\n1,2,3\n", "duplicated column name 'a' (columns 1 and 3)"),
        ("unnamed.csv", "a,,c\n1,2,3\n", "column 2 has no name"),
        ("ragged.csv", "a,b\n1,2\n3\n4,5,6\n", "rows 3, 4: 2 rows have 1/3 fields"),
        ("img.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image, not text"),
        ("zip.csv", b"PK\x03\x04\x00\x00", "ZIP archive"),
        ("nul.csv", b"a,b\x00\x00\x00\n\x00\x01\x02\x00", "binary"),
        ("doc.docx", b"PK\x03\x04", "unsupported file type '.docx'"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "save old .xls workbooks as .xlsx"),
        ("text.xlsx", "a,b\n1,2\n", "not an Excel .xlsx workbook"),
        ("text.parquet", "a,b\n1,2\n", "not a Parquet file"),
        ("corrupt.parquet", b"PAR1garbagePAR1", "not a readable Parquet file"),
        ("broken.xlsx", b"PK\x03\x04garbage", "not a readable .xlsx workbook"),
        ("bad_bom.csv", b"\xef\xbb\xbfa,b\n\xff,1\n", "starts like utf-8-sig text but is not"),
        ("bad.jsonl", '{"a": 1}\n{"a": 2\n', "line 2 is not valid JSON"),
        ("list.jsonl", '{"a": 1}\n[1, 2]\n', "line 2 is not a JSON object"),
        ("blank.jsonl", "\n\n", "no data rows"),
    ],
)
def test_unusable_files(tmp_path: Path, name: str, content: str | bytes, message: str) -> None:
    with pytest.raises(InputError) as err:
        read_table(write(tmp_path / name, content))
    text = str(err.value)
    assert message in text
    assert text.startswith(str(tmp_path / name))
    assert "\n" not in text


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.csv: file not found"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="is a folder"):
        read_table(tmp_path)


def test_jsonl_rows_are_line_numbers_and_values_strings(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "score": 87.5, "ok": True},
        None,
        {"id": "b", "score": 90, "ok": None, "tags": ["x", "y"]},
    ]
    text = "\n".join("" if obj is None else json.dumps(obj) for obj in lines) + "\n"
    df = read_table(write(tmp_path / "t.ndjson", text))
    assert df.index.tolist() == [1, 3]
    assert list(df.columns) == ["id", "score", "ok", "tags"]
    assert df.loc[1].tolist() == ["a", "87.5", "true", ""]
    assert df.loc[3].tolist() == ["b", "90", "", '["x", "y"]']
    assert df.attrs["encoding"] == "utf-8"


def test_xlsx_first_or_named_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Audits"
    first.append(["audit_id", "audit_date", "score", "passed"])
    first.append(["A1", dt.datetime(2026, 3, 31), 87.5, True])
    first.append([None, None, None, None])
    first.append(["A3", dt.datetime(2026, 3, 1, 14, 30), 85.0, None])
    first["C2"].number_format = "0.0%"
    first["C2"].value = 0.875  # shown as 87.5% in Excel
    other = book.create_sheet("Other")
    other.append(["x"])
    other.append(["y"])
    path = tmp_path / "t.xlsx"
    book.save(path)

    df = read_table(path)
    assert df.index.tolist() == [2, 4]
    assert df.loc[2].tolist() == ["A1", "2026-03-31", "87.5%", "true"]
    assert df.loc[4].tolist() == ["A3", "2026-03-01T14:30:00", "85", ""]
    assert df.attrs["encoding"] is None
    assert read_table(path, sheet="Other").loc[2, "x"] == "y"
    assert read_table(path, sheet=1).loc[2, "x"] == "y"
    with pytest.raises(InputError, match="no sheet named 'Nope'; sheets: Audits, Other"):
        read_table(path, sheet="Nope")


def test_parquet_values_become_strings(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": pa.array([1, None, 3], pa.int64()),
            "score": [87.5, None, 85.0],
            "day": [dt.date(2026, 3, 1), None, dt.date(2026, 3, 3)],
            "ok": [True, False, None],
            "name": ["x", None, "z"],
        }
    )
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    df = read_table(path)
    saved = tmp_path / "saved_index.parquet"
    pd.DataFrame({"a": ["x"]}, index=pd.Index([7], name="idx")).to_parquet(saved)
    assert list(read_table(saved).columns) == ["a"]  # a saved pandas index is not a column
    assert df.index.tolist() == [2, 3, 4]
    assert df.loc[2].tolist() == ["1", "87.5", "2026-03-01", "true", "x"]
    assert df.loc[4].tolist() == ["3", "85", "2026-03-03", "", "z"]
    assert df.loc[3, "name"] == ""
