"""An analyst's curation of a workspace's audit themes: renames, merges and pinned root causes.

`CurationSession` collects the edits, checks them with `rca.themes.curation` and saves them to
the curation file (`default_curation_path`), so the next ``rca batch`` uses them. Themes are
named as in `rca.analysis.explore` (by id or label, `rca.analysis.explore.resolve_theme`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rca.analysis.explore import curation_key, did_you_mean, resolve_theme, theme_row
from rca.analysis.workspace import Workspace
from rca.core.errors import ParameterError
from rca.themes.causes import Taxonomy, load_taxonomy
from rca.themes.curation_file import Curation, load_curation, merge, pin, rename, save_curation

__all__ = ["CurationSession", "Edit", "default_curation_path"]

_UNASSIGNED = -1


def default_curation_path(workspace: Workspace) -> Path:
    """Return the curation file the workspace was themed with, else ``parameters/curation.yaml``.

    A batch records the plan's curation file in the workspace, so a month built by ``rca batch``
    is curated in the file its next run reads.
    """
    from rca.core.paths import parameters_dir

    used = workspace.info.get("curation")
    return Path(used) if used else parameters_dir() / "curation.yaml"


@dataclass(frozen=True)
class Edit:
    """One pending curation edit: ``action`` (rename, merge, pin), its themes and new value."""

    action: str
    theme_ids: tuple[int, ...]
    labels: tuple[str, ...]
    keys: tuple[str, ...]
    value: str


class CurationSession:
    """An analyst's pending renames, merges and pins of a workspace's audit themes.

    Themes are named by id or label; edits are kept by theme key (`rca.themes.curation.theme_key`)
    on top of the file's curation and written only by `save`, with each theme's centroid so that
    the next run matches it even when its keywords drift.

    Parameters
    ----------
    workspace
        The workspace (or its folder) whose themes are curated.
    path
        Curation YAML to extend and write; default `default_curation_path`.
    taxonomy
        Root causes that pins must name; default ``parameters/root_causes.yaml``.
    """

    def __init__(
        self, workspace: Workspace | str | Path, path: str | Path | None = None, *,
        taxonomy: Taxonomy | None = None,
    ) -> None:  # fmt: skip
        ws = workspace
        self.workspace = ws if isinstance(ws, Workspace) else Workspace(Path(ws))
        self.path = Path(path) if path else default_curation_path(self.workspace)
        self.taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
        self.saved = load_curation(self.path)
        self.edits: list[Edit] = []
        self.theme_table = self.workspace.themes()

    @property
    def curation(self) -> Curation:
        """The file's curation with the pending edits applied."""
        out = self.saved
        for e in self.edits:
            if e.action == "rename":
                out = rename(out, e.keys[0], e.value)
            elif e.action == "merge":
                out = merge(out, e.keys)
            else:
                out = pin(out, e.keys[0], e.value)
        return out

    @property
    def pending(self) -> int:
        """Number of edits not saved yet."""
        return len(self.edits)

    def _theme(self, theme: int | str) -> tuple[int, str, str]:
        theme_id = resolve_theme(self.theme_table, theme)
        if theme_id == _UNASSIGNED:
            raise ParameterError("the unassigned comments are not a theme; they cannot be curated")
        row = theme_row(self.theme_table, theme_id)
        return theme_id, str(row["theme_label"]), curation_key(row)

    def _add(self, action: str, themes: list[int | str], value: str) -> CurationSession:
        found = [self._theme(t) for t in themes]
        ids, labels, keys = (tuple(f[0] for f in found), tuple(f[1] for f in found),
                             tuple(f[2] for f in found))  # fmt: skip
        self.edits.append(Edit(action, ids, labels, keys, value))
        try:
            _ = self.curation  # rca.themes.curation's own checks (empty name, same key twice...)
        except ParameterError:
            self.edits.pop()
            raise
        return self

    def rename(self, theme: int | str, name: str) -> CurationSession:
        """Show ``theme`` (id or label) as ``name`` from the next run on; returns ``self``."""
        return self._add("rename", [theme], name.strip())

    def merge(self, *themes: int | str) -> CurationSession:
        """Merge ``themes`` (ids or labels) into the first one; returns ``self``."""
        ids = {resolve_theme(self.theme_table, t) for t in themes}
        if len(ids) < 2:
            raise ParameterError("merge: give two or more different themes")
        return self._add("merge", list(themes), "")

    def pin(self, theme: int | str, cause_id: str) -> CurationSession:
        """Force root cause ``cause_id`` (an id of the taxonomy) on ``theme``; returns ``self``."""
        if cause_id not in self.taxonomy:
            ids = list(self.taxonomy.ids)
            hint = did_you_mean(cause_id, ids)
            raise ParameterError(f"pin: unknown cause {cause_id!r}{hint}; causes: {', '.join(ids)}")
        return self._add("pin", [theme], cause_id)

    def undo(self) -> CurationSession:
        """Drop the last pending edit; returns ``self``."""
        if self.edits:
            self.edits.pop()
        return self

    def preview(self) -> pd.DataFrame:
        """Return the pending edits: ``action``, ``themes``, ``theme_keys`` and ``change``."""
        rows = []
        for e in self.edits:
            named = [f"{t} · {lab}" for t, lab in zip(e.theme_ids, e.labels, strict=True)]
            cause = self.taxonomy[e.value].name if e.action == "pin" else ""
            change = {"rename": f"renamed to '{e.value}'", "merge": f"merged into {named[0]}",
                      "pin": f"root cause pinned to {e.value} ({cause})"}[e.action]  # fmt: skip
            rows.append({"action": e.action, "themes": " + ".join(named),
                         "theme_keys": " | ".join(e.keys), "change": change})  # fmt: skip
        return pd.DataFrame(rows, columns=["action", "themes", "theme_keys", "change"])

    def save(self) -> Path:
        """Write the curation, pending edits and theme signatures to `path`; return it.

        The next ``rca batch`` whose plan names this file as its ``curation`` applies it.
        """
        from rca.themes.curation import record_signatures
        from rca.themes.model import ThemeModel

        model = ThemeModel.load(self.workspace.path / "audit_model")
        curation = record_signatures(self.curation, model.theme_info_, model.centroids_)
        save_curation(curation, self.path)
        self.saved, self.edits = curation, []
        return self.path
