"""Finding a month's export files in a data folder (``audits.csv``, ``feedback.parquet``, ...)."""

from __future__ import annotations

from pathlib import Path

from rca.core.errors import InputError
from rca.ingest.schemas import KINDS

__all__ = ["find_inputs"]

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
