"""The theme registry: stable theme ids across months, with lineage and its evidence.

Each month's themes are fitted on a rolling window and matched to the registry the previous
month left (`rca.store.registry_frames.RegistryState`). The rules (`match_registry`):

1. **Evidence.** Texts present in both windows (same `rca.text.keys.text_key`) are the evidence
   first: for a registry theme ``r`` and a fitted theme ``f``, ``shared`` is how many of r's texts
   f holds now, ``share_of_parent`` = shared / r's texts still in the window, ``share_of_child``
   = shared / f's texts that had a registry id. When the windows share fewer than
   `MIN_SHARED_TOTAL` themed texts (e.g. windows that do not overlap), the centroids' cosine
   is the evidence instead: r and f are linked when one is the other's most similar theme with
   cosine >= `LINK_COSINE`, and the shares are estimated from the themes' shares of their
   windows. Keywords are recorded with every link, as evidence for a reader (never decisive).
2. **Links.** A link counts when it holds a substantial part of both sides: share of the parent
   and share of the child >= `PART_SHARE` (and >= `MIN_SHARED_LINK` shared texts when texts are
   the evidence). So a small piece breaking off a theme is not a split.
3. **Lineage.** Per connected group of links: one registry theme and one fitted theme -> the
   fitted theme ``continues`` it and keeps its id; one registry theme -> several fitted themes
   -> the parent is ``split`` and each child gets a new id; several registry themes -> one
   fitted theme -> the parents are ``merged`` and the child gets a new id.
4. **Leftovers.** A registry theme and a fitted theme with no link that are each other's most
   similar theme with cosine >= `CONTINUE_COSINE` continue (a theme whose texts all left the
   window, or a refit that moved its texts around); any other fitted theme is ``new``, any other
   registry theme ``gone``.

An empty registry gives the fitted themes the ids ``0..K-1`` in the fit's own theme order, so a
first run's ids equal the fit's. New ids are handed out in the fit's theme order. Everything is
deterministic: the same inputs give the same ids, statuses and lineage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rca.store.registry_frames import (
    LINEAGE_COLUMNS,
    THEME_COLUMNS,
    RegistryMatch,
    RegistryState,
)

if TYPE_CHECKING:
    from rca.themes.find import Themes

__all__ = [
    "CONTINUE_COSINE",
    "LINK_COSINE",
    "MIN_SHARED_LINK",
    "MIN_SHARED_TOTAL",
    "PART_SHARE",
    "assign_registry",
    "match_registry",
    "state_after",
]

#: Fewest themed texts both windows must share for texts to be the evidence. Two 6-month windows
#: of the development data (CFPB 2018-07..2019-05, ~75 texts a month) share ~370; windows of one
#: month share only repeated texts (a few of the sample's short comments), so any count far
#: below a theme's minimum size (10) means "no overlap"; 30 keeps repeated stock phrases out.
MIN_SHARED_TOTAL = 30
#: Fewest shared texts that make a link: half the smallest theme the model keeps (10 texts).
MIN_SHARED_LINK = 5
#: Share of the parent and of the child a link must hold. 0.25: on the development data a
#: refit's continuing themes keep >= 0.5 of both sides, the planted split's children each take
#: ~0.5 of the parent and the planted merge's parents each ~0.5 of the child; 0.25 leaves room
#: for refit noise and keeps pieces under a quarter of a theme (and three-way splits of one
#: theme into a large and two small parts) from counting as a split.
PART_SHARE = 0.25
#: Cosine of centroids that links a registry theme to a fitted theme when there are no shared
#: texts. On the development sample (seed 0, one-month windows, MiniLM) a theme's centroid in
#: consecutive months has cosine >= 0.9, a planted split's children >= 0.8 with their parent,
#: and distinct themes mostly < 0.75: 0.75 sits between.
LINK_COSINE = 0.75
#: Cosine for a leftover pair (no substantial link) to continue as mutual best matches. Higher
#: than `LINK_COSINE` because it decides alone: 0.85, under a refit's continuing themes (>= 0.9)
#: and above the near themes of the development data.
CONTINUE_COSINE = 0.85


def _keywords(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return ", ".join(str(v) for v in value)


def _unit(vector: Any) -> np.ndarray | None:
    if vector is None or (isinstance(vector, float) and np.isnan(vector)):
        return None
    arr = np.asarray(vector, dtype=np.float64).ravel()
    norm = float(np.linalg.norm(arr))
    return arr / norm if arr.size and norm > 0 else None


def _cosines(prev: list[np.ndarray | None], new: list[np.ndarray | None]) -> np.ndarray:
    """Cosine matrix (registry x fitted); NaN where a centroid is missing or dimensions differ."""
    out = np.full((len(prev), len(new)), np.nan)
    for i, p in enumerate(prev):
        for j, q in enumerate(new):
            if p is not None and q is not None and p.shape == q.shape:
                out[i, j] = float(p @ q)
    return out


def _shared_counts(
    prev_ids: list[int], fit_ids: list[int], previous: pd.Series, members: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Contingency of shared texts: counts (registry x fitted), parents' and children's totals."""
    prev = previous[~previous.index.duplicated()]
    now = members[~members.index.duplicated()]
    common = prev.index.intersection(now.index, sort=False)
    pairs = pd.DataFrame({"r": prev.loc[common].to_numpy(), "f": now.loc[common].to_numpy()})
    row = {r: i for i, r in enumerate(prev_ids)}
    col = {f: j for j, f in enumerate(fit_ids)}
    counts = np.zeros((len(prev_ids), len(fit_ids)))
    parent_tot = np.zeros(len(prev_ids))
    for r_id, f_id in zip(pairs["r"].tolist(), pairs["f"].tolist(), strict=True):
        i = row.get(int(r_id))
        if i is not None:
            parent_tot[i] += 1
            j = col.get(int(f_id))
            if j is not None:
                counts[i, j] += 1
    child_tot = counts.sum(axis=0)
    return counts, parent_tot, child_tot, int(counts.sum())


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)


