"""Read an input table (CSV, Excel, Parquet, JSON Lines) into a frame of strings.

The reader decides nothing about types: every cell comes back as a string, an empty cell as ``""``
(never NaN), so that `rca.ingest.validate` alone parses and judges values. The frame's index is the
row number the user sees: in a CSV or a sheet the header is row 1 and the first data row is row 2;
in Parquet the same numbering is used as if the table were opened in a spreadsheet; in JSON Lines it
is the line number. Excel cells are read as shown: dates as ISO dates, a number formatted as a
percentage as ``87.5%``. Rows that are entirely empty are skipped (their count is in
``df.attrs["blank_rows"]``) and the numbering of later rows does not change.

``df.attrs`` also records ``source`` (the path), ``encoding`` (text files: the encoding used, e.g.
``utf-8``, ``utf-8-sig`` or a detected legacy one like ``cp1252``) and, for CSV, ``delimiter``.
Every problem that makes a file unusable raises `rca.core.errors.InputError` with a one-line
message.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from charset_normalizer import from_bytes

from rca.core.errors import InputError

__all__ = ["DELIMITERS", "EXTENSIONS", "cell_text", "read_table"]

#: Delimiters a CSV file may use; the one in use is sniffed from the first records.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

#: File extensions `read_table` understands, and the reader each one uses.
EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

# Leading bytes of common non-text files, to say what a mis-named file really is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx or Word .docx file is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.xls or .doc)"),
    (b"PAR1", "a Parquet file"),
    (b"\x1f\x8b", "a gzip archive"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Legacy encodings preferred when charset detection finds several that fit equally well.
_PREFERRED = ("cp1252", "iso8859-1", "iso8859-15")
_SAMPLE_CHARS = 65536


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> pd.DataFrame:
    """Read a CSV, Excel, Parquet or JSON Lines file; every cell is returned as a string.

    Parameters
    ----------
    path
        The file. Its extension picks the reader (see `EXTENSIONS`).
    sheet
        Excel only: sheet name or 0-based position; the first sheet by default.
    encoding
        Text files only: the encoding to use instead of detecting it (e.g. ``"cp1252"``).
    delimiter
        CSV only: the delimiter to use instead of sniffing it.

    Returns
    -------
    pandas.DataFrame
        String columns named as in the file's header; the index (named ``row``) holds the row
        number the user sees (header = row 1). ``attrs`` holds ``source``, ``encoding``,
        ``blank_rows`` and, for CSV, ``delimiter``.

    Raises
    ------
    InputError
        The file is missing, a folder, of an unsupported or wrong type, empty, has no data rows,
        duplicated column names, ragged rows, malformed JSON lines or an undetectable encoding.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a folder; expected a file")
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        expected = ", ".join(EXTENSIONS)
        old = "; save old .xls workbooks as .xlsx" if path.suffix.lower() == ".xls" else ""
        raise InputError(
            path, f"unsupported file type '{path.suffix}'; expected one of {expected}{old}"
        )
    data = path.read_bytes()
    if not data:
        raise InputError(path, "file is empty (0 bytes)")
    attrs: dict[str, Any] = {"source": str(path), "encoding": None}
    if fmt == "excel":
        _expect_magic(path, data, b"PK\x03\x04", "an Excel .xlsx workbook")
        header, records = _excel_records(path, data, sheet)
    elif fmt == "parquet":
        _expect_magic(path, data, b"PAR1", "a Parquet file")
        header, records = _parquet_records(path, data)
    else:
        text, attrs["encoding"] = _decode(path, data, encoding)
        if fmt == "jsonl":
            header, records = _jsonl_records(path, text)
        else:
            attrs["delimiter"] = delimiter or _sniff_delimiter(text)
            header, records = _csv_records(path, text, attrs["delimiter"])
    return _frame(path, header, records, attrs)


def _expect_magic(path: Path, data: bytes, magic: bytes, what: str) -> None:
    if not data.startswith(magic):
        found = _binary_kind(data) or "not"
        raise InputError(path, f"file content is {found} {what}; check the file and its extension")


