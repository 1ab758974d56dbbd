"""The store's schema: its version, the tables of version 1, and the migrations between versions.

A store file records its version in ``meta`` (key ``schema_version``). Opening a file runs, in
order and each in its own transaction, every migration whose version is above the file's; a file
whose version is above `SCHEMA_VERSION` was written by a newer ``rca`` and is refused. Version 1
creates every table; a later change of the schema adds a ``(version, description, step)`` to
`MIGRATIONS` (a step is SQL text or a callable taking the DuckDB connection) and raises
`SCHEMA_VERSION`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rca.core.errors import InputError
from rca.ingest.schemas import SCHEMAS

__all__ = [
    "DDL",
    "MIGRATIONS",
    "ROW_KINDS",
    "SCHEMA_VERSION",
    "SQL_TYPES",
    "THEMED_COLUMNS",
    "file_version",
    "migrate",
    "row_table",
]

#: The schema version this code writes and reads.
SCHEMA_VERSION = 1

#: SQL type of each logical field type of `rca.ingest.schemas`.
SQL_TYPES: dict[str, str] = {
    "str": "VARCHAR", "date": "TIMESTAMP", "float": "DOUBLE", "int": "BIGINT", "bool": "BOOLEAN",
}  # fmt: skip
#: The input kinds whose rows the store keeps, one table each (`row_table`).
ROW_KINDS: tuple[str, ...] = ("audits", "feedback", "calibration", "ai_labels")
#: The text column of a kind that is themed: its rows carry ``language`` and ``text_key``.
THEMED_COLUMNS: dict[str, str] = {"audits": "comment", "feedback": "text"}


def row_table(kind: str) -> str:
    """Return the name of the table of ``kind``'s rows (``rows_<kind>``)."""
    if kind not in ROW_KINDS:
        from rca.core.errors import ParameterError

        raise ParameterError(f"kind {kind!r}: expected one of {', '.join(ROW_KINDS)}")
    return f"rows_{kind}"


def _rows_ddl(kind: str) -> str:
    columns = ["month VARCHAR NOT NULL", "ingest_id BIGINT NOT NULL", "ordinal BIGINT NOT NULL"]
    columns += [f'"{f.name}" {SQL_TYPES[f.type]}' for f in SCHEMAS[kind]]
    if kind in THEMED_COLUMNS:
        columns += ["language VARCHAR", "text_key VARCHAR"]
    return f"CREATE TABLE {row_table(kind)} ({', '.join(columns)})"


#: Version 1: every table of the store.
DDL: tuple[str, ...] = (
    "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    "CREATE SEQUENCE ingest_ids START 1",
    "CREATE SEQUENCE run_ids START 1",
    """CREATE TABLE ingests (ingest_id BIGINT PRIMARY KEY, ingested_at TIMESTAMP NOT NULL,
        source VARCHAR, files VARCHAR, months VARCHAR, rows VARCHAR, left_out VARCHAR)""",
    """CREATE TABLE month_kinds (month VARCHAR NOT NULL, kind VARCHAR NOT NULL,
        ingest_id BIGINT NOT NULL, rows BIGINT, valid BIGINT, quarantined BIGINT,
        PRIMARY KEY (month, kind))""",
    *(_rows_ddl(kind) for kind in ROW_KINDS),
    """CREATE TABLE quarantine (ingest_id BIGINT NOT NULL, kind VARCHAR NOT NULL,
        file VARCHAR, quarantined BIGINT, reasons VARCHAR)""",
    """CREATE TABLE runs (run_id BIGINT PRIMARY KEY, month VARCHAR NOT NULL,
        status VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP,
        parameters VARCHAR, inputs VARCHAR, versions VARCHAR, timings VARCHAR)""",
    """CREATE TABLE analysis_columns (table_name VARCHAR NOT NULL, run_id BIGINT NOT NULL,
        position INTEGER NOT NULL, column_name VARCHAR NOT NULL, dtype VARCHAR, encoding VARCHAR,
        PRIMARY KEY (table_name, run_id, column_name))""",
    """CREATE TABLE theme_registry (kind VARCHAR NOT NULL, month VARCHAR NOT NULL,
        registry_id BIGINT NOT NULL, label VARCHAR, keywords VARCHAR, centroid DOUBLE[],
        size BIGINT, first_month VARCHAR, last_month VARCHAR, status VARCHAR)""",
    """CREATE TABLE theme_lineage (kind VARCHAR NOT NULL, month VARCHAR NOT NULL,
        parent_id BIGINT, child_id BIGINT, relation VARCHAR, shared_texts BIGINT,
        share_of_parent DOUBLE, share_of_child DOUBLE, centroid_cosine DOUBLE,
        parent_keywords VARCHAR, child_keywords VARCHAR)""",
    """CREATE TABLE theme_members (kind VARCHAR NOT NULL, month VARCHAR NOT NULL,
        text_key VARCHAR NOT NULL, registry_id BIGINT NOT NULL)""",
    """CREATE TABLE curation_links (kind VARCHAR NOT NULL, curation_key VARCHAR NOT NULL,
        registry_id BIGINT NOT NULL, month VARCHAR, PRIMARY KEY (kind, curation_key))""",
)

Step = str | tuple[str, ...] | Callable[[Any], None]

#: ``(version, description, step)`` in version order; a step is SQL or a callable(connection).
MIGRATIONS: list[tuple[int, str, Step]] = [
    (
        1,
        "every table: ingests, month rows, quarantine counts, runs, analysis tables, registry",
        DDL,
    ),
]


def file_version(con: Any) -> int:
    """Return the schema version of the open store (0 for a new, empty file)."""
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()
    if not found or not found[0]:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(con: Any, path: Path, *, read_only: bool = False) -> int:
    """Bring the store open on ``con`` to `SCHEMA_VERSION`; return the version it had.

    Raises
    ------
    InputError
        When the file's version is newer than this code's, or when a read-only store is older.
    """
    import rca.store.schema as schema  # the module's own names, so a test can add a migration

    have, want = file_version(con), schema.SCHEMA_VERSION
    if have > want:
        raise InputError(
            path, f"store schema version {have} is newer than this rca's version {want}: "
            "upgrade rca to open it"
        )  # fmt: skip
    if have < want and read_only:
        raise InputError(
            path, f"store schema version {have} is older than this rca's version {want}: "
            "open it once for writing (e.g. rca history) to migrate it"
        )  # fmt: skip
    for version, _description, step in schema.MIGRATIONS:
        if version <= have or version > want:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            if callable(step):
                step(con)
            else:
                for statement in (step,) if isinstance(step, str) else step:
                    con.execute(statement)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return have
