"""The theme registry in the store: each month's snapshot, lineage and members per text kind.

``theme_registry`` holds, for each (kind, month) a run wrote, the snapshot `RegistryMatch.themes`
(`THEME_COLUMNS` + ``status``); ``theme_lineage`` its evidence (`LINEAGE_COLUMNS`);
``theme_members`` the window's text keys with their registry id; ``curation_links`` the analysts'
old curation keys (keywords plus centroid) mapped to registry ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from rca.store.registry_frames import (
    LINEAGE_COLUMNS,
    THEME_COLUMNS,
    RegistryMatch,
    RegistryState,
)

__all__ = ["curation_links", "link_curation", "registry_before", "write_registry"]

#: Statuses of registry themes that no longer take texts.
_ENDED = ("gone", "split", "merged")


def registry_before(con: Any, kind: str, month: str) -> RegistryState:
    """Return the registry as the run of the latest month before ``month`` left it."""
    row = con.execute(
        "SELECT max(month) FROM theme_registry WHERE kind = ? AND month < ?", [kind, month]
    ).fetchone()
    last = row[0] if row else None
    if last is None:
        return RegistryState.empty()
    columns = ", ".join(THEME_COLUMNS)
    themes = con.execute(
        f"SELECT {columns} FROM theme_registry WHERE kind = ? AND month = ? "
        f"AND coalesce(status, '') NOT IN {_ENDED} ORDER BY registry_id",
        [kind, last],
    ).df()
    themes["centroid"] = [
        [float(x) for x in c] if c is not None else None for c in themes["centroid"]
    ]
    members = con.execute(
        "SELECT text_key, registry_id FROM theme_members WHERE kind = ? AND month = ? "
        "AND registry_id >= 0 ORDER BY text_key",
        [kind, last],
    ).df()
    series = pd.Series(
        members["registry_id"].to_numpy(dtype="int64"), index=members["text_key"].astype(str)
    )
    used = con.execute(
        "SELECT max(id) FROM (SELECT registry_id AS id FROM theme_registry WHERE kind = ? "
        "AND month < ? UNION ALL SELECT child_id FROM theme_lineage WHERE kind = ? AND month < ?)",
        [kind, month, kind, month],
    ).fetchone()
    next_id = int(used[0]) + 1 if used and used[0] is not None else 0
    return RegistryState(themes.reset_index(drop=True), series, next_id, str(last))


def _members_frame(match: RegistryMatch, members: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """Return ``text_key``, ``registry_id`` of the window (fitted ids mapped through the match)."""
    if isinstance(members, pd.Series):
        members = pd.DataFrame({"text_key": members.index, "theme_id": members.to_numpy()})
    if "registry_id" in members:
        ids = members["registry_id"]
    else:
        ids = members["theme_id"].map(lambda t: match.ids.get(int(t), -1))
    return pd.DataFrame(
        {"text_key": members["text_key"].astype(str).to_numpy(),
         "registry_id": np.asarray(ids, dtype="int64")}
    )  # fmt: skip


def write_registry(
    con: Any, kind: str, month: str, match: RegistryMatch, members: pd.DataFrame | pd.Series
) -> None:
    """Replace ``month``'s snapshot, lineage and members of ``kind`` (caller's transaction)."""
    themes = match.themes.copy()
    for col in (*THEME_COLUMNS, "status"):
        if col not in themes:
            themes[col] = None
    themes = themes[[*THEME_COLUMNS, "status"]]
    centroids = [
        None if c is None or (np.ndim(c) == 0 and pd.isna(c)) else [float(x) for x in c]
        for c in themes["centroid"]
    ]
    themes["centroid"] = pd.Series(centroids, index=themes.index, dtype=object)
    themes.insert(0, "month", month)
    themes.insert(0, "kind", kind)
    lineage = match.lineage.copy()
    for col in LINEAGE_COLUMNS:
        if col not in lineage:
            lineage[col] = None
    lineage = lineage[list(LINEAGE_COLUMNS)]
    lineage.insert(0, "month", month)
    lineage.insert(0, "kind", kind)
    window = _members_frame(match, members)
    window.insert(0, "month", month)
    window.insert(0, "kind", kind)
    for table, frame in (
        ("theme_registry", themes), ("theme_lineage", lineage), ("theme_members", window),
    ):  # fmt: skip
        con.execute(f"DELETE FROM {table} WHERE kind = ? AND month = ?", [kind, month])
        con.register("_registry_frame", frame)
        try:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _registry_frame")
        finally:
            con.unregister("_registry_frame")


def curation_links(con: Any, kind: str) -> dict[str, int]:
    """Return ``{old curation key: registry id}`` of ``kind``."""
    rows = con.execute(
        "SELECT curation_key, registry_id FROM curation_links WHERE kind = ? ORDER BY curation_key",
        [kind],
    ).fetchall()
    return {str(key): int(rid) for key, rid in rows}


def link_curation(con: Any, kind: str, links: Mapping[str, int], month: str) -> None:
    """Record (or update) curation keys of ``kind`` -> registry ids, found in ``month``."""
    con.executemany(
        "INSERT OR REPLACE INTO curation_links VALUES (?, ?, ?, ?)",
        [[kind, str(key), int(rid), month] for key, rid in links.items()],
    )
