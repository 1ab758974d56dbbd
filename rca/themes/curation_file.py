"""Curation files: analysts' renames, merges and root-cause pins of themes, kept across runs.

Theme ids change whenever themes are refitted, so a curation file names a theme by its *theme
key* (`theme_key`): its top five keywords, sorted and joined with ", " (``"id, macro, old,
outdated, template"``), which analysts can read and edit. ``_HEADER`` shows the format.
`load_curation` reads a file strictly (`rca.core.yamlfile`), `save_curation` writes one back,
`rename`, `merge` and `pin` edit a `Curation`; `rca.themes.curation` matches keys to the current
themes and applies the decisions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from rca.core.errors import ParameterError
from rca.core.yamlfile import YamlFile, read_yaml

__all__ = [
    "REGISTRY_PREFIX",
    "Curation",
    "keyword_terms",
    "load_curation",
    "merge",
    "normalise_key",
    "pin",
    "registry_id_of",
    "registry_key",
    "rename",
    "save_curation",
    "theme_key",
    "theme_terms",
]

_SECTIONS = ("renames", "merges", "pins", "signatures")
#: Prefix of a curation key that names a registry theme by its id (`registry_key`).
REGISTRY_PREFIX = "theme:"
_KEY_SIZE = 5
_HEADER = """\
# rca curation: applied on every run of this analysis, so the monthly batch uses analysts' names.
# Themes are named by their key: top five keywords, sorted, joined with ", " (topic ids change
# between runs, keys much less). A key matches the current theme that has most of its keywords
# (3 of 5 at least); entries that match nothing are listed as warnings, never dropped silently.
#   renames:     {"<theme key>": "Outdated ID-verification macro"}
#   merges:      [["<theme key>", "<theme key>"]]         # merged into the first
#   pins:        {"<theme key>": "process.outdated_macro"}  # force a root cause (an id from
#                                                           # parameters/root_causes.yaml)
#   signatures:  written by rca (theme centroids, to match after keyword drift); safe to delete
"""


@dataclass(frozen=True)
class Curation:
    """Analysts' decisions about themes, keyed by `theme_key` (see the module docstring).

    Attributes
    ----------
    renames
        Theme key -> name to show.
    merges
        Groups of theme keys; each group is merged into its first key's theme.
    pins
        Theme key -> root-cause id forced on that theme.
    signatures
        Theme key -> centroid direction (written by
        `rca.themes.curation.record_signatures`).
    """

    renames: Mapping[str, str] = field(default_factory=dict)
    merges: tuple[tuple[str, ...], ...] = ()
    pins: Mapping[str, str] = field(default_factory=dict)
    signatures: Mapping[str, tuple[float, ...]] = field(default_factory=dict)

    def keys(self) -> list[str]:
        """Every theme key named by renames, merges and pins, first mention first."""
        return list(
            dict.fromkeys([*self.renames, *(k for g in self.merges for k in g), *self.pins])
        )


# -- keys ------------------------------------------------------------------------------------


def keyword_terms(text: object) -> list[str]:
    """Return the comma-separated keywords of ``text``, lower case, de-duplicated, in order."""
    words = (w.strip().lower() for w in str(text or "").split(","))
    return list(dict.fromkeys(w for w in words if w))


def normalise_key(key: str) -> str:
    """Return ``key`` as `theme_key` writes it: lower case, de-duplicated, sorted, ", "-joined."""
    return ", ".join(sorted(keyword_terms(key)))


def registry_key(registry_id: int) -> str:
    """Return the curation key naming registry theme ``registry_id`` (``"theme:12"``).

    A theme registry (`rca.themes.registry`) gives each theme an id that lasts across months;
    a curation entry under this key follows that theme however its keywords drift.
    """
    return f"{REGISTRY_PREFIX}{int(registry_id)}"


def registry_id_of(key: str) -> int | None:
    """Return the registry id a curation key names (``"theme:12"`` -> 12), or None."""
    match = re.fullmatch(rf"{REGISTRY_PREFIX}(\d+)", key.strip().lower())
    return int(match.group(1)) if match else None


def theme_terms(row: Mapping[str, Any] | pd.Series) -> list[str]:
    """Return a theme's keywords (best first), or its lower-cased label when it has none."""
    return keyword_terms(row.get("keywords")) or [str(row.get("theme_label") or "").strip().lower()]


def theme_key(row: Mapping[str, Any] | pd.Series) -> str:
    """Return the stable, readable key of a theme.

    Parameters
    ----------
    row
        A ``theme_info`` row: its ``keywords`` (comma-separated, best first) are used, or its
        ``theme_label`` for a theme without keywords.

    Returns
    -------
    str
        The top five keywords, sorted and joined with ", ".
    """
    return ", ".join(sorted(theme_terms(row)[:_KEY_SIZE]))


def _edit_key(key: str) -> str:
    if not normalise_key(key):
        raise ParameterError(f"theme key {key!r} is empty; use theme_key(row)")
    return normalise_key(key)


def _is_cause_id(value: str) -> bool:
    group, _, name = value.partition(".")
    return bool(group and name) and " " not in value


# -- file ------------------------------------------------------------------------------------


