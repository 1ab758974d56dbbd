"""The owner rule of the theme registry (`rca.themes.registry`): who owns a fitted theme's texts.

A refit on an overlapping window reshuffles texts the registry already placed; judging a fitted
theme by the share of a registry theme it holds then reports reshuffled fragments as new themes
and splits. Here a fitted theme is judged by who owns its already-placed texts (see
`owner_links` and the module docstring of `rca.themes.registry`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rca.store.registry_frames import THEME_COLUMNS
from rca.themes.registry_links import keywords_text, ratio, unit

__all__ = [
    "OwnerLinks",
    "mean_unit",
    "one_row_per_link",
    "owner_lineage",
    "owner_links",
    "snapshot",
]


@dataclass
class OwnerLinks:
    """What the owner rule decided, by registry index ``i`` and fitted index ``j``.

    Attributes
    ----------
    takes
        Fitted index -> registry index whose id it takes (a continuation fragment).
    split
        Registry index -> its split children (fitted indices, in fit order).
    merged
        Fitted index -> its merged parents (registry indices).
    evidence
        (i, j) -> ``"texts"`` or ``"centroid"``: what links them.
    """

    takes: dict[int, int] = field(default_factory=dict)
    split: dict[int, list[int]] = field(default_factory=dict)
    merged: dict[int, list[int]] = field(default_factory=dict)
    evidence: dict[tuple[int, int], str] = field(default_factory=dict)


def owner_links(
    counts: np.ndarray,
    parent_tot: np.ndarray,
    sizes: np.ndarray,
    by_texts: np.ndarray,
    cos: np.ndarray,
    limits: dict[str, float],
    apart: tuple[np.ndarray, np.ndarray] | None = None,
) -> OwnerLinks:
    """Apply the owner rule to the evidence of `rca.themes.registry.match_registry`.

    Parameters
    ----------
    counts
        Shared texts (registry x fitted).
    parent_tot
        Each registry theme's placed texts still in the window.
    sizes
        Each fitted theme's texts in the window.
    by_texts
        Registry themes whose evidence is their texts (else their centroid).
    cos
        Centroid cosines (registry x fitted), NaN where missing.
    limits
        The thresholds (``owner_share``, ``placed_share``, ``part_share``, ``min_shared_link``,
        ``link_cosine``, ``cosine_margin``, ``apart_cosine``).
    apart
        Centroid cosines among the registry themes and among the fitted themes (NaN where
        missing): a split's children and a merge's parents must be at most ``apart_cosine``
        similar to each other (different content, not a reshuffle of the same).

    Returns
    -------
    OwnerLinks
    """
    out = OwnerLinks()
    n_r, n_f = counts.shape
    if not n_r or not n_f:
        return out
    counts = np.where(by_texts[:, None], counts, 0.0)
    placed = counts.sum(axis=0)
    sop, soc = ratio(counts, parent_tot[:, None]), ratio(counts, placed[None, :])
    link = (counts >= limits["min_shared_link"]) & (sop >= limits["part_share"])
    link &= soc >= limits["part_share"]
    owner = counts.argmax(axis=0)
    owned = (placed >= limits["min_shared_link"]) & (ratio(placed, sizes) >= limits["placed_share"])
    owned &= soc[owner, np.arange(n_f)] >= limits["owner_share"]
    # merge by texts: a fitted theme holding a substantial part of two registry themes
    reg_cos, fit_cos = apart if apart is not None else (np.full((n_r, n_r), np.nan),
                                                        np.full((n_f, n_f), np.nan))  # fmt: skip

    def distinct(sims: np.ndarray, members: list[int]) -> bool:
        """Return whether some two of ``members`` are at most ``apart_cosine`` similar."""
        sub = np.nan_to_num(sims[np.ix_(members, members)], nan=-1.0)
        return bool((sub <= limits["apart_cosine"]).any())

    for j in range(n_f):
        parents = [
            int(i) for i in np.flatnonzero(link[:, j] & (sop[:, j] >= limits["merge_share"]))
        ]
        if len(parents) >= 2 and distinct(reg_cos, parents):
            out.merged[j] = parents
            out.evidence.update({(i, j): "texts" for i in parents})
    for j in range(n_f):
        if owned[j] and j not in out.merged:
            out.takes[j] = int(owner[j])
            out.evidence[(int(owner[j]), j)] = "texts"
    # split by texts: the registry theme's own texts divided among fragments it owns
    for i in range(n_r):
        kids = [j for j, r in out.takes.items() if r == i and sop[i, j] >= limits["split_share"]]
        kids = [j for j in kids if link[i, j]]
        if len(kids) >= 2 and distinct(fit_cos, kids):
            out.split[i] = sorted(kids)
    # new content (fitted themes neither owned nor merged): centroids are the evidence
    c = np.nan_to_num(cos, nan=-1.0)
    children: dict[int, list[int]] = {}
    for j in range(n_f):
        if j in out.takes or j in out.merged:
            continue
        order = np.argsort(-c[:, j], kind="stable")
        best = float(c[order[0], j])
        if best < limits["link_cosine"]:
            continue
        floor = max(limits["link_cosine"], best - limits["cosine_margin"])
        near = [int(i) for i in order if c[i, j] >= floor]
        if len(near) >= 2 and distinct(reg_cos, near[:2]):
            out.merged[j] = sorted(near[:2])
        else:
            children.setdefault(near[0], []).append(j)
        out.evidence.update({(i, j): "centroid" for i in near[:2]})
    for i, kids in children.items():
        if len(kids) >= 2 and i not in out.split and distinct(fit_cos, kids):
            out.split[i] = sorted(kids + [j for j, r in out.takes.items() if r == i])
        elif i in out.split:
            out.split[i] = sorted(out.split[i] + kids)
        else:
            out.takes.update({j: i for j in kids})
    return out


def owner_lineage(
    links: OwnerLinks,
    prev_ids: list[int],
    fit_ids: list[int],
    ids: dict[int, int],
    status: dict[int, str],
    relation: dict[tuple[int, int], str],
) -> dict[int, int]:
    """Set the owner rule's lineage (in place); return the fragments joining a merged theme."""
    merge_child: dict[int, int] = {}
    for j, parents in sorted(links.merged.items()):
        for i in parents:
            status[prev_ids[i]] = "merged"
            relation[(i, j)] = "merge"
            merge_child.setdefault(i, j)
    for i, kids in sorted(links.split.items()):
        if prev_ids[i] in status:  # merged as well: the merge wins
            continue
        status[prev_ids[i]] = "split"
        relation.update({(i, j): "split" for j in kids})
    joins: dict[int, int] = {}
    for j, i in sorted(links.takes.items()):
        r = prev_ids[i]
        if status.get(r) == "split":
            continue
        if status.get(r) == "merged":
            if j != merge_child[i]:
                joins[j] = merge_child[i]
                relation[(i, j)] = "merge"
            continue
        ids[fit_ids[j]] = r
        status[r] = "continuing"
        relation[(i, j)] = "continues"
    return joins


