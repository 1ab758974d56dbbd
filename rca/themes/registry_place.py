"""The month rule's result as a `RegistryMatch` (`rca.themes.registry_month.place_month`).

Kept apart from the rule itself so that `rca.themes.registry_month` reads as its steps: here the
registry ids per text become the fitted themes' ids (for the themes' table), the snapshot and the
lineage with its evidence.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from rca.store.registry_frames import (
    LINEAGE_COLUMNS,
    THEME_COLUMNS,
    RegistryMatch,
    RegistryState,
)
from rca.themes.registry_links import keywords_text, unit
from rca.themes.registry_month import place_month

__all__ = ["match_month"]


def _fitted_ids(reg: np.ndarray, fit_ids: np.ndarray, themes: list[int], vectors: np.ndarray,
                centroids: dict[int, np.ndarray]) -> dict[int, int]:  # fmt: skip
    """Fitted theme -> the registry id most of its texts have (ties: the smaller id).

    A fitted theme none of whose texts is placed takes the id of the registry theme its mean
    vector is most similar to.
    """
    ids: dict[int, int] = {}
    known = sorted(centroids)
    for f in themes:
        own = fit_ids == f
        r = reg[own & (reg >= 0)]
        if r.size:
            values, counts = np.unique(r, return_counts=True)
            ids[f] = int(values[int(counts.argmax())])
        elif known and own.any():
            sims = np.vstack([centroids[k] for k in known]) @ vectors[own].mean(axis=0)
            ids[f] = known[int(sims.argmax())]
    return ids


def match_month(
    previous: RegistryState,
    fitted: pd.DataFrame,
    keys: Sequence[str],
    fit_ids: np.ndarray,
    vectors: np.ndarray,
    months: Sequence[str],
    month: str,
    limits: dict[str, float],
) -> tuple[RegistryMatch, pd.Series]:
    """Match a window's fit to the registry with the month rule; return it and the members.

    Parameters
    ----------
    previous
        The registry before ``month`` (not empty).
    fitted
        ``theme_info`` of the fit (``theme_id``, ``theme_label``, ``keywords``, ``size``).
    keys, fit_ids, vectors, months
        Per window text: text key, fitted theme id, embedding, month.
    month
        The report month.
    limits
        Thresholds of `rca.themes.registry_month.place_month`.

    Returns
    -------
    match, members
        As `rca.themes.registry.assign_registry`.
    """
    keys = [str(k) for k in keys]
    fit_ids = np.asarray(fit_ids, dtype=np.int64)
    old = previous.themes.reset_index(drop=True)
    stored = {int(r): unit(c) for r, c in zip(old["registry_id"], old["centroid"], strict=True)}
    prev = previous.members[~previous.members.index.duplicated()]
    kept = prev.reindex(keys).fillna(-1).astype("int64").to_numpy().copy()
    kept[~np.isin(kept, list(stored))] = -1
    next_id = max([previous.next_id, *(r + 1 for r in stored)])
    placed = place_month(kept, vectors, months, month, fit_ids, stored, next_id, limits)
    reg = placed.registry
    fit = fitted[fitted["theme_id"] >= 0].reset_index(drop=True)
    themes_fit = [int(t) for t in fit["theme_id"]]
    ids = _fitted_ids(reg, fit_ids, themes_fit, np.asarray(vectors), placed.centroids)
    # for each registry id, the fitted theme giving its label: the largest one it is the id of
    by_id: dict[int, int] = {}
    sizes = dict(zip(themes_fit, fit["size"], strict=True))
    for fitted_id, r in ids.items():
        if r not in by_id or sizes[fitted_id] > sizes[by_id[r]]:
            by_id[r] = fitted_id
    row_of = {t: j for j, t in enumerate(themes_fit)}
    first = dict(zip(old["registry_id"], old["first_month"], strict=True))
    before = old.set_index("registry_id")
    rows = []
    for r, c in sorted(placed.centroids.items()):
        f: int | None = by_id.get(r)
        if f is None and r not in before.index:  # a new theme: the fitted theme most of it is in
            most = int(pd.Series(fit_ids[reg == r]).mode().iloc[0])
            f = most if most in row_of else None
        if f is not None:
            label, words = str(fit["theme_label"].iloc[row_of[f]]), fit["keywords"].iloc[row_of[f]]
        elif r in before.index:
            label, words = str(before.at[r, "label"]), before.at[r, "keywords"]
        else:
            label, words = f"theme {r}", ""
        rows.append({"registry_id": r, "label": label, "keywords": keywords_text(words),
                     "centroid": [float(x) for x in c], "size": int((reg == r).sum()),
                     "first_month": first.get(r, month), "last_month": month,
                     "status": placed.status.get(r, "new")})  # fmt: skip
    for rec in old.to_dict("records"):
        r = int(rec["registry_id"])
        if placed.status[r] != "continuing":
            rows.append({**{c: rec[c] for c in THEME_COLUMNS}, "status": placed.status[r]})
    snapshot = pd.DataFrame(rows, columns=[*THEME_COLUMNS, "status"])
    snapshot["registry_id"] = snapshot["registry_id"].astype("int64")
    snapshot = snapshot.sort_values("registry_id", kind="stable").reset_index(drop=True)
    words_of = dict(zip(snapshot["registry_id"], snapshot["keywords"], strict=True))
    parent_words = {p: keywords_text(before.at[p, "keywords"]) for p in before.index}
    lineage = pd.DataFrame(
        [
            {"parent_id": p, "child_id": c, "relation": rel, "shared_texts": n,
             "share_of_parent": round(sp, 4), "share_of_child": round(sc, 4),
             "centroid_cosine": round(cos, 4), "parent_keywords": parent_words[p],
             "child_keywords": words_of.get(c, "")}
            for p, c, rel, n, sp, sc, cos in placed.lineage
        ],
        columns=list(LINEAGE_COLUMNS),
    )  # fmt: skip
    match = RegistryMatch(
        ids=ids,
        themes=snapshot,
        status=snapshot[["registry_id", "status"]].reset_index(drop=True),
        lineage=lineage.sort_values(["child_id", "parent_id"], kind="stable").reset_index(
            drop=True
        ),
    )
    members = pd.Series(reg, index=keys, dtype="int64")
    return match, members[~members.index.duplicated()].rename("registry_id")