def _groups(edges: list[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
    """Return the connected groups of (registry index, fitted index) edges, in order."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for i, j in edges:
        a, b = find(("r", i)), find(("f", j))
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[tuple[str, int], tuple[set[int], set[int]]] = {}
    for i, j in edges:
        rs, fs = groups.setdefault(find(("r", i)), (set(), set()))
        rs.add(i)
        fs.add(j)
    return sorted(((sorted(r), sorted(f)) for r, f in groups.values()), key=lambda g: g[1][0])


def match_registry(
    previous: RegistryState,
    fitted: pd.DataFrame,
    centroids: Mapping[int, np.ndarray],
    members: pd.Series,
    month: str,
    **thresholds: float,
) -> RegistryMatch:
    """Match a new fit to the registry: ids, each registry theme's status and the lineage.

    Parameters
    ----------
    previous
        The registry as the previous month's run left it (`RegistryState.empty` for none).
    fitted
        ``theme_info`` of the new fit: ``theme_id``, ``theme_label``, ``keywords``, ``size``
        (rows with ``theme_id`` -1 are ignored); its row order is the fit's theme order.
    centroids
        Fitted theme id -> centroid (any scale).
    members
        The window's texts: text key -> fitted theme id (``-1`` allowed).
    month
        The month of the run, ``YYYY-MM``.
    **thresholds
        Overrides of the module constants, by lower-case name (``part_share=0.3``, ...).

    Returns
    -------
    RegistryMatch
        See the module docstring for the rules.
    """
    limits = {
        "min_shared_total": MIN_SHARED_TOTAL, "min_shared_link": MIN_SHARED_LINK,
        "part_share": PART_SHARE, "link_cosine": LINK_COSINE, "continue_cosine": CONTINUE_COSINE,
    }  # fmt: skip
    unknown = set(thresholds) - set(limits)
    if unknown:
        raise TypeError(f"unknown threshold(s): {', '.join(sorted(unknown))}")
    limits.update(thresholds)
    fit = fitted[fitted["theme_id"] >= 0].reset_index(drop=True)
    fit_ids = [int(t) for t in fit["theme_id"]]
    old = previous.themes.reset_index(drop=True) if not previous.is_empty else None
    prev_ids = [] if old is None else [int(r) for r in old["registry_id"]]
    fit_units = [_unit(centroids.get(t)) for t in fit_ids]
    cos = _cosines([] if old is None else [_unit(c) for c in old["centroid"]], fit_units)
    counts, parent_tot, child_tot, total = _shared_counts(
        prev_ids, fit_ids, previous.members, members
    )
    by_texts = total >= limits["min_shared_total"]
    if by_texts:
        sop, soc = _ratio(counts, parent_tot[:, None]), _ratio(counts, child_tot[None, :])
        linked = (counts >= limits["min_shared_link"]) & (sop >= limits["part_share"])
        linked &= soc >= limits["part_share"]
    else:
        sop, soc, linked = _centroid_links(cos, old, fit, limits["link_cosine"])
        linked &= (sop >= limits["part_share"]) & (soc >= limits["part_share"])
    edges = [(int(i), int(j)) for i, j in zip(*np.nonzero(linked), strict=True)]

    ids: dict[int, int] = {}
    status: dict[int, str] = {}
    relation: dict[tuple[int, int], str] = {}
    for rs, fs in _groups(edges):
        if len(rs) == 1 and len(fs) == 1:
            ids[fit_ids[fs[0]]] = prev_ids[rs[0]]
            status[prev_ids[rs[0]]] = "continuing"
            relation[(rs[0], fs[0])] = "continues"
            continue
        for i in rs:
            kids = [j for j in fs if linked[i, j]]
            status[prev_ids[i]] = "split" if len(kids) > 1 else "merged"
            for j in kids:
                relation[(i, j)] = "split" if len(kids) > 1 else "merge"
    _leftovers(cos, prev_ids, fit_ids, ids, status, relation, limits["continue_cosine"])
    next_id = max([previous.next_id, *(r + 1 for r in prev_ids)])
    for t in fit_ids:  # new ids in the fit's theme order
        if t not in ids:
            ids[t], next_id = next_id, next_id + 1
    for r in prev_ids:
        status.setdefault(r, "gone")

    lineage = pd.DataFrame(
        [
            {
                "parent_id": prev_ids[i],
                "child_id": ids[fit_ids[j]],
                "relation": rel,
                "shared_texts": int(counts[i, j]),
                "share_of_parent": round(float(sop[i, j]), 4),
                "share_of_child": round(float(soc[i, j]), 4),
                "centroid_cosine": round(float(cos[i, j]), 4),
                "parent_keywords": _keywords(old["keywords"].iloc[i]) if old is not None else "",
                "child_keywords": _keywords(fit["keywords"].iloc[j]),
            }
            for (i, j), rel in sorted(relation.items(), key=lambda e: (e[0][1], e[0][0]))
        ],
        columns=list(LINEAGE_COLUMNS),
    )
    themes = _snapshot(old, fit, fit_ids, fit_units, ids, status, month)
    status_frame = themes[["registry_id", "status"]].reset_index(drop=True)
    return RegistryMatch(ids=ids, themes=themes, status=status_frame, lineage=lineage)


def _centroid_links(
    cos: np.ndarray, old: pd.DataFrame | None, fit: pd.DataFrame, link_cosine: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Links by centroids: mutual or one-sided best matches, shares from window shares."""
    if old is None or not cos.size:
        empty = np.zeros(cos.shape)
        return empty, empty, empty.astype(bool)
    c = np.nan_to_num(cos, nan=-1.0)
    best_child = c.argmax(axis=1)
    best_parent = c.argmax(axis=0)
    linked = np.zeros(c.shape, dtype=bool)
    linked[np.arange(len(c)), best_child] = True
    linked[best_parent, np.arange(c.shape[1])] = True
    linked &= c >= link_cosine
    old_share = old["size"].to_numpy(float) / max(float(old["size"].sum()), 1.0)
    new_share = fit["size"].to_numpy(float) / max(float(fit["size"].sum()), 1.0)
    sop = np.clip(_ratio(new_share[None, :], old_share[:, None]), 0.0, 1.0)
    soc = np.clip(_ratio(old_share[:, None], new_share[None, :]), 0.0, 1.0)
    return sop, soc, linked


def _leftovers(
    cos: np.ndarray,
    prev_ids: list[int],
    fit_ids: list[int],
    ids: dict[int, int],
    status: dict[int, str],
    relation: dict[tuple[int, int], str],
    continue_cosine: float,
) -> None:
    """Let unlinked mutual best matches by centroid continue (in place)."""
    rows = [i for i, r in enumerate(prev_ids) if r not in status]
    cols = [j for j, f in enumerate(fit_ids) if f not in ids]
    if not rows or not cols:
        return
    sub = np.nan_to_num(cos[np.ix_(rows, cols)], nan=-1.0)
    for a, i in enumerate(rows):
        b = int(sub[a].argmax())
        if sub[a, b] >= continue_cosine and int(sub[:, b].argmax()) == a:
            j = cols[b]
            ids[fit_ids[j]] = prev_ids[i]
            status[prev_ids[i]] = "continuing"
            relation[(i, j)] = "continues"


def _snapshot(
    old: pd.DataFrame | None,
    fit: pd.DataFrame,
    fit_ids: list[int],
    fit_units: list[np.ndarray | None],
    ids: dict[int, int],
    status: dict[int, str],
    month: str,
) -> pd.DataFrame:
    """Return the snapshot: fitted themes under their registry ids, then ended themes."""
    first = {} if old is None else dict(zip(old["registry_id"], old["first_month"], strict=True))
    rows = []
    for j, t in enumerate(fit_ids):
        rid = ids[t]
        unit = fit_units[j]
        rows.append(
            {
                "registry_id": rid,
                "label": str(fit["theme_label"].iloc[j]),
                "keywords": _keywords(fit["keywords"].iloc[j]),
                "centroid": None if unit is None else [float(v) for v in unit],
                "size": int(fit["size"].iloc[j]),
                "first_month": first.get(rid, month),
                "last_month": month,
                "status": status.get(rid, "new"),
            }
        )
    if old is not None:
        for rec in old.to_dict("records"):
            if status[int(rec["registry_id"])] != "continuing":
                rows.append({**{c: rec[c] for c in THEME_COLUMNS},
                             "status": status[int(rec["registry_id"])]})  # fmt: skip
    frame = pd.DataFrame(rows, columns=[*THEME_COLUMNS, "status"])
    frame["registry_id"] = frame["registry_id"].astype("int64")
    return frame.sort_values("registry_id", kind="stable").reset_index(drop=True)


def state_after(previous: RegistryState, match: RegistryMatch, members: pd.Series,
                month: str) -> RegistryState:  # fmt: skip
    """Return the registry as this month leaves it (what `Store.registry_before` reads back).

    Parameters
    ----------
    previous
        The state the match was made against.
    match
        `match_registry`'s result.
    members
        The window's texts: text key -> registry id (``-1`` left out).
    month
        The month of the run.
    """
    active = match.themes[match.themes["status"].isin(["continuing", "new"])]
    used = [previous.next_id, *(int(r) + 1 for r in match.themes["registry_id"])]
    kept = members[members >= 0].astype("int64")
    themes = active[list(THEME_COLUMNS)].reset_index(drop=True)
    return RegistryState(themes, kept, max(used), month)


def assign_registry(
    themes: Themes, keys: Sequence[str], previous: RegistryState, month: str
) -> tuple[RegistryMatch, pd.Series]:
    """Match a fit (`rca.themes.find.find_themes`) to the registry; return it and the members.

    Parameters
    ----------
    themes
        The window's themes, one theme id per text in ``keys`` order.
    keys
        `rca.text.keys.text_key` of each text the themes were fitted on.
    previous
        The registry before this month.
    month
        The month of the run.

    Returns
    -------
    match, members
        The `RegistryMatch` and the window's texts: text key -> registry id (``-1`` for
        unassigned texts), one entry per distinct key, named ``registry_id``.
    """
    if len(keys) != len(themes.theme_ids):
        raise ValueError(f"got {len(keys)} keys for {len(themes.theme_ids)} texts")
    info = themes.theme_info
    fitted = info.loc[info["theme_id"] >= 0, ["theme_id", "theme_label", "keywords", "size"]]
    fitted_members = pd.Series(np.asarray(themes.theme_ids, dtype="int64"), index=list(keys))
    fitted_members = fitted_members[~fitted_members.index.duplicated()]
    centroids = getattr(themes.model, "centroids_", {})
    match = match_registry(previous, fitted, centroids, fitted_members, month)
    mapped = fitted_members.map(lambda t: match.ids.get(int(t), -1)).astype("int64")
    return match, mapped.rename("registry_id")
