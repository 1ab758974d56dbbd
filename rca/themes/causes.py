"""Root causes: the analysts' taxonomy (``parameters/root_causes.yaml``) and theme -> cause mapping.

`load_taxonomy` reads and checks the taxonomy; `map_causes` gives each theme found by
`rca.themes.model.ThemeModel` its most similar cause, or ``"unmapped"`` when nothing is close
enough.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rca.core.errors import ParameterError
from rca.core.paths import parameters_dir
from rca.core.yamlfile import YamlFile, read_yaml
from rca.themes.embedders import Embedder
from rca.themes.vectors import unit_rows

__all__ = [
    "CAUSE_COLUMNS",
    "GROUPS",
    "UNMAPPED",
    "Cause",
    "Taxonomy",
    "load_taxonomy",
    "map_causes",
]

#: Top-level groups of the taxonomy, in report order.
GROUPS: tuple[str, ...] = ("people", "process", "policy", "product", "system")
#: ``root_cause`` of a theme that no cause is similar enough to.
UNMAPPED = "unmapped"
#: Columns of `map_causes`' result.
CAUSE_COLUMNS: tuple[str, ...] = (
    "theme_id", "root_cause", "cause_group", "cause_name", "similarity",
    "nearest_cause", "runner_up", "margin",
)  # fmt: skip

_FIELDS = ("id", "name", "description", "severity", "seed_phrases")
_ID = re.compile(r"^[a-z]+\.[a-z0-9_]+$")
# Weights of the parts of a theme's text (label, keywords, examples) and of a cause's text.
_THEME_WEIGHTS = {"label": 0.15, "keywords": 0.25, "examples": 0.6}
_CAUSE_WEIGHTS = {"seed_phrases": 0.7, "name": 0.15, "description": 0.15}


@dataclass(frozen=True)
class Cause:
    """One root cause of the taxonomy.

    Parameters
    ----------
    id
        ``<group>.<name>``, e.g. ``process.outdated_macro``.
    group
        One of `GROUPS`.
    name
        Readable name for reports.
    description
        One line telling this cause apart from its neighbours.
    severity
        1 (low) to 3 (high), used to rank findings.
    seed_phrases
        Phrases typical of comments and feedback with this cause.
    """

    id: str
    group: str
    name: str
    description: str
    severity: int
    seed_phrases: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    """An ordered, read-only collection of `Cause` items with unique ids."""

    causes: tuple[Cause, ...]

    def __iter__(self) -> Iterator[Cause]:
        return iter(self.causes)

    def __len__(self) -> int:
        return len(self.causes)

    def __contains__(self, cause_id: object) -> bool:
        return any(c.id == cause_id for c in self.causes)

    def __getitem__(self, cause_id: str) -> Cause:
        for cause in self.causes:
            if cause.id == cause_id:
                return cause
        raise KeyError(cause_id)

    @property
    def ids(self) -> tuple[str, ...]:
        """Cause ids in file order."""
        return tuple(c.id for c in self.causes)


def _did_you_mean(word: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _parse_cause(doc: YamlFile, group: str, index: int, raw: Any) -> Cause:
    at: tuple[str | int, ...] = (group, index)
    if not isinstance(raw, dict):
        raise doc.fail(at, f"expected a cause: a mapping of {', '.join(_FIELDS)}")
    doc.check_keys(at, raw, _FIELDS)
    missing = [f for f in _FIELDS if f not in raw]
    if missing:
        raise doc.fail(at, f"cause '{raw.get('id', '?')}' is missing {', '.join(missing)}")
    cause_id = raw["id"]
    if not isinstance(cause_id, str) or not _ID.match(cause_id):
        raise doc.fail((*at, "id"), f"id must look like '{group}.short_name', got {cause_id!r}")
    if cause_id.split(".")[0] != group:
        raise doc.fail((*at, "id"), f"id must start with '{group}.' (it is under {group})")
    for key in ("name", "description"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise doc.fail((*at, key), f"{key} must be non-empty text")
    severity = raw["severity"]
    if isinstance(severity, bool) or not isinstance(severity, int) or not 1 <= severity <= 3:
        raise doc.fail((*at, "severity"), f"severity must be 1, 2 or 3, got {severity!r}")
    phrases = raw["seed_phrases"]
    if not isinstance(phrases, list) or not phrases:
        raise doc.fail((*at, "seed_phrases"), "seed_phrases must be a non-empty list of phrases")
    for i, phrase in enumerate(phrases):
        if not isinstance(phrase, str) or not phrase.strip():
            raise doc.fail((*at, "seed_phrases", i), "every seed phrase must be non-empty text")
    return Cause(
        id=cause_id,
        group=group,
        name=raw["name"].strip(),
        description=raw["description"].strip(),
        severity=severity,
        seed_phrases=tuple(p.strip() for p in phrases),
    )


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and check a root-cause taxonomy.

    Parameters
    ----------
    path
        YAML file; defaults to ``root_causes.yaml`` in `rca.core.paths.parameters_dir`.

    Returns
    -------
    Taxonomy
        The causes in file order.

    Raises
    ------
    InputError
        One line naming the file, the line and the key (`rca.core.yamlfile`): bad YAML, a key
        written twice, an unknown group or key, a missing field, a malformed or duplicate id, a
        severity outside 1-3, no seed phrases.
    """
    path = Path(path) if path is not None else parameters_dir() / "root_causes.yaml"
    doc = read_yaml(path, what="taxonomy")
    data = doc.data
    if not isinstance(data, dict) or not data:
        raise doc.fail((), f"expected a mapping of groups ({', '.join(GROUPS)}) to causes")
    causes: list[Cause] = []
    for group, items in data.items():
        if group not in GROUPS:
            hint = _did_you_mean(str(group), GROUPS)
            raise doc.fail((group,), f"unknown group '{group}'{hint}; expected {', '.join(GROUPS)}")
        if not isinstance(items, list):
            raise doc.fail((group,), "expected a list of causes")
        for index, raw in enumerate(items):
            cause = _parse_cause(doc, group, index, raw)
            if any(c.id == cause.id for c in causes):
                raise doc.fail((group, index, "id"), f"cause '{cause.id}': duplicate id")
            causes.append(cause)
    return Taxonomy(tuple(causes))


