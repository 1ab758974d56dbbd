"""How the theme registry links registry themes to fitted themes (`rca.themes.registry`).

The evidence matrices (shared texts, centroid cosines), the centroid links, the connected groups
of links and the leftover continuations, kept apart so `rca.themes.registry` reads as its rules.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "centroid_links",
    "cosines",
    "groups",
    "keywords_text",
    "leftovers",
    "link_lineage",
    "ratio",
    "shared_counts",
    "unit",
]


def unit(vector: Any) -> np.ndarray | None:
    """Return ``vector`` scaled to length 1 (None when missing or zero)."""
    if vector is None or (isinstance(vector, float) and np.isnan(vector)):
        return None
    arr = np.asarray(vector, dtype=np.float64).ravel()
    norm = float(np.linalg.norm(arr))
    return arr / norm if arr.size and norm > 0 else None


def keywords_text(value: Any) -> str:
    """Return keywords as one ``", "``-joined string (a list, a string or nothing)."""
    if isinstance(value, str) or value is None or isinstance(value, float):
        return value if isinstance(value, str) else ""
    return ", ".join(str(v) for v in value)


def cosines(prev: list[np.ndarray | None], new: list[np.ndarray | None]) -> np.ndarray:
    """Cosine matrix (registry x fitted); NaN where a centroid is missing or dimensions differ."""
    out = np.full((len(prev), len(new)), np.nan)
    for i, p in enumerate(prev):
        for j, q in enumerate(new):
            if p is not None and q is not None and p.shape == q.shape:
                out[i, j] = float(p @ q)
    return out


def shared_counts(
    prev_ids: list[int], fit_ids: list[int], previous: pd.Series, members: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Contingency of shared texts: counts (registry x fitted), parents' and children's totals."""
    prev = previous[~previous.index.duplicated()]
    now = members[~members.index.duplicated()]
    common = prev.index.intersection(now.index, sort=False)
    row, col = {r: i for i, r in enumerate(prev_ids)}, {f: j for j, f in enumerate(fit_ids)}
    counts, parent_tot = np.zeros((len(prev_ids), len(fit_ids))), np.zeros(len(prev_ids))
    for r_id, f_id in zip(prev.loc[common].tolist(), now.loc[common].tolist(), strict=True):
        i, j = row.get(int(r_id)), col.get(int(f_id))
        if i is not None:
            parent_tot[i] += 1
            if j is not None:
                counts[i, j] += 1
    return counts, parent_tot, counts.sum(axis=0)


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Return ``num / den`` elementwise, 0 where ``den`` is 0."""
    return np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)


def groups(edges: list[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
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


def centroid_links(
    cos: np.ndarray,
    old: pd.DataFrame | None,
    fit: pd.DataFrame,
    link_cosine: float,
    margin: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Links by centroids: mutual best matches, and one-sided ones within ``margin`` of them."""
    if old is None or not cos.size:
        empty = np.zeros(cos.shape)
        return empty, empty, empty.astype(bool)
    c = np.nan_to_num(cos, nan=-1.0)
    rows, cols = np.arange(c.shape[0]), np.arange(c.shape[1])
    best_child, best_parent = c.argmax(axis=1), c.argmax(axis=0)
    mutual = np.zeros(c.shape, dtype=bool)
    mutual[rows, best_child] = best_parent[best_child] == rows
    mutual &= c >= link_cosine
    linked = mutual.copy()
    # one-sided: a second child (split) or parent (merge) as close as the mutual partner
    paired_r, paired_f = mutual.any(axis=1), mutual.any(axis=0)
    partner_of_r = np.where(paired_r, (c * mutual).max(axis=1), np.inf)
    partner_of_f = np.where(paired_f, (c * mutual).max(axis=0), np.inf)
    for j in cols[~paired_f]:
        i = best_parent[j]
        linked[i, j] = c[i, j] >= max(link_cosine, partner_of_r[i] - margin)
    for i in rows[~paired_r]:
        j = best_child[i]
        linked[i, j] |= c[i, j] >= max(link_cosine, partner_of_f[j] - margin)
    old_share = old["size"].to_numpy(float) / max(float(old["size"].sum()), 1.0)
    new_share = fit["size"].to_numpy(float) / max(float(fit["size"].sum()), 1.0)
    sop = np.clip(ratio(new_share[None, :], old_share[:, None]), 0.0, 1.0)
    soc = np.clip(ratio(old_share[:, None], new_share[None, :]), 0.0, 1.0)
    return sop, soc, linked


def leftovers(
    evidence: list[tuple[np.ndarray, float]],
    prev_ids: list[int],
    fit_ids: list[int],
    ids: dict[int, int],
    status: dict[int, str],
    relation: dict[tuple[int, int], str],
) -> None:
    """Let unlinked mutual best matches continue (in place): by each (scores, minimum) in turn."""
    for scores, minimum in evidence:
        rows = [i for i, r in enumerate(prev_ids) if r not in status]
        cols = [j for j, f in enumerate(fit_ids) if f not in ids]
        if not rows or not cols:
            return
        sub = np.nan_to_num(scores[np.ix_(rows, cols)], nan=-1.0)
        for a, i in enumerate(rows):
            b = int(sub[a].argmax())
            if sub[a, b] >= minimum and int(sub[:, b].argmax()) == a:
                ids[fit_ids[cols[b]]] = prev_ids[i]
                status[prev_ids[i]] = "continuing"
                relation[(i, cols[b])] = "continues"


def link_lineage(
    linked: np.ndarray,
    prev_ids: list[int],
    fit_ids: list[int],
    ids: dict[int, int],
    status: dict[int, str],
    relation: dict[tuple[int, int], str],
) -> None:
    """Set the previous rule's lineage (``rule="links"``) per connected group of links, in place."""
    edges = [(int(i), int(j)) for i, j in zip(*np.nonzero(linked), strict=True)]
    for rs, fs in groups(edges):
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