def _binary_kind(data: bytes) -> str | None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return None


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    """Decode text bytes and refuse binary content (NUL characters)."""
    text, name = _detect(path, data, encoding)
    if "\x00" in text:
        raise InputError(path, "file content is binary (it holds NUL bytes), not text")
    return text, name


def _detect(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    """Decode with the given encoding, a BOM, UTF-8, or a confident charset detection."""
    if encoding is not None:
        try:
            return data.decode(encoding), codecs.lookup(encoding).name
        except (LookupError, UnicodeDecodeError) as exc:
            raise InputError(path, f"cannot decode as '{encoding}': {exc}") from None
    kind = _binary_kind(data)
    if kind is not None:
        raise InputError(
            path, f"file content is {kind}, not text; check the file and its extension"
        )
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise InputError(path, f"starts like {name} text but is not ({exc})") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(data))
    hint = "name it in a mapping file (e.g. `encoding: cp1252`) or re-save the file as UTF-8"
    if not matches:
        if b"\x00" in data[:4096]:
            raise InputError(path, "file content is binary (it holds NUL bytes), not text")
        raise InputError(
            path,
            "cannot tell the text encoding: tried utf-8, utf-16 and charset detection over "
            f"legacy encodings (cp1252, latin-1, ...) and none fits; {hint}",
        )
    best = matches[0]
    tied = [m for m in matches if m.chaos <= best.chaos + 0.005]
    names = [codecs.lookup(m.encoding).name for m in tied]
    for preferred in _PREFERRED:
        if preferred in names:
            match = tied[names.index(preferred)]
            return str(match), preferred
    if len({str(m) for m in tied}) > 1:
        raise InputError(
            path,
            f"cannot tell the text encoding: not utf-8, and {', '.join(names)} fit equally well; "
            f"{hint}",
        )
    return str(best), names[0]


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter giving the most columns with a consistent count over the first rows."""
    sample = text[:_SAMPLE_CHARS]
    if len(text) > _SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_width, best_ok = ",", 1, False
    for delim in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delim) if r]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        same = sum(len(r) == width for r in rows[1:])
        ok = same >= 0.9 * (len(rows) - 1)
        if width > 1 and (ok, width) > (best_ok, best_width):
            best, best_width, best_ok = delim, width, ok
    return best


Record = tuple[int, list[str]]


def _csv_records(path: Path, text: str, delimiter: str) -> tuple[list[str], list[Record]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        rows.extend(reader)
    except csv.Error as exc:
        raise InputError(path, f"unreadable CSV near line {reader.line_num}: {exc}") from None
    records = [(number, row) for number, row in enumerate(rows, start=1)]
    return _split_header(path, records)


def _excel_records(
    path: Path, data: bytes, sheet: str | int | None
) -> tuple[list[str], list[Record]]:
    import openpyxl  # imported here: only Excel input needs it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        reason = " ".join(str(exc).split())
        raise InputError(path, f"not a readable .xlsx workbook ({reason})") from None
    names = book.sheetnames
    if isinstance(sheet, int) and not 0 <= sheet < len(names):
        raise InputError(path, f"no sheet number {sheet}; the workbook has {len(names)}")
    if isinstance(sheet, str) and sheet not in names:
        raise InputError(path, f"no sheet named '{sheet}'; sheets: {', '.join(names)}")
    name = names[sheet] if isinstance(sheet, int) else sheet or names[0]
    rows = book[name].iter_rows()
    records = [(n, [_excel_text(c) for c in row]) for n, row in enumerate(rows, start=1)]
    book.close()
    return _split_header(path, records)


def _excel_text(cell: Any) -> str:
    """Render a cell as shown: a number formatted as a percentage (0.875) reads ``87.5%``."""
    value = cell.value
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and "%" in (getattr(cell, "number_format", None) or ""):
        return cell_text(round(value * 100, 10)) + "%"
    return cell_text(value)


def _parquet_records(path: Path, data: bytes) -> tuple[list[str], list[Record]]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError) as exc:
        reason = " ".join(str(exc).split())
        raise InputError(path, f"not a readable Parquet file ({reason})") from None
    index = (table.schema.pandas_metadata or {}).get("index_columns", [])
    table = table.drop_columns([c for c in index if isinstance(c, str)])  # a saved pandas index
    columns: list[list[str]] = []
    for column in table.columns:
        try:
            values: Iterable[Any] = pc.cast(column, pa.string()).to_pylist()
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            values = column.to_pylist()
        columns.append([cell_text(v) for v in values])
    rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
    return list(table.column_names), [(n, r) for n, r in enumerate(rows, start=2)]


def _jsonl_records(path: Path, text: str) -> tuple[list[str], list[Record]]:
    objects: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: U+2028 is data
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                path, f"line {number} is not valid JSON ({exc.msg} at column {exc.colno})"
            ) from None
        if not isinstance(obj, dict):
            raise InputError(path, f"line {number} is not a JSON object; expected one per line")
        objects.append((number, obj))
    header = list(dict.fromkeys(key for _, obj in objects for key in obj))
    records = [(n, [cell_text(obj.get(key)) for key in header]) for n, obj in objects]
    if not objects:
        raise InputError(path, "no data rows (the file has only blank lines)")
    return header, records


def cell_text(value: object) -> str:
    """Render one cell or YAML scalar as the string a person would type.

    ``None`` is ``""``, booleans are ``true``/``false``, whole floats lose ``.0``, midnight
    datetimes are ISO dates, lists and dicts are JSON.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value == dt.datetime.combine(value.date(), dt.time()):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _split_header(path: Path, records: list[Record]) -> tuple[list[str], list[Record]]:
    """Take the first non-blank record as the header; check the others' widths against it."""
    start = next((i for i, (_, row) in enumerate(records) if _filled(row)), None)
    if start is None:
        raise InputError(path, "file has no header row (it is blank)")
    header, body = records[start][1], records[start + 1 :]
    while header and not header[-1].strip():  # trailing empty header cells: trailing delimiters
        header = header[:-1]
    width = len(header)
    ragged = [
        (n, len(row))
        for n, row in body
        if _filled(row) and (len(row) < width or _filled(row[width:]))
    ]
    if ragged:
        widths = "/".join(str(w) for w in sorted({w for _, w in ragged[:5]}))
        raise InputError(
            path,
            f"{len(ragged)} {'row has' if len(ragged) == 1 else 'rows have'} {widths} fields "
            f"but the header has {width}; "
            "expected the same number in every row (check quoting and the delimiter)",
            rows=[n for n, _ in ragged],
        )
    return [h.strip() for h in header], [(n, row[:width]) for n, row in body]


def _filled(row: Sequence[str]) -> bool:
    return any(cell.strip() for cell in row)


def _frame(
    path: Path, header: Sequence[str], records: list[Record], attrs: dict[str, Any]
) -> pd.DataFrame:
    """Build the string frame, refusing unnamed or duplicated columns and bodies without rows."""
    unnamed = [i for i, name in enumerate(header, start=1) if not name]
    if unnamed:
        raise InputError(path, f"column {unnamed[0]} has no name in the header row")
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        if name in seen:
            raise InputError(
                path,
                f"duplicated column name '{name}' (columns {seen[name]} and {i}); "
                "expected every column to have a distinct name",
            )
        seen[name] = i
    data_rows = [(n, row) for n, row in records if _filled(row)]
    if not data_rows:
        raise InputError(path, "no data rows (only a header row)")
    index = pd.Index([n for n, _ in data_rows], name="row")
    df = pd.DataFrame([row for _, row in data_rows], columns=list(header), index=index, dtype="str")
    df.attrs.update(attrs, blank_rows=len(records) - len(data_rows))
    return df
