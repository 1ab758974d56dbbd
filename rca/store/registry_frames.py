"""The theme registry's frames, as stored and as matched.

`RegistryState` is what one month's run leaves in the store; `RegistryMatch` is what matching a
new fit against it gives (`rca.themes.registry.match_registry`), and what the store writes for the
new month. They live in the store layer so that the store can persist them without knowing how
themes are found or matched.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = [
    "LINEAGE_COLUMNS",
    "RELATIONS",
    "STATUSES",
    "THEME_COLUMNS",
    "RegistryMatch",
    "RegistryState",
]

#: Columns of a registry snapshot (`RegistryState.themes`; `RegistryMatch.themes` adds ``status``).
THEME_COLUMNS = (
    "registry_id", "label", "keywords", "centroid", "size", "first_month", "last_month",
)  # fmt: skip
#: What became of a registry theme in a month.
STATUSES = ("continuing", "new", "split", "merged", "gone")
#: How a fitted theme descends from a registry theme.
RELATIONS = ("continues", "split", "merge")
#: Columns of `RegistryMatch.lineage`: one row per (registry theme, fitted theme) link.
LINEAGE_COLUMNS = (
    "parent_id", "child_id", "relation", "shared_texts", "share_of_parent", "share_of_child",
    "centroid_cosine", "parent_keywords", "child_keywords",
)  # fmt: skip


@dataclass(frozen=True)
class RegistryState:
    """The registry as a previous month's run left it.

    Attributes
    ----------
    themes
        One row per registry theme still active (not ``gone``, ``split`` or ``merged``):
        `THEME_COLUMNS`; ``keywords`` is a ``", "``-joined string, ``centroid`` a list of floats.
    members
        That run's window: text key -> registry id (unassigned texts left out).
    next_id
        The smallest registry id never used.
    month
        The month of that run; None for an empty registry.
    """

    themes: pd.DataFrame
    members: pd.Series
    next_id: int = 0
    month: str | None = None

    @classmethod
    def empty(cls) -> RegistryState:
        """Return the state of a registry that has seen no run."""
        return cls(pd.DataFrame(columns=list(THEME_COLUMNS)), pd.Series(dtype="int64"), 0, None)

    @property
    def is_empty(self) -> bool:
        """Return whether no run has left themes."""
        return self.month is None or self.themes.empty


@dataclass(frozen=True)
class RegistryMatch:
    """A new fit matched to the registry.

    Attributes
    ----------
    ids
        Fitted theme id (>= 0) -> registry id (unassigned ``-1`` stays ``-1``).
    themes
        The new snapshot: `THEME_COLUMNS` plus ``status`` (`STATUSES`), one row per registry
        theme the month touches (active ones and those that ended this month).
    status
        ``registry_id``, ``status``: what became of each registry theme this month.
    lineage
        `LINEAGE_COLUMNS`: the evidence linking registry themes to fitted themes.
    """

    ids: dict[int, int]
    themes: pd.DataFrame
    status: pd.DataFrame
    lineage: pd.DataFrame