def _keyed(
    doc: YamlFile, section: str, raw: Any, check: Callable[[Any], tuple[Any, str]]
) -> dict[str, Any]:
    """Normalise the keys of a ``{theme key: value}`` section and check each value."""
    if not isinstance(raw, dict):
        raise doc.fail((section,), "expected a mapping of theme key to value")
    out: dict[str, Any] = {}
    for k, v in raw.items():
        key = normalise_key(k) if isinstance(k, str) else ""
        if not key or key in out:
            what = "is given twice" if key else "must be keywords separated by commas"
            raise doc.fail((section, k), f"theme key {k!r} {what}")
        value, problem = check(v)
        if problem:
            raise doc.fail((section, k), problem)
        out[key] = value
    return out


def _text(v: Any) -> tuple[Any, str]:
    ok = isinstance(v, str) and v.strip()
    return (v.strip(), "") if ok else (v, f"expected non-empty text, got {v!r}")


def _cause(v: Any) -> tuple[Any, str]:
    ok = isinstance(v, str) and _is_cause_id(v.strip())
    return (v.strip(), "") if ok else (v, f"{v!r} is not a cause id like process.outdated_macro")


def _vector(v: Any) -> tuple[Any, str]:
    ok = isinstance(v, list) and v and all(isinstance(x, int | float) for x in v)
    return (tuple(map(float, v)), "") if ok else (v, "expected a list of numbers")


def _merges(doc: YamlFile, raw: Any) -> tuple[tuple[str, ...], ...]:
    if not isinstance(raw, list):
        raise doc.fail(("merges",), "expected a list of lists of theme keys")
    groups: list[tuple[str, ...]] = []
    for i, g in enumerate(raw):
        keys = (
            [normalise_key(k) if isinstance(k, str) else "" for k in g]
            if isinstance(g, list)
            else []
        )
        if len(set(keys)) < 2 or "" in keys:
            raise doc.fail(("merges", i), f"{g!r} needs two or more different theme keys")
        twice = [j for j, k in enumerate(keys) if any(k in other for other in groups)]
        if twice:
            where = ("merges", i, twice[0])
            raise doc.fail(where, f"theme key '{keys[twice[0]]}' is in two merges")
        groups.append(tuple(dict.fromkeys(keys)))
    return tuple(groups)


def load_curation(path: str | Path) -> Curation:
    """Read a curation file; a missing or empty file is an empty `Curation`.

    Raises
    ------
    InputError
        One line naming the file, the line and the key (`rca.core.yamlfile`): bad YAML, a YAML
        key written twice, an unknown section, a malformed key or value, a theme key given twice,
        a merge of fewer than two keys, a key in two merges, a pin that is not a cause id.
    """
    path = Path(path)
    if not path.exists():
        return Curation()
    doc = read_yaml(path, what="curation file")
    data = doc.data
    if data is None:
        return Curation()
    if not isinstance(data, dict):
        raise doc.fail((), f"expected a mapping with sections {', '.join(_SECTIONS)}")
    doc.check_keys((), data, _SECTIONS)
    return Curation(
        renames=_keyed(doc, "renames", data.get("renames") or {}, _text),
        merges=_merges(doc, data.get("merges") or []),
        pins=_keyed(doc, "pins", data.get("pins") or {}, _cause),
        signatures=_keyed(doc, "signatures", data.get("signatures") or {}, _vector),
    )


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def save_curation(curation: Curation, path: str | Path) -> Path:
    """Write ``curation`` as commented YAML that `load_curation` reads back unchanged."""
    path = Path(path)
    sections = {
        "renames": [f"  {_q(k)}: {_q(v)}" for k, v in curation.renames.items()],
        "merges": [f"  - [{', '.join(map(_q, g))}]" for g in curation.merges],
        "pins": [f"  {_q(k)}: {_q(v)}" for k, v in curation.pins.items()],
        "signatures": [
            f"  {_q(k)}: [{', '.join(f'{x:.4f}' for x in v)}]"
            for k, v in curation.signatures.items()
        ],
    }
    lines = _HEADER.splitlines()
    for name, body in sections.items():
        empty = "[]" if name == "merges" else "{}"
        lines += [f"{name}:", *body] if body else [f"{name}: {empty}"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- editing (returns new values) -------------------------------------------------------------


def rename(curation: Curation, key: str, name: str) -> Curation:
    """Return a copy of ``curation`` that shows theme ``key`` as ``name``."""
    if not name.strip():
        raise ParameterError("rename: the new name is empty")
    return replace(curation, renames={**curation.renames, _edit_key(key): name.strip()})


def merge(curation: Curation, keys: Sequence[str]) -> Curation:
    """Return a copy of ``curation`` merging themes ``keys`` into the first one.

    Existing merges that share a key with ``keys`` are folded into the new one.
    """
    new = list(dict.fromkeys(_edit_key(k) for k in keys))
    if len(new) < 2:
        raise ParameterError("merge: give two or more different theme keys")
    kept = [g for g in curation.merges if not set(g) & set(new)]
    new += [k for g in curation.merges if set(g) & set(new) for k in g if k not in new]
    return replace(curation, merges=(*kept, tuple(dict.fromkeys(new))))


def pin(curation: Curation, key: str, cause_id: str) -> Curation:
    """Return a copy of ``curation`` forcing root cause ``cause_id`` on theme ``key``."""
    if not _is_cause_id(cause_id.strip()):
        raise ParameterError(f"pin: {cause_id!r} is not a cause id like 'process.outdated_macro'")
    return replace(curation, pins={**curation.pins, _edit_key(key): cause_id.strip()})