# -- mapping -------------------------------------------------------------------------------


def _weighted_vectors(
    parts: list[dict[str, list[str]]], weights: dict[str, float], embedder: Embedder
) -> np.ndarray:
    """Embed every text once; return one unit vector per item (weighted mean of part means)."""
    texts = sorted({t for item in parts for texts in item.values() for t in texts})
    if not texts:
        return np.zeros((len(parts), 1), dtype=np.float64)
    emb = np.asarray(embedder.embed(texts), dtype=np.float64)
    row = {t: i for i, t in enumerate(texts)}
    out = np.zeros((len(parts), emb.shape[1]))
    for i, item in enumerate(parts):
        for part, part_texts in item.items():
            if part_texts:
                out[i] += weights[part] * emb[[row[t] for t in part_texts]].mean(axis=0)
    return unit_rows(out)


def _examples(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [str(v) for v in value if str(v).strip()]


def _theme_parts(row: pd.Series) -> dict[str, list[str]]:
    keywords = str(row.get("keywords") or "").strip()
    # The keyword label, as before readable names (rca.themes.naming): same causes, same figures.
    old = row.get("keyword_label")
    label = str(old if isinstance(old, str) and old else row.get("theme_label") or "").strip()
    return {
        "label": [label] if label and label not in ("Unlabelled", "Unassigned") else [],
        "keywords": [keywords] if keywords else [],
        "examples": _examples(row.get("examples")),
    }


def map_causes(
    theme_info: pd.DataFrame,
    embedder: Embedder,
    taxonomy: Taxonomy,
    *,
    min_similarity: float = 0.35,
) -> pd.DataFrame:
    """Give each theme the root cause it resembles most.

    Method: each cause is the unit-normalised weighted mean of the embeddings of its seed
    phrases (weight 0.7, the phrases averaged first), its name (0.15) and its description (0.15).
    Each theme is the unit-normalised weighted mean of the embeddings of its examples (0.6,
    averaged first), its keywords joined into one text (0.25) and its label (0.15); a part a theme
    lacks is left out. Themes are compared with causes by cosine similarity; the most similar
    cause is chosen when its similarity is at least ``min_similarity``, otherwise the theme is
    ``"unmapped"``. Ties go to the cause listed first in the taxonomy. The result depends only on
    the inputs (the embedder is called on sorted unique texts).

    Parameters
    ----------
    theme_info
        ``ThemeModel.theme_info_``: ``theme_id``, ``theme_label``, ``keywords`` (comma-separated
        text) and ``examples`` (list of texts). The ``-1`` row (unassigned) is skipped.
    embedder
        Any `rca.themes.embedders.Embedder`; use the one the themes were fitted with.
    taxonomy
        Causes from `load_taxonomy`.
    min_similarity
        Lowest cosine similarity accepted for a cause, in ``[-1, 1]``.

    Returns
    -------
    DataFrame
        One row per theme, in ``theme_info`` order, with `CAUSE_COLUMNS`: ``theme_id``;
        ``root_cause`` (cause id or ``"unmapped"``); ``cause_group`` and ``cause_name`` (empty
        when unmapped); ``similarity`` (cosine to ``nearest_cause``); ``nearest_cause`` (the most
        similar cause, even below the threshold); ``runner_up`` (the second most similar cause);
        ``margin`` (similarity of the nearest minus that of the runner-up).
    """
    if not -1.0 <= min_similarity <= 1.0:
        raise ParameterError(f"min_similarity must be between -1 and 1, got {min_similarity}")
    if not len(taxonomy):
        raise ParameterError("the taxonomy has no causes")
    rows = theme_info[theme_info["theme_id"] != -1]
    if rows.empty:
        return pd.DataFrame(columns=list(CAUSE_COLUMNS))
    cause_parts = [
        {"seed_phrases": list(c.seed_phrases), "name": [c.name], "description": [c.description]}
        for c in taxonomy
    ]
    cause_vec = _weighted_vectors(cause_parts, _CAUSE_WEIGHTS, embedder)
    theme_parts = [_theme_parts(r) for _, r in rows.iterrows()]
    theme_vec = _weighted_vectors(theme_parts, _THEME_WEIGHTS, embedder)
    sims = theme_vec @ cause_vec.T
    order = np.argsort(-sims, axis=1, kind="stable")
    causes = taxonomy.causes
    out = []
    for i, theme_id in enumerate(rows["theme_id"].astype(int)):
        best, second = order[i, 0], (order[i, 1] if len(causes) > 1 else None)
        sim = float(sims[i, best])
        mapped = sim >= min_similarity
        out.append(
            {
                "theme_id": theme_id,
                "root_cause": causes[best].id if mapped else UNMAPPED,
                "cause_group": causes[best].group if mapped else "",
                "cause_name": causes[best].name if mapped else "",
                "similarity": sim,
                "nearest_cause": causes[best].id,
                "runner_up": causes[second].id if second is not None else "",
                "margin": sim - float(sims[i, second]) if second is not None else float("nan"),
            }
        )
    return pd.DataFrame(out, columns=list(CAUSE_COLUMNS))
