"""`Store`: the history store, one DuckDB file holding every ingested month and every run."""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd

from rca.core.errors import InputError, ParameterError
from rca.store import analysis_tables, registry_io
from rca.store.months import replace_months
from rca.store.registry_frames import RegistryMatch, RegistryState
from rca.store.rows import LANGUAGE_COLUMN, typed_frame
from rca.store.schema import ROW_KINDS, THEMED_COLUMNS, migrate, row_table
from rca.store.summary import IngestSummary

__all__ = ["Store"]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("rca", "duckdb", "pandas", "numpy", "bertopic", "sentence-transformers"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


class Store:
    """The history store: every ingested month, run, analysis table and theme registry.

    Parameters
    ----------
    path
        The DuckDB file; created (with its folder) and migrated to the current schema when
        opened for writing.
    read_only
        Open without writing (several readers may share the file, e.g. notebooks).

    Raises
    ------
    InputError
        When the file cannot be opened, is not a store, or was written by a newer ``rca``.

    Notes
    -----
    Use it as a context manager (``with Store(path) as store: ...``) or call `close`.
    Every write is one transaction: an error or a killed process leaves the store as it was.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        import duckdb

        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.is_file():
            raise InputError(self.path, "store not found (ingest a month first: rca ingest)")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise InputError(self.path, f"cannot open the store: {exc}".splitlines()[0]) from exc
        try:
            migrate(self._con, self.path, read_only=read_only)
        except BaseException:
            self._con.close()
            raise

    # -- life cycle ------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _write(self, work: Any, *args: Any, **kwargs: Any) -> Any:
        """Run ``work(connection, ...)`` in one transaction: all of it or nothing."""
        if self.read_only:
            raise ParameterError(f"store {self.path} is open read-only")
        self._con.execute("BEGIN TRANSACTION")
        try:
            result = work(self._con, *args, **kwargs)
            self._con.execute("COMMIT")
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        return result

    # -- months ----------------------------------------------------------------------------
    def replace_months(
        self,
        tables: Mapping[str, pd.DataFrame],
        *,
        source: str,
        files: Mapping[str, str],
        counts: Mapping[str, Mapping[str, int]],
        months: Sequence[str] | None = None,
        reasons: Mapping[str, Sequence[str]] | None = None,
    ) -> IngestSummary:
        """Store whole months of validated, cleaned, redacted rows, replacing what was there.

        Parameters
        ----------
        tables
            ``{kind: frame}`` as `rca.analysis.intake.read_exports` gives them (audits and
            feedback with their ``language`` column); kinds: audits, feedback, calibration,
            ai_labels. A row's month comes from its kind's date column; undated rows (a
            calibration session without a date) go to the latest month stored.
        source
            Where the exports came from (their folder).
        files
            ``{kind: sha256 of the file}``.
        counts
            ``{kind: {rows, valid, quarantined}}`` of the files. Quarantined rows have no
            trusted date: they are counted in the latest month stored. Their values never
            enter the store.
        months
            The months to replace whole (every kind of them deleted, then the new rows
            inserted); default: every month the audits hold. Rows of other months are not
            stored (`IngestSummary.left_out`).
        reasons
            ``{kind: problem lines}`` of the validation (counts and row numbers, no values).

        Returns
        -------
        IngestSummary

        Raises
        ------
        ParameterError
            For a month the audits do not hold, or no audits. The store is then unchanged, as
            after any error.
        """
        return self._write(
            replace_months, tables, source=source, files=files, counts=counts, months=months,
            reasons=reasons,
        )  # fmt: skip

    def months(self, kind: str = "audits") -> list[str]:
        """Return the months holding rows of ``kind`` (sorted ``YYYY-MM``)."""
        rows = self._con.execute(
            "SELECT DISTINCT month FROM month_kinds WHERE kind = ? ORDER BY month", [kind]
        ).fetchall()
        return [str(r[0]) for r in rows]

    def read(
        self, kind: str, *, until: str | None = None, since: str | None = None
    ) -> pd.DataFrame:
        """Return the stored rows of ``kind`` in months ``since`` to ``until`` (both included).

        The columns and dtypes are those of validation (`rca.ingest.validate`), plus
        ``language`` for audits and feedback; rows are ordered by month, then as in their
        export. An empty frame when there are none.
        """
        from rca.ingest.schemas import SCHEMAS

        columns = [f'"{f.name}"' for f in SCHEMAS[kind]]
        if kind in THEMED_COLUMNS:
            columns.append(LANGUAGE_COLUMN)
        df = self._con.execute(
            f"SELECT {', '.join(columns)} FROM {row_table(kind)} "
            "WHERE (? IS NULL OR month >= ?) AND (? IS NULL OR month <= ?) ORDER BY month, ordinal",
            [since, since, until, until],
        ).df()
        if df.empty:
            return pd.DataFrame()
        return typed_frame(df, kind)

    def text_keys(self, kind: str, *, until: str | None = None) -> pd.DataFrame:
        """Return ``month`` and ``text_key`` of the stored rows of ``kind``, in `read` order."""
        return self._con.execute(
            f"SELECT month, text_key FROM {row_table(kind)} WHERE (? IS NULL OR month <= ?) "
            "ORDER BY month, ordinal",
            [until, until],
        ).df()

    def kinds(self, *, until: str | None = None) -> dict[str, dict[str, int]]:
        """Return ``{kind: {rows, valid, quarantined}}`` over the months up to ``until``.

        A kind is present when any of those months held its export.
        """
        rows = self._con.execute(
            "SELECT kind, sum(rows), sum(valid), sum(quarantined) FROM month_kinds "
            "WHERE (? IS NULL OR month <= ?) GROUP BY kind",
            [until, until],
        ).fetchall()
        found = {str(k): {"rows": int(r), "valid": int(v), "quarantined": int(q)}
                 for k, r, v, q in rows}  # fmt: skip
        return {kind: found[kind] for kind in ROW_KINDS if kind in found}

    def history(self) -> pd.DataFrame:
        """Return one row per stored month: rows per kind, quarantined, ingest, runs."""
        pivot = ", ".join(
            f"sum(valid) FILTER (WHERE kind = '{k}')::BIGINT AS {k}" for k in ROW_KINDS
        )
        return self._con.execute(
            f"""SELECT m.month, {pivot}, sum(m.quarantined)::BIGINT AS quarantined,
                max(m.ingest_id) AS ingest_id, max(i.ingested_at) AS ingested_at,
                (SELECT count(*) FROM runs r WHERE r.month = m.month) AS runs
            FROM month_kinds m JOIN ingests i USING (ingest_id)
            GROUP BY m.month ORDER BY m.month"""
        ).df()

    # -- runs and their tables ---------------------------------------------------------------
    def runs(self) -> pd.DataFrame:
        """Return the run log: one row per run (parameters, inputs, versions, timings as JSON)."""
        return self._con.execute("SELECT * FROM runs ORDER BY run_id").df()

    def start_run(
        self, month: str, *, parameters: Mapping[str, Any], inputs: Mapping[str, str]
    ) -> int:
        """Log the start of a run of ``month``; return its id (versions recorded here)."""

        def start(con: Any) -> int:
            run_id = int(con.execute("SELECT nextval('run_ids')").fetchone()[0])
            con.execute(
                "INSERT INTO runs VALUES (?, ?, 'running', ?, NULL, ?, ?, ?, NULL)",
                [run_id, month, _now(), json.dumps(dict(parameters), default=str, sort_keys=True),
                 json.dumps(dict(inputs), sort_keys=True), json.dumps(_versions())],
            )  # fmt: skip
            return run_id

        return self._write(start)  # type: ignore[no-any-return,unused-ignore]

    def finish_run(self, run_id: int, *, status: str, timings: Mapping[str, float]) -> None:
        """Record how run ``run_id`` ended (e.g. ``ok``, ``failed``) and its timings (s)."""
        self._write(
            lambda con: con.execute(
                "UPDATE runs SET status = ?, finished_at = ?, timings = ? WHERE run_id = ?",
                [status, _now(), json.dumps(dict(timings)), run_id],
            )
        )

    def write_tables(self, run_id: int, tables: Mapping[str, pd.DataFrame]) -> None:
        """Store every analysis table of run ``run_id`` (``analysis_<name>``); one transaction."""

        def write(con: Any) -> None:
            for name, df in tables.items():
                analysis_tables.write_analysis(con, run_id, name, df)

        self._write(write)

    def read_table(self, name: str, *, run_id: int | None = None) -> pd.DataFrame:
        """Return analysis table ``name`` of run ``run_id`` (default: the latest run holding it)."""
        table = analysis_tables.analysis_table(name)
        if table not in self.table_names():
            raise ParameterError(f"no analysis table {name!r} in the store {self.path}")
        if run_id is None:
            row = self._con.execute(
                "SELECT max(run_id) FROM analysis_columns WHERE table_name = ?", [table]
            ).fetchone()
            run_id = int(row[0]) if row and row[0] is not None else -1
        return analysis_tables.read_analysis(self._con, name, run_id)

    def table_names(self) -> list[str]:
        """Return the names of the store's tables (sorted)."""
        rows = self._con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "ORDER BY table_name"
        ).fetchall()
        return [str(r[0]) for r in rows]

    # -- reading out -----------------------------------------------------------------------
    def export(self, table: str, path: str | Path) -> Path:
        """Write ``table`` to ``path``: Parquet for ``.parquet``, CSV for ``.csv`` (DuckDB COPY)."""
        out = Path(path)
        formats = {".parquet": "(FORMAT parquet)", ".csv": "(FORMAT csv, HEADER true)"}
        if out.suffix.lower() not in formats:
            raise ParameterError(f"{out}: export to a .parquet or .csv file")
        if table not in self.table_names():
            raise ParameterError(
                f"no table {table!r} in the store; tables: {', '.join(self.table_names())}"
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        order = " ORDER BY month, ordinal" if table.startswith("rows_") else ""
        if table.startswith("analysis_") and table != "analysis_columns":
            order = " ORDER BY run_id, _ordinal"
        target = str(out).replace("'", "''")
        self._con.execute(
            f"COPY (SELECT * FROM \"{table}\"{order}) TO '{target}' {formats[out.suffix.lower()]}"
        )
        return out

    def sql(self, query: str) -> pd.DataFrame:
        """Run one read-only query (``SELECT``/``WITH``/``DESCRIBE``...) and return its rows."""
        import duckdb

        statements = self._con.extract_statements(query)
        allowed = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
        if len(statements) != 1 or statements[0].type not in allowed:
            raise ParameterError("store.sql runs one read-only query (SELECT ...)")
        return self._con.execute(query).df()

    # -- theme registry --------------------------------------------------------------------
    def registry_before(self, kind: str, month: str) -> RegistryState:
        """Return ``kind``'s registry as the run of the latest month before ``month`` left it."""
        return registry_io.registry_before(self._con, kind, month)

    def write_registry(
        self, kind: str, month: str, match: RegistryMatch, members: pd.DataFrame
    ) -> None:
        """Replace ``month``'s registry snapshot, lineage and members of ``kind``.

        ``members``: the window's texts, columns ``text_key`` and ``registry_id`` (or
        ``theme_id``, the fitted id, mapped through ``match.ids``).
        """
        self._write(registry_io.write_registry, kind, month, match, members)

    def curation_links(self, kind: str) -> dict[str, int]:
        """Return ``{old curation key: registry id}`` of ``kind``."""
        return registry_io.curation_links(self._con, kind)

    def link_curation(self, kind: str, links: Mapping[str, int], month: str) -> None:
        """Record curation keys of ``kind`` mapped to registry ids (found in ``month``)."""
        self._write(registry_io.link_curation, kind, links, month)
