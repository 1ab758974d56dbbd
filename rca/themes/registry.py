"""The theme registry: stable theme ids across months, with lineage and its evidence.

Each month's themes are fitted on a rolling window and matched to the registry the previous
month left (`rca.store.registry_frames.RegistryState`). The rules (`match_registry`):

1. **Evidence.** Texts present in both windows (same `rca.text.keys.text_key`) are the evidence
   first: for a registry theme ``r`` and a fitted theme ``f``, ``shared`` is how many of r's texts
   f holds now, ``share_of_parent`` = shared / r's texts still in the window, ``share_of_child``
   = shared / f's texts that had a registry id. For a registry theme with less than
   `MIN_SHARED_SHARE` of its texts in the new window (e.g. windows that do not overlap), the
   centroids' cosine is the evidence instead: r and f are linked when each is the other's most
   similar theme with cosine >= `LINK_COSINE`; a second child (or parent) is linked when it is
   as similar, within `COSINE_MARGIN`; shares are estimated from the themes' window shares.
   Keywords are recorded with every link, as evidence for a reader (never decisive).
2. **Owners** (the default, ``rule="owner"``, when the windows share texts). A refit on an
   overlapping window reshuffles texts the registry already placed, so a fitted theme is judged
   by who owns its placed texts. A fitted theme of which at least `PLACED_SHARE` of the texts
   (and >= `MIN_SHARED_LINK`) are placed, at least `OWNER_SHARE` of them by one registry theme
   R, is a *fragment* of R and takes R's id, whatever share of R it holds: several fitted
   themes may take one registry id (the snapshot then has one row for them: summed size, the
   largest one's label and keywords, the size-weighted mean centroid).
   - **Split by texts**: R owns two or more fragments that each hold >= `SPLIT_SHARE` of R's
     placed texts (and >= `PART_SHARE` of their own), some two of them with centroids at most
     `APART_COSINE` alike. Its fragments then are its children, each with a new id.
   - **Merge by texts**: a fitted theme holds >= `MERGE_SHARE` of each of two or more registry
     themes' placed texts (and >= `PART_SHARE` of its own placed texts from each), some two of
     them at most `APART_COSINE` alike by centroid. The parents' other fragments join the
     merged theme's (new) id.
   - **New content** (fitted themes mostly of texts the registry never placed, or whose placed
     texts have no owner): the centroid is the evidence. Its most similar registry theme with
     cosine >= `LINK_COSINE` adopts it as a fragment; two registry themes that close (within
     `COSINE_MARGIN`, at most `APART_COSINE` alike) are merged into it; a registry theme adopting
     two such themes at most `APART_COSINE` alike is split (its fragments are children too).
   Without shared texts at all (windows that do not overlap) the previous rule applies.
3. **Links** (the previous rule, ``rule="links"``, kept for the benchmark's baseline). A link
   holds a substantial part of both sides: share of the parent and share of the child >=
   `PART_SHARE` (and >= `MIN_SHARED_LINK` shared texts when texts are the evidence). Per
   connected group of links: one registry theme and one fitted theme -> the fitted theme
   ``continues`` it and keeps its id; one registry theme -> several fitted themes -> the parent
   is ``split`` and each child gets a new id; several registry themes -> one fitted theme -> the
   parents are ``merged`` and the child gets a new id.
4. **Leftovers.** A registry theme and a fitted theme with no link continue when each is the
   other's main match: most shared texts (>= `MIN_SHARED_LINK`; a refit that scattered the
   theme, which lives on mostly in that fitted theme), else most similar centroid with cosine
   >= `CONTINUE_COSINE` (a theme whose texts all left the window). Any other fitted theme is
   ``new``, any other registry theme ``gone``.

**The month rule** (`rca.themes.registry_month`, the default of `assign_registry` when it is
given the window's vectors and months, as the monthly pipeline does): the report month's texts
are placed against the registry's themes *before* the refit is consulted, and statuses are
decided on the report month's texts only; the refit only groups the texts no registry theme
explains. The rules above stay for callers without vectors and as the benchmark's baselines.

`assign_registry` then keeps each text the registry already placed under its registry id while
that theme continues; the fit places new texts and those of themes that split, merged or ended.
An empty registry gives the fitted themes the ids ``0..K-1`` in the fit's own theme order, so a
first run's ids equal the fit's. New ids are handed out in the fit's theme order. Everything is
deterministic: the same inputs give the same ids, statuses and lineage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from rca.store.registry_frames import (
    LINEAGE_COLUMNS,
    THEME_COLUMNS,
    RegistryMatch,
    RegistryState,
)
from rca.themes.registry_links import (
    centroid_links,
    cosines,
    keywords_text,
    leftovers,
    link_lineage,
    ratio,
    shared_counts,
    unit,
)
from rca.themes.registry_month import (
    DROP_SHARE,
    GROUP_COSINE,
    MIN_THEME_SIZE,
    PARENT_COSINE,
    PARENT_MARGIN,
    PLACE_QUANTILE,
    PLACE_SLACK,
)
from rca.themes.registry_owner import one_row_per_link, owner_lineage, owner_links, snapshot
from rca.themes.registry_place import match_month

if TYPE_CHECKING:
    from rca.themes.find import Themes

__all__ = [
    "APART_COSINE",
    "CONTINUE_COSINE",
    "COSINE_MARGIN",
    "LINK_COSINE",
    "MERGE_SHARE",
    "MIN_SHARED_LINK",
    "MIN_SHARED_SHARE",
    "OWNER_SHARE",
    "PART_SHARE",
    "PLACED_SHARE",
    "SPLIT_SHARE",
    "assign_registry",
    "match_registry",
    "state_after",
]

#: Share of a registry theme's texts that must be in the new window for shared texts to be its
#: evidence (else its centroid is). Consecutive 6-month windows keep ~5/6 of a theme's texts,
#: windows that do not overlap only exact repeats (stock comments); 0.3 sits between (not tuned).
MIN_SHARED_SHARE = 0.3
#: Fewest shared texts that make a link: half the smallest theme the model keeps (not tuned).
MIN_SHARED_LINK = 5
#: Share of the parent and of the child a link must hold. Tuned on the development CFPB windows
#: (ending <= 2019-05): share of shared texts keeping their id 0.72 at 0.25, 0.98 at 0.35, 0.99
#: at 0.40; the smallest value reaching 0.95 was kept, so that a theme splitting in two parts of
#: a third or more is still reported as a split. A smaller piece breaking off is not a split.
PART_SHARE = 0.35
#: Cosine of centroids that links a registry theme to a fitted theme when there are no shared
#: texts (mutual best matches). Tuned on the development sample (seed 0, one-month windows of
#: English audit comments, MiniLM): 0.75 gave 4-8 spurious splits or merges a month, 0.85 0-4.
LINK_COSINE = 0.85
#: Share of a fitted theme's already-placed texts one registry theme must hold to own it (the
#: fitted theme then continues that registry theme, whatever share of it it holds): a majority.
OWNER_SHARE = 0.5
#: Share of a fitted theme's texts that must be already placed for its owner to decide; a
#: fitted theme mostly of new texts is judged by its centroid: a majority.
PLACED_SHARE = 0.5
#: Share of a registry theme's placed texts each of two fragments it owns must hold for a split
#: by texts (owner rule): nearly half each. Tuned on the development data (sample seed 0, CFPB
#: windows ending <= 2019-05) with `MERGE_SHARE` and `APART_COSINE`: 0.35 (`PART_SHARE`) made
#: a split of a reshuffle every month (exact months 0.00), 0.45 0.45, 0.5 (halves only) 0.64.
SPLIT_SHARE = 0.45
#: Share of each parent's placed texts a fitted theme must hold for a merge by texts (owner
#: rule): most of both. Development sample: 0.35 gave 4.1 new themes per quiet month, 0.8 3.2.
MERGE_SHARE = 0.8
#: Most similar a split's children (or a merge's parents) may be to each other by centroid
#: (owner rule): a refit cutting one theme's texts into look-alike parts is a reshuffle. As
#: `LINK_COSINE`; development CFPB windows: texts keeping their id 0.91 without it, 1.00 with.
APART_COSINE = 0.85
#: Cosine for a leftover pair (no link) to continue as mutual best matches (as `LINK_COSINE`).
CONTINUE_COSINE = 0.85
#: A second child (split) or parent (merge) by centroids must be within this cosine of the
#: theme's mutual best match (development sample, with `LINK_COSINE`: 0.05 -> 0.03).
COSINE_MARGIN = 0.03


def match_registry(
    previous: RegistryState,
    fitted: pd.DataFrame,
    centroids: Mapping[int, np.ndarray],
    members: pd.Series,
    month: str,
    *,
    rule: str = "owner",
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
    rule
        ``"owner"`` (fitted themes are judged by who owns their already-placed texts) or
        ``"links"`` (the previous rule: a link needs a part of both sides).
    **thresholds
        Overrides of the module constants, by lower-case name (``part_share=0.3``, ...).

    Returns
    -------
    RegistryMatch
        See the module docstring for the rules.
    """
    limits = {
        "min_shared_share": MIN_SHARED_SHARE, "min_shared_link": MIN_SHARED_LINK,
        "part_share": PART_SHARE, "link_cosine": LINK_COSINE, "cosine_margin": COSINE_MARGIN,
        "continue_cosine": CONTINUE_COSINE, "owner_share": OWNER_SHARE,
        "placed_share": PLACED_SHARE, "apart_cosine": APART_COSINE, "split_share": SPLIT_SHARE,
        "merge_share": MERGE_SHARE,
    }  # fmt: skip
    unknown = set(thresholds) - set(limits)
    if unknown:
        raise TypeError(f"unknown threshold(s): {', '.join(sorted(unknown))}")
    limits.update(thresholds)
    fit = fitted[fitted["theme_id"] >= 0].reset_index(drop=True)
    fit_ids = [int(t) for t in fit["theme_id"]]
    old = previous.themes.reset_index(drop=True) if not previous.is_empty else None
    prev_ids = [] if old is None else [int(r) for r in old["registry_id"]]
    fit_units = [unit(centroids.get(t)) for t in fit_ids]
    cos = cosines([] if old is None else [unit(c) for c in old["centroid"]], fit_units)
    counts, parent_tot, child_tot = shared_counts(prev_ids, fit_ids, previous.members, members)
    own = previous.members.value_counts().reindex(prev_ids, fill_value=0).to_numpy(float)
    by_texts = np.asarray(ratio(parent_tot, own) >= limits["min_shared_share"], dtype=bool)
    sop, soc = ratio(counts, parent_tot[:, None]), ratio(counts, child_tot[None, :])
    linked: np.ndarray = (counts >= limits["min_shared_link"]) & (sop >= limits["part_share"])
    linked &= (soc >= limits["part_share"]) & by_texts[:, None]
    taken = np.asarray(np.any(linked, axis=0), dtype=bool)
    free = np.where(by_texts[:, None] | taken[None, :], np.nan, cos)
    c_sop, c_soc, c_linked = centroid_links(
        free, old, fit, limits["link_cosine"], limits["cosine_margin"]
    )
    c_linked &= (c_sop >= limits["part_share"]) & (c_soc >= limits["part_share"])
    sop, soc = np.where(by_texts[:, None], sop, c_sop), np.where(by_texts[:, None], soc, c_soc)
    linked |= c_linked
    ids: dict[int, int] = {}
    status: dict[int, str] = {}
    relation: dict[tuple[int, int], str] = {}
    joins: dict[int, int] = {}  # fitted index -> fitted index whose id it takes (merges)
    if rule not in ("owner", "links"):
        raise ValueError(f"unknown rule {rule!r}: expected 'owner' or 'links'")
    if rule == "owner" and counts.sum() > 0:
        sizes = members.value_counts().reindex(fit_ids, fill_value=0).to_numpy(float)
        sop, soc = ratio(counts, parent_tot[:, None]), ratio(counts, child_tot[None, :])
        prev_units = [] if old is None else [unit(c) for c in old["centroid"]]
        apart = (cosines(prev_units, prev_units), cosines(fit_units, fit_units))
        found = owner_links(counts, parent_tot, sizes, by_texts, cos, limits, apart)
        joins = owner_lineage(found, prev_ids, fit_ids, ids, status, relation)
    else:
        link_lineage(linked, prev_ids, fit_ids, ids, status, relation)
    evidence = [(counts, limits["min_shared_link"]), (cos, limits["continue_cosine"])]
    leftovers(evidence, prev_ids, fit_ids, ids, status, relation)
    next_id = max([previous.next_id, *(r + 1 for r in prev_ids)])
    for j, t in enumerate(fit_ids):  # new ids in the fit's theme order
        if t not in ids and j not in joins:
            ids[t], next_id = next_id, next_id + 1
    for j, k in joins.items():  # fragments of merged parents join the merged theme
        ids[fit_ids[j]] = ids[fit_ids[k]]
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
                "parent_keywords": keywords_text(old["keywords"].iloc[i])
                if old is not None
                else "",
                "child_keywords": keywords_text(fit["keywords"].iloc[j]),
            }
            for (i, j), rel in sorted(relation.items(), key=lambda e: (e[0][1], e[0][0]))
        ],
        columns=list(LINEAGE_COLUMNS),
    )
    lineage = one_row_per_link(lineage)
    themes = snapshot(old, fit, fit_ids, fit_units, ids, status, month)
    status_frame = themes[["registry_id", "status"]].reset_index(drop=True)
    return RegistryMatch(ids=ids, themes=themes, status=status_frame, lineage=lineage)


