"""The history store: every ingested month, theme registry and run, in one DuckDB file."""

from rca.store.history import Store
from rca.store.registry_frames import RegistryMatch, RegistryState
from rca.store.rows import DATE_COLUMNS, LANGUAGE_COLUMN
from rca.store.schema import SCHEMA_VERSION
from rca.store.summary import IngestSummary

__all__ = [
    "DATE_COLUMNS",
    "LANGUAGE_COLUMN",
    "SCHEMA_VERSION",
    "IngestSummary",
    "RegistryMatch",
    "RegistryState",
    "Store",
]
