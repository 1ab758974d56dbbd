"""Finding a month's export files in a data folder (``audits.csv``, ``feedback.parquet``, ...)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from rca.core.errors import InputError, ParameterError
from rca.ingest.schemas import KINDS

__all__ = ["check_mappings", "find_inputs", "parse_mappings"]

_EXTENSIONS = (".csv", ".parquet", ".xlsx", ".jsonl", ".ndjson", ".tsv", ".txt")


def find_inputs(data_dir: str | Path) -> dict[str, Path]:
    """Find the input file of each kind in ``data_dir`` (named ``<kind>.<ext>``).

    Raises
    ------
    InputError
        If the folder does not exist or has no audits file (the one required kind).
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError(data_dir, "data folder not found")
    found: dict[str, Path] = {}
    for kind in KINDS:
        for ext in _EXTENSIONS:
            path = data_dir / f"{kind}{ext}"
            if path.exists():
                found[kind] = path
                break
    if "audits" not in found:
        raise InputError(
            data_dir, f"no audits file; expected audits.csv (or {', '.join(_EXTENSIONS[1:4])})"
        )
    return found


def check_mappings(mappings: Mapping[str, str | Path] | None) -> dict[str, Path]:
    """Return ``{kind: mapping file}`` after checking every kind and file.

    Raises
    ------
    ParameterError
        For a kind that is not an input kind (audits, feedback, calibration, ai_labels).
    InputError
        For a mapping file that does not exist.
    """
    checked: dict[str, Path] = {}
    for kind, file in (mappings or {}).items():
        if kind not in KINDS:
            raise ParameterError(f"mapping for {kind!r}: expected one of {', '.join(KINDS)}")
        path = Path(file)
        if not path.is_file():
            raise InputError(path, f"mapping file for {kind} not found")
        checked[kind] = path
    return checked


def parse_mappings(items: Iterable[str]) -> dict[str, Path]:
    """Parse and check ``KIND=FILE`` items (the CLI's ``--mapping``); see `check_mappings`.

    Raises
    ------
    ParameterError
        For an item that is not ``KIND=FILE`` or names an unknown kind.
    InputError
        For a mapping file that does not exist.
    """
    pairs: dict[str, str] = {}
    for item in items:
        kind, sep, file = item.partition("=")
        if not sep or not kind.strip() or not file.strip():
            raise ParameterError(f"--mapping {item!r}: expected KIND=FILE, e.g. audits=vendor.yaml")
        pairs[kind.strip()] = file.strip()
    return check_mappings(pairs)