def state_after(previous: RegistryState, match: RegistryMatch, members: pd.Series,
                month: str) -> RegistryState:  # fmt: skip
    """Return the registry as this month leaves it (what `Store.registry_before` reads back).

    ``members`` is the window's text key -> registry id (``-1`` left out), as `assign_registry`
    gives it; ``previous`` the state ``match`` was made against.
    """
    active = match.themes[match.themes["status"].isin(["continuing", "new"])]
    used = [previous.next_id, *(int(r) + 1 for r in match.themes["registry_id"])]
    kept = members[members >= 0].astype("int64")
    themes = active[list(THEME_COLUMNS)].reset_index(drop=True)
    return RegistryState(themes, kept, max(used), month)


def assign_registry(
    themes: Themes,
    keys: Sequence[str],
    previous: RegistryState,
    month: str,
    *,
    keep: bool = True,
    rule: str | None = None,
    vectors: np.ndarray | None = None,
    months: Sequence[str] | None = None,
) -> tuple[RegistryMatch, pd.Series]:
    """Match a fit (`rca.themes.find.find_themes`) to the registry; return it and the members.

    A text the registry already placed keeps its registry id while that theme continues
    (``keep``): a refit on an overlapping window moves texts between neighbouring themes (on
    CFPB complaints at most ~0.7 of them stay together under any one-to-one matching of two
    consecutive fits), and an analyst's past month should not change theme because of it. The
    fit places new texts and the texts of themes that split, merged or are gone.

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
    keep
        Keep the registry id of texts whose theme continues (False: every text takes its
        fitted theme's registry id).
    rule
        ``"month"`` (`rca.themes.registry_month`: the report month's texts are placed against
        the registry first; needs ``vectors`` and ``months``), or a rule of `match_registry`
        (``"owner"``, ``"links"``). None: ``"month"`` when ``vectors`` and ``months`` are
        given, else ``"owner"``. An empty registry is numbered by `match_registry` whatever
        the rule.
    vectors, months
        The embeddings the themes were fitted on and each text's month, in ``keys`` order
        (the month rule).

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
    if rule is None:
        rule = "month" if vectors is not None and months is not None else "owner"
    if rule == "month" and not previous.is_empty:
        if (
            vectors is None
            or months is None
            or len(vectors) != len(keys)
            or len(months) != len(keys)
        ):
            raise ValueError("the month rule needs one vector and one month per key")
        limits = {"min_size": MIN_THEME_SIZE, "link_cosine": LINK_COSINE,
                  "cosine_margin": COSINE_MARGIN, "apart_cosine": APART_COSINE,
                  "place_quantile": PLACE_QUANTILE, "place_slack": PLACE_SLACK,
                  "drop_share": DROP_SHARE, "parent_cosine": PARENT_COSINE,
            "parent_margin": PARENT_MARGIN,
                  "group_cosine": GROUP_COSINE}  # fmt: skip
        return match_month(previous, fitted, keys, np.asarray(themes.theme_ids), vectors, months,
                           month, limits)  # fmt: skip
    centroids = getattr(themes.model, "centroids_", {})
    match = match_registry(previous, fitted, centroids, fitted_members, month,
                           rule="owner" if rule == "month" else rule)  # fmt: skip
    mapped = fitted_members.map(lambda t: match.ids.get(int(t), -1)).astype("int64")
    if keep and not previous.members.empty:
        continuing = match.status.loc[match.status["status"] == "continuing", "registry_id"]
        before = previous.members[~previous.members.index.duplicated()].reindex(mapped.index)
        stays = before.isin(set(continuing.tolist()))
        mapped = mapped.where(~stays, before).astype("int64")
    return match, mapped.rename("registry_id")
