"""Analyst curation of themes (renames, merges, root-cause pins) applied to every run.

A curation file (`rca.themes.curation_file`) names themes by their *theme key*, the top five
keywords (`rca.themes.curation_file.theme_key`). On every run `apply_curation` matches each key
to the current themes. A theme qualifies when it has at least ``min_overlap`` of the key's
keywords among all its keywords (default 0.6: 3 of 5) or, when the file holds a *signature* for
the key (the centroid saved by `record_signatures`) and the current centroids are given, when its
centroid has cosine similarity ``min_cosine`` (default 0.9) with it, which survives keyword
drift. Pairs are matched best first, one key per theme, ranked by centroid cosine where there is
a signature and by keyword overlap otherwise. Entries that match nothing, lose their theme to a
closer key or point at a theme merged away are returned in `CurationResult.unmatched` with a
reason: never dropped silently.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from rca.core.errors import ParameterError
from rca.themes.causes import Taxonomy
from rca.themes.curation_file import (
    Curation,
    keyword_terms,
    registry_id_of,
    theme_key,
    theme_terms,
)

__all__ = [
    "CurationResult",
    "UnmatchedEntry",
    "apply_curation",
    "record_signatures",
]


@dataclass(frozen=True)
class UnmatchedEntry:
    """A curation entry not applied this run, and why.

    ``section`` is renames, merges or pins; ``value`` the new name, merge target key or cause id.
    """

    section: str
    key: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.section} '{self.key}' -> '{self.value}': {self.reason}"


@dataclass(frozen=True)
class CurationResult:
    """What `apply_curation` returns.

    Attributes
    ----------
    theme_ids
        Theme per text with merges applied.
    theme_info
        Themes with merges and renames applied, plus ``theme_key``, ``merged_from`` (ids of the
        themes merged into this one) and ``renamed``.
    causes
        Root causes with pins applied and merged-away themes dropped, plus ``pinned``.
    unmatched
        Curation entries not applied, each with its reason.
    matches
        Theme key -> current theme id, for every key that matched.
    """

    theme_ids: np.ndarray
    theme_info: pd.DataFrame
    causes: pd.DataFrame
    unmatched: list[UnmatchedEntry]
    matches: dict[str, int]


# -- matching --------------------------------------------------------------------------------


def _match(
    keys: Iterable[str],
    info: pd.DataFrame,
    signatures: Mapping[str, Sequence[float]],
    centroids: Mapping[int, np.ndarray] | None,
    min_overlap: float,
    min_cosine: float,
    direct: Mapping[str, int] | None = None,
) -> tuple[dict[str, int], dict[str, str]]:
    """Match keys to topic ids one to one, best pairs first; give a reason for each key left.

    Keys in ``direct`` (registry keys and links to registry ids) name their theme by id: they
    match it before any keyword or centroid pair, or not at all.
    """
    themes = [(int(r["theme_id"]), set(theme_terms(r)), theme_key(r)) for _, r in info.iterrows()]
    present = {t for t, _, _ in themes}
    pairs: list[tuple[float, float, str, int]] = []
    reasons: dict[str, str] = {}
    for key, tid in (direct or {}).items():
        if tid in present:
            pairs.append((-3.0, 0.0, key, tid))  # an id says more than any centroid
        reasons[key] = f"registry theme {tid} has no texts in this run (see its lineage)"
    for key in keys:
        if direct and key in direct:
            continue
        terms = set(keyword_terms(key))
        sig = np.asarray(signatures.get(key, ()), dtype=float)
        best, closest = -2.0, ""
        for tid, their_terms, tkey in themes:
            shared = len(terms & their_terms)
            vec = None if centroids is None else centroids.get(tid)
            cos = -1.0
            if sig.size and vec is not None and len(vec) == sig.size:
                cos = float(sig @ np.asarray(vec, dtype=float) / (np.linalg.norm(sig) or 1.0))
            overlap = shared / len(terms)
            score = cos if cos > -1.0 else overlap  # a centroid says more than five keywords
            if overlap >= min_overlap or cos >= min_cosine:
                pairs.append((-score, -shared, key, tid))
            if score > best:
                extra = f", centroid cosine {cos:.2f}" if cos > -1.0 else ""
                best, closest = score, f"; closest is '{tkey}' ({shared} shared{extra})"
        need = math.ceil(min_overlap * len(terms) - 1e-9)
        reasons[key] = f"no current theme has {need} of its {len(terms)} keywords{closest}"
    matched: dict[str, int] = {}
    owner: dict[int, str] = {}
    for _, _, key, tid in sorted(pairs):
        if key not in matched and tid not in owner:
            matched[key], owner[tid] = tid, key
        elif key not in matched:
            reasons[key] = f"its theme is matched by the closer key '{owner[tid]}'"
    return matched, {k: r for k, r in reasons.items() if k not in matched}


def record_signatures(
    curation: Curation,
    theme_info: pd.DataFrame,
    centroids: Mapping[int, np.ndarray],
    *,
    min_overlap: float = 0.6,
    min_cosine: float = 0.9,
) -> Curation:
    """Return a copy of ``curation`` holding the current centroid of every key that matches.

    Save it with `save_curation` so later runs also match themes whose keywords drifted.
    ``centroids`` is ``ThemeModel.centroids_``.
    """
    info = theme_info[theme_info["theme_id"] != -1]
    matched, _ = _match(
        curation.keys(), info, curation.signatures, centroids, min_overlap, min_cosine
    )
    sigs = dict(curation.signatures)
    sigs.update({k: tuple(round(float(x), 4) for x in centroids[t]) for k, t in matched.items()})
    return replace(curation, signatures=sigs)


# -- applying --------------------------------------------------------------------------------


def _interleave(lists: Sequence[Sequence[str]], limit: int) -> list[str]:
    out: list[str] = []
    for i in range(max((len(x) for x in lists), default=0)):
        out += [x[i] for x in lists if i < len(x) and x[i] not in out]
    return out[:limit]


def _merged_info(info: pd.DataFrame, into: Mapping[int, int]) -> pd.DataFrame:
    rows: dict[int, dict[str, Any]] = {}
    for r in info.to_dict("records"):
        row = rows[int(r["theme_id"])] = {str(k): v for k, v in r.items()}
        row.update(theme_key=theme_key(row), merged_from=[])
    for target in sorted(set(into.values())):
        parts = sorted((t for t in into if into[t] == target), key=lambda t: -rows[t]["size"])
        group = [rows[target], *(rows[t] for t in parts)]
        rows[target].update(
            size=sum(int(r["size"]) for r in group),
            examples=[e for r in group for e in r["examples"]],
            keywords=", ".join(_interleave([keyword_terms(r["keywords"]) for r in group], 10)),
            merged_from=parts,
        )
    out = pd.DataFrame([r for t, r in rows.items() if t not in into])
    out = out.reindex(columns=[*info.columns, "theme_key", "merged_from"])
    return out.sort_values(["size", "theme_id"], ascending=[False, True]).reset_index(drop=True)


def apply_curation(
    topics: np.ndarray,
    theme_info: pd.DataFrame,
    causes: pd.DataFrame,
    curation: Curation,
    *,
    taxonomy: Taxonomy | None = None,
    centroids: Mapping[int, np.ndarray] | None = None,
    min_overlap: float = 0.6,
    min_cosine: float = 0.9,
    links: Mapping[str, int] | None = None,
) -> CurationResult:
    """Apply analysts' merges, renames and pins to this run's themes.

    Parameters
    ----------
    topics, theme_info
        ``ThemeModel.themes_`` and ``ThemeModel.theme_info_``.
    causes
        `rca.themes.causes.map_causes` of ``theme_info``.
    curation
        From `load_curation`.
    taxonomy
        When given, pins naming an unknown cause are reported, and names come from it.
    centroids
        ``ThemeModel.centroids_``, so that keys with a signature also match by centroid.
    min_overlap, min_cosine
        Matching thresholds (see the module docstring).
    links
        Keyword keys already tied to a registry theme by an earlier run (`rca.store`): they
        name that theme by id, like registry keys (``"theme:12"``), which always do. Theme ids
        in ``topics`` and ``theme_info`` must then be registry ids.

    Returns
    -------
    CurationResult
        New ``topics``, ``theme_info`` and ``causes`` (the inputs are not modified), the
        entries not applied with their reasons, and the key -> topic id matches. Merges go into
        the first key of the group that matches; a merged theme keeps that theme's root cause
        unless it is pinned.
    """
    if not 0.0 < min_overlap <= 1.0:
        raise ParameterError(f"min_overlap must be in (0, 1], got {min_overlap}")
    info = theme_info[theme_info["theme_id"] != -1]
    keys = curation.keys()
    direct = {k: i for k in keys if (i := registry_id_of(k)) is not None}
    direct.update({k: int(i) for k, i in (links or {}).items() if k in set(keys)})
    matched, reasons = _match(
        keys, info, curation.signatures, centroids, min_overlap, min_cosine, direct
    )
    into: dict[int, int] = {}
    for group in curation.merges:
        ids = [matched[k] for k in group if k in matched]
        into.update({tid: ids[0] for tid in ids[1:]})
    key_of = {tid: k for k, tid in matched.items()}
    for tid, target in into.items():
        reasons[key_of[tid]] = f"its theme is merged into '{key_of[target]}'; curate that key"
    entries = [
        *(("renames", k, v) for k, v in curation.renames.items()),
        *(("merges", k, g[0]) for g in curation.merges for k in g),
        *(("pins", k, v) for k, v in curation.pins.items()),
    ]
    unmatched = [
        UnmatchedEntry(section, k, v, reasons[k])
        for section, k, v in entries
        if k in reasons and not (section == "merges" and matched.get(k) in into)
    ]
    if taxonomy is not None:
        unknown = [(k, v) for k, v in curation.pins.items() if v not in taxonomy]
        unmatched += [
            UnmatchedEntry("pins", k, v, "not a cause in the taxonomy") for k, v in unknown
        ]
    usable = {k: t for k, t in matched.items() if k not in reasons}

    new_info = _merged_info(theme_info, into)
    names = {usable[k]: v for k, v in curation.renames.items() if k in usable}
    new_info["renamed"] = new_info["theme_id"].isin(list(names))
    labels = zip(new_info["theme_id"], new_info["theme_label"], strict=True)
    new_info["theme_label"] = [names.get(int(t), lab) for t, lab in labels]

    new_causes = causes[~causes["theme_id"].isin(list(into))].reset_index(drop=True)
    new_causes["pinned"] = False
    known = dict(zip(causes["root_cause"], causes["cause_name"], strict=True))
    for key, cause_id in curation.pins.items():
        if key not in usable or (taxonomy is not None and cause_id not in taxonomy):
            continue
        cause = taxonomy[cause_id] if taxonomy is not None else None
        row = new_causes["theme_id"] == usable[key]
        new_causes.loc[row, "root_cause"] = cause_id
        new_causes.loc[row, "cause_group"] = cause.group if cause else cause_id.split(".")[0]
        new_causes.loc[row, "cause_name"] = cause.name if cause else known.get(cause_id, cause_id)
        new_causes.loc[row, "pinned"] = True
    return CurationResult(
        theme_ids=np.array([into.get(int(t), int(t)) for t in np.asarray(topics)], dtype=int),
        theme_info=new_info,
        causes=new_causes,
        unmatched=unmatched,
        matches=dict(sorted(matched.items())),
    )
