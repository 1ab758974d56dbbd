"""Column mappings: how a vendor export's columns and values become canonical ones.

A mapping is a small YAML file; every key but ``kind`` is optional::

    kind: audits                 # audits | feedback | calibration | ai_labels
    columns:                     # canonical column: vendor column (exact header text)
      audit_id: "Audit ID"
      audit_date: "Eval Date"
      score: "QA Score %"
      passed: "Result"
    values:                      # canonical column: {vendor value: canonical value}
      passed: {"Pass": true, "Fail": false}   # matched ignoring case and outer spaces
    dates:
      dayfirst: true             # 31/03/2026, 31.03.2026, 31-03-2026 (ISO is always accepted)
      # format: "%d/%m/%Y"       # or one exact strptime format (not both)
    decimal: ","                 # decimal separator of numbers: "." (default) or ","
    percent_columns: [score]     # "87.5%" -> 87.5
    constants:
      market: "MY"               # fill a canonical column with one value
    pass_mark: 85                # audits: passed = score >= pass_mark when `passed` is absent
    encoding: cp1252             # text files: skip encoding detection
    sheet: "Audits"              # Excel: sheet name (first sheet by default)
    delimiter: ";"               # CSV: skip delimiter sniffing

A file column whose header is already a canonical name is taken as is unless the mapping maps that
canonical column elsewhere; other vendor columns are left out of the canonical frame (they are
listed in ``attrs["ignored_columns"]``), which is not an error. Quote YAML keys such as ``"Yes"``,
``"No"``, ``"On"``: unquoted, YAML reads them as booleans and the mapping refuses them.
"""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from rca.core.errors import InputError, ParameterError
from rca.core.yamlfile import KeyPath, YamlFile, read_yaml
from rca.ingest.readers import DELIMITERS, cell_text
from rca.ingest.schemas import KINDS, SCHEMAS

__all__ = ["DEFAULT_PASS_MARK", "Mapping", "apply_mapping", "load_mapping", "parse_values"]

#: Audits: the score at or above which a case passes, when ``passed`` is derived from ``score``.
DEFAULT_PASS_MARK = 85.0

_BOOLEANS: dict[str, bool] = {
    **dict.fromkeys(("true", "yes", "y", "t", "1", "pass", "passed"), True),
    **dict.fromkeys(("false", "no", "n", "f", "0", "fail", "failed"), False),
}
_DAYFIRST = [f"%d{s}%m{s}{y}{t}" for s in "/.-" for y in ("%Y", "%y") for t in ("", " %H:%M")]
_KEYS = (
    "kind",
    "columns",
    "values",
    "dates",
    "decimal",
    "percent_columns",
    "constants",
    "pass_mark",
    "encoding",
    "sheet",
    "delimiter",
)