def one_row_per_link(lineage: pd.DataFrame) -> pd.DataFrame:
    """Sum the evidence of fragments under the same parent, child and relation (owner rule)."""
    if lineage.empty or not lineage.duplicated(["parent_id", "child_id", "relation"]).any():
        return lineage
    key = ["parent_id", "child_id", "relation"]
    lineage = lineage.sort_values("shared_texts", ascending=False, kind="stable")
    first = lineage.groupby(key, sort=False, as_index=False).first()
    sums = lineage.groupby(key, sort=False)[["shared_texts", "share_of_parent"]].sum()
    first["shared_texts"] = sums["shared_texts"].to_numpy()
    first["share_of_parent"] = sums["share_of_parent"].round(4).to_numpy()
    return first.sort_values(["child_id", "parent_id"], kind="stable").reset_index(drop=True)


def snapshot(
    old: pd.DataFrame | None,
    fit: pd.DataFrame,
    fit_ids: list[int],
    fit_units: list[np.ndarray | None],
    ids: dict[int, int],
    status: dict[int, str],
    month: str,
) -> pd.DataFrame:
    """Return the snapshot: fitted themes under their registry ids, then ended themes.

    Fitted themes under one registry id (fragments, owner rule) make one row: their summed size,
    the largest one's label and keywords, the size-weighted mean of their centroids.
    """
    first = {} if old is None else dict(zip(old["registry_id"], old["first_month"], strict=True))
    rows = []
    by_id: dict[int, list[int]] = {}
    for j, t in enumerate(fit_ids):
        by_id.setdefault(ids[t], []).append(j)
    for rid, js in by_id.items():
        sizes = [int(fit["size"].iloc[j]) for j in js]
        j = js[int(np.argmax(sizes))]
        main = fit_units[j]
        vectors = [(fit_units[k], n) for k, n in zip(js, sizes, strict=True)]
        main_unit = (
            main
            if main is None
            else mean_unit([(v, n) for v, n in vectors if v is not None and v.shape == main.shape])
        )
        rows.append(
            {
                "registry_id": rid,
                "label": str(fit["theme_label"].iloc[j]),
                "keywords": keywords_text(fit["keywords"].iloc[j]),
                "centroid": None if main_unit is None else [float(v) for v in main_unit],
                "size": sum(sizes),
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


def mean_unit(vectors: list[tuple[np.ndarray, int]]) -> np.ndarray | None:
    """Return the size-weighted mean of unit vectors, scaled to length 1 (None for none)."""
    if not vectors:
        return None
    if len(vectors) == 1:
        return vectors[0][0]
    return unit(sum(v * max(n, 1) for v, n in vectors))
