"""The month rule of the theme registry: place the report month's texts first, then refit.

The owner rule (`rca.themes.registry_owner`) judges every fitted theme of the window's refit;
a change that touches one month of a 6-month window rarely makes a theme of its own there, and a
refit re-cuts small themes differently every month. The month rule decides on the report month's
texts instead (`place_month`):

1. **Kept.** A text of the window the registry already placed keeps its registry id while that
   theme is active (a refit never moves it).
2. **Placed.** Every other text (the report month's, mostly) goes to the registry theme whose
   window centroid (mean vector of its kept texts) is most similar when that similarity is at
   least the theme's own `PLACE_QUANTILE` quantile of its kept texts' similarities (minus
   `PLACE_SLACK`): a text as typical of the theme as its own texts are.
3. **Unexplained.** The rest, grouped by the refit's themes; a group with at least
   ``min_size`` texts of the report month is a candidate theme (smaller groups go to their most
   similar registry theme, or stay unassigned). Candidate groups at least `APART_COSINE` alike
   are one candidate.
4. **Lineage**, from the report month only. A registry theme *dropped* when it has fewer than
   `DROP_SHARE` of its usual monthly texts this month (its mean over the window's earlier
   months, at least ``min_size``). A candidate's parents are the dropped themes at least
   `LINK_COSINE` alike by centroid, within `COSINE_MARGIN` of its most similar one. Two parents
   at most `APART_COSINE` alike -> **merged** into the candidate (a new id); else one parent
   holding two or more candidates -> **split** (each child a new id); one parent with one
   candidate -> the candidate **continues** it; no parent -> **new**.
5. **Gone** only when no text of the window is left in the theme. Texts of a split or merged
   theme go to its most similar child.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DROP_SHARE",
    "GROUP_COSINE",
    "MIN_THEME_SIZE",
    "PARENT_COSINE",
    "PARENT_MARGIN",
    "PLACE_QUANTILE",
    "PLACE_SLACK",
    "MonthPlacement",
    "place_month",
]

#: Fewest texts of the report month that make a theme (new, a split's child, a merge's child)
#: and fewest usual monthly texts of a theme that can drop: the smallest theme the model keeps.
MIN_THEME_SIZE = 10
#: Quantile of a registry theme's own kept texts' similarity to its centroid a new text must
#: reach to be placed in it (a text as typical of it as most of its own texts are).
PLACE_QUANTILE = 0.05
#: Slack below that quantile still placed.
PLACE_SLACK = 0.05
#: Cosine of a candidate's centroid to a dropped registry theme that makes it the parent.
PARENT_COSINE = 0.5
#: A candidate's second parent (a merge) must be this close to it as its most similar one.
PARENT_MARGIN = 0.05
#: Mean pairwise cosine of unexplained texts grouped on their own (0: grouped by the refit).
GROUP_COSINE = 0.0
#: A registry theme is dropped this month when it has fewer than this share of its usual
#: monthly texts (only such a theme can split or merge).
DROP_SHARE = 0.5


@dataclass
class MonthPlacement:
    """What the month rule decided.

    Attributes
    ----------
    registry
        Registry id per window text (``-1`` unassigned; new themes have their new ids).
    status
        Registry id -> status of every previously active theme.
    lineage
        Rows (parent id, child id, relation, shared texts, share of parent, share of child,
        centroid cosine).
    new_ids
        Registry ids handed out, in order.
    centroids
        Registry id -> unit centroid of every theme with texts in the window.
    """

    registry: np.ndarray
    status: dict[int, str]
    lineage: list[tuple[int, int, str, int, float, float, float]]
    new_ids: list[int]
    centroids: dict[int, np.ndarray]


def _unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.asarray(x / np.where(norms > 0, norms, 1.0), dtype=np.float64)


def _mean_unit(x: np.ndarray) -> np.ndarray:
    v = x.mean(axis=0)
    n = float(np.linalg.norm(v))
    return np.asarray(v / n if n > 0 else v, dtype=np.float64)


def _components(sims: np.ndarray, above: float) -> list[list[int]]:
    """Return the connected groups of items whose pairwise similarity is above ``above``."""
    n = len(sims)
    label = list(range(n))

    def find(a: int) -> int:
        while label[a] != a:
            label[a] = label[label[a]]
            a = label[a]
        return a

    for a in range(n):
        for b in range(a + 1, n):
            if sims[a, b] > above:
                ra, rb = find(a), find(b)
                label[max(ra, rb)] = min(ra, rb)
    out: dict[int, list[int]] = {}
    for a in range(n):
        out.setdefault(find(a), []).append(a)
    return list(out.values())


def _group(vectors: np.ndarray, fitted: np.ndarray, limits: dict[str, float]) -> np.ndarray:
    """Group the unexplained texts: by the refit's themes, or on their own (``group_cosine``).

    On their own: average-linkage clusters of texts whose mean pairwise cosine is at least
    ``group_cosine`` (`sklearn.cluster.AgglomerativeClustering`); the refit's unassigned texts
    are then grouped like the others.
    """
    if limits.get("group_cosine", 0.0) <= 0 or len(vectors) < 2:
        return np.asarray(fitted, dtype=np.int64)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average",
        distance_threshold=1.0 - limits["group_cosine"],
    )  # fmt: skip
    return np.asarray(model.fit_predict(vectors), dtype=np.int64)


def place_month(
    kept: np.ndarray,
    vectors: np.ndarray,
    months: Sequence[str],
    month: str,
    fitted: np.ndarray,
    stored: dict[int, np.ndarray | None],
    next_id: int,
    limits: dict[str, float],
) -> MonthPlacement:
    """Apply the month rule (see the module docstring).

    Parameters
    ----------
    kept
        Registry id each window text already has (``-1`` for none or an ended theme).
    vectors
        One vector per window text (the embeddings the themes were fitted on).
    months
        Each window text's month (``YYYY-MM``).
    month
        The report month.
    fitted
        The refit's theme id per window text (``-1`` unassigned).
    stored
        Active registry id -> its stored centroid (used when none of its texts is left).
    next_id
        The first registry id free for new themes.
    limits
        ``min_size``, ``link_cosine``, ``cosine_margin``, ``apart_cosine``,
        ``place_quantile``, ``place_slack``, ``drop_share``.

    Returns
    -------
    MonthPlacement
    """
    v = _unit_rows(np.asarray(vectors, dtype=np.float64))
    months_arr = np.asarray([str(m) for m in months])
    now = months_arr == month
    reg = np.asarray(kept, dtype=np.int64).copy()
    active = sorted(int(r) for r in stored)
    min_size = int(limits["min_size"])
    # window centroids and each theme's typical similarity of its own texts
    cents: dict[int, np.ndarray] = {}
    floor: dict[int, float] = {}
    for r in active:
        own = reg == r
        if own.any():
            cents[r] = _mean_unit(v[own])
            sims = v[own] @ cents[r]
            floor[r] = float(np.quantile(sims, limits["place_quantile"])) - limits["place_slack"]
        elif (centre := stored[r]) is not None:
            cents[r], floor[r] = centre, 1.0  # nothing left to place against
    ids = [r for r in active if r in cents]
    unplaced = np.flatnonzero(reg < 0)
    if ids and unplaced.size:
        c = np.vstack([cents[r] for r in ids])
        sims = v[unplaced] @ c.T
        best = sims.argmax(axis=1)
        s1 = sims[np.arange(len(unplaced)), best]
        thr = np.array([floor[r] for r in ids])[best]
        ok = s1 >= thr
        reg[unplaced[ok]] = np.asarray(ids)[best[ok]]
    # unexplained texts grouped by the refit, candidates with enough texts of the month
    rest = np.flatnonzero(reg < 0)
    labels = _group(v[rest], fitted[rest], limits)
    groups: list[np.ndarray] = []
    small: list[int] = []
    for f in sorted(set(labels.tolist())):
        members = rest[labels == f]
        if f >= 0 and int(now[members].sum()) >= min_size:
            groups.append(members)
        else:
            small.extend(members.tolist())
    g_cent = [_mean_unit(v[g]) for g in groups]
    if len(groups) > 1:
        gs = np.vstack(g_cent) @ np.vstack(g_cent).T
        joined = _components(gs, limits["apart_cosine"])
        groups = [np.concatenate([groups[k] for k in comp]) for comp in joined]
        g_cent = [_mean_unit(v[g]) for g in groups]
    # usual monthly texts of each registry theme, and this month's
    earlier = sorted(set(months_arr[~now].tolist()))
    dropped: set[int] = set()
    for r in ids:
        own = reg == r
        usual = float((own & ~now).sum()) / max(len(earlier), 1)
        if usual >= min_size and float((own & now).sum()) < limits["drop_share"] * usual:
            dropped.add(r)
    status: dict[int, str] = {}
    lineage: list[tuple[int, int, str, int, float, float, float]] = []
    new_ids: list[int] = []
    children: dict[int, list[int]] = {}
    merged: dict[int, list[int]] = {}
    r_cos = {r: {s: float(cents[r] @ cents[s]) for s in ids} for r in ids}
    absorbed: dict[int, int] = {}
    for k, g in enumerate(g_cent):
        sims = sorted(((float(cents[r] @ g), r) for r in ids), reverse=True)
        cand = [(s, r) for s, r in sims if r in dropped and s >= limits["parent_cosine"]]
        if (
            sims
            and sims[0][0] >= limits["link_cosine"]
            and (not cand or (sims[0][1] not in dropped and sims[0][0] > cand[0][0]))
        ):
            absorbed[k] = sims[0][1]  # stray texts of a theme that goes on
            continue
        if not cand:
            continue
        near = [r for s, r in cand if s >= cand[0][0] - limits["parent_margin"]]
        # the second parent: the near one least like the first (a merge joins different themes)
        second = sorted((r_cos[near[0]][r], r) for r in near[1:])
        if second and second[0][0] <= limits["apart_cosine"]:
            merged[k] = sorted([near[0], second[0][1]])
        else:
            children.setdefault(near[0], []).append(k)
    group_id: dict[int, int] = {}

    def fresh() -> int:
        nonlocal next_id
        new_ids.append(next_id)
        next_id += 1
        return next_id - 1

    # what ends: merged parents (a merge wins), then parents of two or more candidates
    ended: dict[int, list[int]] = {}
    for parents in merged.values():
        for r in parents:
            status.setdefault(r, "merged")
    for r, ks in children.items():
        if status.get(r) == "merged":  # a merged parent's other candidates join the merge
            merged.update({k: next(p for j, p in merged.items() if r in p) for k in ks})
        elif len(ks) >= 2:
            status[r] = "split"
    by_parents: dict[tuple[int, ...], int] = {}
    for k in range(len(groups)):  # ids in group order
        if k in absorbed:
            group_id[k] = absorbed[k]
        elif k in merged:
            key = tuple(merged[k])
            if key not in by_parents:
                by_parents[key] = fresh()
            group_id[k] = by_parents[key]
            for r in merged[k]:
                ended.setdefault(r, []).append(k)
        elif any(k in ks and status.get(r) == "split" for r, ks in children.items()):
            group_id[k] = fresh()
            ended.setdefault(next(r for r, ks in children.items() if k in ks), []).append(k)
        elif any(ks == [k] for ks in children.values()):
            group_id[k] = next(r for r, ks in children.items() if ks == [k])
        else:
            group_id[k] = fresh()
    for k, g in enumerate(groups):
        reg[g] = group_id[k]
    # a split or merged theme's texts go to its most similar child; then the evidence
    for r, ks in ended.items():
        own = np.flatnonzero(reg == r)
        size_r = max(len(own), 1)
        kids = sorted({group_id[k] for k in ks})
        kid_c = {kid: _mean_unit(v[reg == kid]) for kid in kids}
        pick = (v[own] @ np.vstack([kid_c[kid] for kid in kids]).T).argmax(axis=1)
        rel = "merge" if status[r] == "merged" else "split"
        for n, kid in enumerate(kids):
            moved = own[pick == n]
            reg[moved] = kid
            size_kid = int((reg == kid).sum())
            share_kid = len(moved) / max(size_kid, 1)
            lineage.append((r, kid, rel, len(moved), len(moved) / size_r, share_kid,
                            float(cents[r] @ kid_c[kid])))  # fmt: skip
    # small unexplained groups: their most similar registry theme still active, if similar
    live = [r for r in ids if r not in status] + [group_id[k] for k in range(len(groups))]
    live_c = {**{r: cents[r] for r in ids}, **{group_id[k]: g_cent[k] for k in range(len(groups))}}
    live = sorted(set(live))
    if small and live:
        idx = np.asarray(small)
        sims = v[idx] @ np.vstack([live_c[r] for r in live]).T
        best = sims.argmax(axis=1)
        ok = sims[np.arange(len(idx)), best] >= limits["link_cosine"] - 0.5
        reg[idx[ok]] = np.asarray(live)[best[ok]]
    for r in active:
        if r not in status:
            status[r] = "continuing" if (reg == r).any() else "gone"
    for r, ks in children.items():
        if len(ks) == 1 and status.get(r) == "continuing":
            k = ks[0]
            lineage.append((r, r, "continues", 0, 0.0, 0.0, float(cents[r] @ g_cent[k])))
    out_c = {}
    for r in sorted(set(reg.tolist()) - {-1}):
        out_c[int(r)] = _mean_unit(v[reg == r])
    return MonthPlacement(reg, status, lineage, new_ids, out_c)