@dataclass(frozen=True)
class Mapping:
    """A validated column mapping; ``Mapping(kind)`` is the identity mapping of a kind.

    Attributes mirror the YAML keys (see the module docstring); ``dayfirst`` and ``date_format``
    come from ``dates``, and ``source`` is the file the mapping was read from.
    """

    kind: str
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    dayfirst: bool = False
    date_format: str | None = None
    decimal: str = "."
    percent_columns: tuple[str, ...] = ()
    constants: dict[str, str] = field(default_factory=dict)
    pass_mark: float = DEFAULT_PASS_MARK
    encoding: str | None = None
    sheet: str | int | None = None
    delimiter: str | None = None
    source: str = "<mapping>"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ParameterError(f"unknown kind '{self.kind}'; expected one of {', '.join(KINDS)}")


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a YAML column mapping.

    Parameters
    ----------
    path
        The YAML file (format in the module docstring).

    Returns
    -------
    Mapping

    Raises
    ------
    InputError
        One line naming the mapping file, the line and the bad key (`rca.core.yamlfile`):
        unreadable YAML, a key written twice, an unknown key, kind or canonical column, or a
        value of the wrong type.
    """
    return _Checker(read_yaml(path, what="mapping")).mapping()


class _Checker:
    """Check one mapping file's YAML, raising one-line InputErrors naming file, line and key."""

    def __init__(self, doc: YamlFile) -> None:
        self.doc = doc
        raw = doc.data
        if not isinstance(raw, dict):
            raise doc.fail((), "expected a YAML mapping with at least a `kind:` key")
        self.raw: dict[str, Any] = raw
        doc.check_keys((), raw, _KEYS)
        kind = raw.get("kind")
        if kind not in KINDS:
            self.fail(("kind",), f"'{kind}' is not one of {', '.join(KINDS)}")
        self.kind: str = kind
        self.fields = {f.name: f for f in SCHEMAS[kind]}

    def fail(self, keys: KeyPath, message: str) -> NoReturn:
        raise self.doc.fail(keys, message)

    def table(self, key: str, check: Callable[[KeyPath, Any], Any]) -> dict[str, Any]:
        """Check a ``canonical column: value`` table: its column names, then each value."""
        given = self.raw.get(key) or {}
        if not isinstance(given, dict):
            self.fail((key,), "expected `canonical column: value` pairs")
        for name in given:
            if name not in self.fields:
                close = difflib.get_close_matches(str(name), list(self.fields), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                known = ", ".join(self.fields)
                self.fail((key, name), f"unknown {self.kind} column{hint}; expected one of {known}")
        return {name: check((key, name), value) for name, value in given.items()}

    def scalar(self, where: KeyPath, value: Any) -> str:
        if isinstance(value, dict | list):
            self.fail(where, f"expected a single value, got {type(value).__name__}")
        return cell_text(value)

    def vendor_column(self, where: KeyPath, value: Any) -> str:
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
            self.fail(where, "expected the vendor column's header text")
        return str(value)

    def value_table(self, where: KeyPath, value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            self.fail(where, "expected `vendor value: canonical value` pairs")
        for key in value:
            if isinstance(key, bool) or key is None:
                self.fail(
                    (*where, key), f"YAML read the key {key!r} as a boolean or null; quote it"
                )
        return {str(k).strip().casefold(): self.scalar((*where, k), v) for k, v in value.items()}

    def mapping(self) -> Mapping:
        raw = self.raw
        columns = self.table("columns", self.vendor_column)
        constants = self.table("constants", self.scalar)
        both = sorted(set(columns) & set(constants))
        if both:
            self.fail(
                ("constants", both[0]), f"'{both[0]}' is in both columns and constants; keep one"
            )
        dates = raw.get("dates") or {}
        if not isinstance(dates, dict):
            self.fail(("dates",), 'expected `dayfirst: true` or `format: "%d/%m/%Y"`')
        self.doc.check_keys(("dates",), dates, ("dayfirst", "format"))
        if "dayfirst" in dates and "format" in dates:
            self.fail(("dates",), "give either dayfirst or format, not both")
        if not isinstance(dates.get("dayfirst", False), bool):
            self.fail(("dates", "dayfirst"), "expected true or false")
        if raw.get("decimal", ".") not in (".", ","):
            self.fail(("decimal",), f"'{raw['decimal']}' is not '.' or ','")
        percent = raw.get("percent_columns") or []
        floats = [n for n, f in self.fields.items() if f.type == "float"]
        if not isinstance(percent, list) or any(p not in floats for p in percent):
            self.fail(("percent_columns",), f"expected a list of numeric columns among {floats}")
        pass_mark = raw.get("pass_mark", DEFAULT_PASS_MARK)
        if self.kind != "audits" and "pass_mark" in raw:
            self.fail(("pass_mark",), "only audits have a pass mark")
        number = isinstance(pass_mark, int | float) and not isinstance(pass_mark, bool)
        if not number or not 0 <= pass_mark <= 100:
            self.fail(("pass_mark",), f"expected a number from 0 to 100, got {pass_mark!r}")
        sheet = raw.get("sheet")
        if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, str | int)):
            self.fail(("sheet",), "expected a sheet name or number (0 is the first)")
        if not isinstance(dates.get("format", ""), str):
            self.fail(("dates", "format"), 'expected a strptime format such as "%d/%m/%Y"')
        encoding = raw.get("encoding")
        if encoding is not None:
            try:
                encoding = codecs.lookup(str(encoding)).name
            except LookupError:
                self.fail(("encoding",), f"unknown encoding '{encoding}' (e.g. cp1252, latin-1)")
        delimiter = raw.get("delimiter")
        if delimiter is not None and delimiter not in DELIMITERS:
            self.fail(("delimiter",), f"expected one of {DELIMITERS}")
        return Mapping(
            kind=self.kind,
            columns=columns,
            values=self.table("values", self.value_table),
            dayfirst=bool(dates.get("dayfirst", False)),
            date_format=dates.get("format"),
            decimal=raw.get("decimal", "."),
            percent_columns=tuple(percent),
            constants=constants,
            pass_mark=float(pass_mark),
            encoding=encoding,
            sheet=sheet,
            delimiter=delimiter,
            source=str(self.doc.path),
        )


def apply_mapping(df: pd.DataFrame, mapping: Mapping, *, source: str | None = None) -> pd.DataFrame:
    """Rename, recode and fill a vendor frame into the canonical string columns of its kind.

    Parameters
    ----------
    df
        A frame from `rca.ingest.readers.read_table` (string cells, index = row numbers).
    mapping
        The mapping; ``Mapping(kind)`` keeps only the columns already named canonically.
    source
        The file named in messages; ``df.attrs["source"]`` by default.

    Returns
    -------
    pandas.DataFrame
        The canonical columns present (schema order), still strings, same index. ``attrs`` keeps
        the input's and adds ``ignored_columns`` (vendor columns left out) and ``vendor_columns``
        (canonical name -> the vendor header it came from).

    Raises
    ------
    InputError
        A vendor column named in the mapping is not in the file, or a required canonical column
        is not supplied (audits: neither ``score`` nor ``passed``).
    """
    source = source or df.attrs.get("source", "<frame>")
    missing = [(c, v) for c, v in mapping.columns.items() if v not in df.columns]
    if missing:
        canonical, vendor = missing[0]
        raise InputError(
            source,
            f"mapping {mapping.source} takes '{canonical}' from column '{vendor}', which is not "
            f"in the file; columns found: {_shown(df.columns)}",
            column=vendor,
        )
    taken = set(mapping.columns.values())
    out: dict[str, pd.Series] = {}
    origin: dict[str, str] = {}
    for spec in SCHEMAS[mapping.kind]:
        name = spec.name
        if name in mapping.columns:
            out[name] = df[mapping.columns[name]]
            origin[name] = mapping.columns[name]
        elif name in mapping.constants:
            out[name] = pd.Series(mapping.constants[name], index=df.index, dtype="str")
        elif name in df.columns and name not in taken:
            out[name] = df[name]
            origin[name] = name
    for name, table in mapping.values.items():
        if name in out:
            out[name] = out[name].map(lambda v, t=table: t.get(v.strip().casefold(), v))
    for name in mapping.percent_columns:
        if name in out:
            out[name] = out[name].str.strip().str.removesuffix("%").str.rstrip()
    result = pd.DataFrame(out, index=df.index, dtype="str")
    used = taken | set(origin.values())
    result.attrs.update(df.attrs)
    result.attrs["ignored_columns"] = [c for c in df.columns if c not in used]
    result.attrs["vendor_columns"] = origin
    _require_columns(result, [str(c) for c in df.columns], mapping.kind, source)
    return result


def _require_columns(canon: pd.DataFrame, found: list[str], kind: str, source: str) -> None:
    """Refuse a frame lacking required columns (audits: also lacking both score and passed)."""
    missing = [f.name for f in SCHEMAS[kind] if f.required and f.name not in canon.columns]
    if kind == "audits" and not {"score", "passed"} & set(canon.columns):
        missing.append("score")
    if not missing:
        return
    column = missing[0]
    need = f"missing required {kind} column '{column}'"
    if column == "score":
        need = "audits need a 'score' or a 'passed' column"
    also = f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""
    taken = {f.name for f in SCHEMAS[kind]} - {column}  # named like another canonical column
    free = {_plain(c): c for c in found if _plain(c) not in taken}
    near = difflib.get_close_matches(column, list(free), n=1, cutoff=0.6)
    vendor = free[near[0]] if near else "Vendor name"
    raise InputError(
        source,
        f"{need}{also}; columns found: {_shown(found)}; map a file column to it in a mapping "
        f'(columns: {column}: "{vendor}")',
        column=column,
    )


def _shown(columns: Iterable[object]) -> str:
    names = [f"'{c}'" for c in columns]
    return ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")


def _plain(name: str) -> str:
    """Lower-case a header and join its words with ``_`` (``"Audit ID"`` -> ``audit_id``)."""
    return "_".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())


def parse_values(text: pd.Series, field_type: str, mapping: Mapping) -> pd.Series:
    """Parse stripped strings (NA when empty) of one canonical column, as the mapping says.

    Parameters
    ----------
    text
        The column's cells, stripped, with NA for empty cells.
    field_type
        ``str``, ``date``, ``float``, ``int`` or ``bool`` (`rca.ingest.schemas.Field.type`).
    mapping
        Supplies ``dayfirst``, ``date_format`` and ``decimal``.

    Returns
    -------
    pandas.Series
        Parsed values; NA where a cell is empty or does not parse. The rules:

        - dates: ISO 8601 (``2026-03-31``, optionally with a time; offsets are converted to
          UTC); with ``dayfirst`` also ``31/03/2026``, ``31.03.2026``, ``31-03-2026``, 2-digit
          years and an ``HH:MM`` time; with ``date_format`` exactly that format.
        - numbers: decimal point by default, so ``87,5`` is refused rather than guessed
          (``1,234`` could mean either); with ``decimal: ","`` both ``87,5`` and ``87.5`` read
          87.5. Thousands separators are never accepted; ``nan`` and ``inf`` are not numbers.
        - booleans: true/false, yes/no, y/n, t/f, 1/0, pass/fail, passed/failed, any case.
    """
    if field_type == "date":
        if mapping.date_format:
            return pd.to_datetime(text, format=mapping.date_format, errors="coerce")
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True).dt.tz_convert(
            None
        )
        for fmt in _DAYFIRST if mapping.dayfirst else []:
            todo = parsed.isna() & text.notna()
            if todo.any():
                parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        return parsed
    if field_type in ("float", "int"):
        numbers = text.str.replace(",", ".", regex=False) if mapping.decimal == "," else text
        parsed = pd.to_numeric(numbers, errors="coerce")
        parsed = parsed.where(parsed.abs() != float("inf"))
        return parsed.where(parsed.round() == parsed) if field_type == "int" else parsed
    if field_type == "bool":
        return text.str.casefold().map(_BOOLEANS)
    return text
