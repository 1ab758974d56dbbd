"""A month's themes from the history store: a rolling window fitted, matched to the registry.

Each month's themes are fitted on the texts of the last `WINDOW_MONTHS` months up to the report
month, then matched to the theme registry as the previous month's run left it
(`rca.themes.registry.assign_registry` with `REGISTRY_RULE`, the owner rule): a theme that
continues a registry theme keeps its id, so ``theme_id`` means the same theme from one month to
the next. Texts of stored months before the window are assigned to the fitted themes
(`rca.themes.model.ThemeModel.transform`; their vectors come from the embedding cache), so trends
reach back over the whole history. Analysts' curation
is applied by registry id (``theme:<id>`` keys, and keyword keys tied to an id by an earlier run).
The registry's new state, its lineage and the curation links go back to the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from rca.store.registry_frames import RegistryMatch

if TYPE_CHECKING:
    from rca.store import Store
    from rca.themes.find import Themes
    from rca.themes.model import ThemeModel

__all__ = ["REGISTRY_RULE", "WINDOW_MONTHS", "RegistryThemes", "registry_themes", "window_months"]

#: Months of texts each month's themes are fitted on (the report month and the ones before).
WINDOW_MONTHS = 6

#: How a month's fit is matched to the registry (`rca.themes.registry.assign_registry`).
#: "owner", not "month": the month rule has no churn on the sample but keeps the first month's
#: themes for good (32 broad themes where a window fit finds ~70; on CFPB no theme is ever new),
#: and whether it still lets a new issue form a theme of its own is not measured yet; it stays
#: available (``"month"``) and is measured beside this one by benchmarks/identity.py.
REGISTRY_RULE = "owner"


@dataclass(frozen=True)
class RegistryThemes:
    """A kind's themes of the month, with registry ids.

    Attributes
    ----------
    themes
        The window's themes; ``theme_id`` in ``themes.theme_info`` is the registry id.
    match
        How the fit matched the registry (statuses and lineage of this month).
    window
        The months the themes were fitted on.
    n_earlier
        Texts of earlier months assigned to the themes.
    """

    themes: Themes
    match: RegistryMatch
    window: list[str]
    n_earlier: int


def window_months(months: Sequence[str], month: str, size: int = WINDOW_MONTHS) -> list[str]:
    """Return the last ``size`` of ``months`` up to and including ``month``."""
    if size < 1:
        from rca.core.errors import ParameterError

        raise ParameterError(f"window: expected 1 month or more, got {size}")
    return sorted(m for m in set(months) if m <= month)[-size:]


def _merged_into(info: pd.DataFrame) -> dict[int, int]:
    """Return theme id -> the id it was merged into by the curation (from ``merged_from``)."""
    if "merged_from" not in info:
        return {}
    into: dict[int, int] = {}
    for target, parts in zip(info["theme_id"], info["merged_from"], strict=True):
        for part in parts if isinstance(parts, list | tuple | np.ndarray) else []:
            into[int(part)] = int(target)
    return into


def _with_registry_rows(
    themes: Themes, match: RegistryMatch, members: pd.Series, n: int
) -> pd.DataFrame:
    """Return ``theme_info`` with a row for every registry theme holding texts of the window.

    With the month rule a registry theme keeps its texts even when the refit gave none of its
    fitted themes its id: its row then has its registry label and keywords, and the root cause
    of the theme holding most of its texts in the fit.
    """
    info = themes.theme_info
    ids = members.fillna(-1).astype("int64").to_numpy()
    missing = sorted(set(ids.tolist()) - set(info["theme_id"].astype(int)) - {-1})
    if not missing or len(ids) != n:
        return info
    snap = match.themes.set_index("registry_id")
    shown = np.asarray([themes.ids.get(int(t), -1) for t in themes.model.themes_])
    rows = []
    for r in missing:
        held = pd.Series(shown[ids == r])
        held = held[held.isin(info["theme_id"])]
        if held.empty:
            continue
        row = info.loc[info["theme_id"] == int(held.mode().iloc[0])].iloc[0].copy()
        row["theme_id"], row["size"] = r, int((ids == r).sum())
        if r in snap.index:
            row["theme_label"] = str(snap.at[r, "label"])
            words = [w for w in str(snap.at[r, "keywords"]).split(", ") if w]
            # the same kind of value as the table's other rows (a list, or a joined string)
            row["keywords"] = ", ".join(words) if isinstance(row["keywords"], str) else words
            if "keyword_label" in row:
                row["keyword_label"] = str(snap.at[r, "keywords"])
        rows.append(row)
    if not rows:
        return info
    return pd.concat([info, pd.DataFrame(rows)], ignore_index=True)


def registry_themes(
    store: Store,
    kind: str,
    df: pd.DataFrame,
    column: str,
    row_months: pd.Series,
    month: str,
    *,
    window: int = WINDOW_MONTHS,
    embedder: str = "auto",
    n_themes: int | str = "auto",
    seed: int = 0,
    curation: Path | None = None,
    languages: pd.Series | None = None,
) -> RegistryThemes:
    """Theme ``df[column]`` for ``month`` with registry ids; add the theme columns in place.

    Parameters
    ----------
    store
        The history store (read: the registry before ``month`` and curation links; written:
        the registry after it).
    kind
        ``"audits"`` or ``"feedback"``: each has its own registry.
    df
        Every stored row of ``kind`` up to ``month``; gains ``theme_id`` (registry id, ``-1``
        unassigned), ``theme_label``, ``root_cause``, ``confidence`` (NA where no text).
    column
        The text column.
    row_months
        Each row's month (``YYYY-MM``), aligned on ``df``.
    month
        The report month.
    window
        Months fitted (`window_months`).
    embedder, n_themes, seed
        Theme model settings (`rca.themes.find.find_themes`).
    curation
        Analysts' curation YAML (applied when it exists).
    languages
        Each row's detected language (aligned on ``df``), or None.

    Returns
    -------
    RegistryThemes
    """
    from rca.text.keys import text_keys
    from rca.themes.curation_file import registry_id_of
    from rca.themes.distributed import assign
    from rca.themes.find import Themes, find_themes
    from rca.themes.languages import center_languages, resolve_embedder
    from rca.themes.registry import assign_registry

    texts = df[column].fillna("").astype(str) if column in df else pd.Series("", index=df.index)
    has_text = (texts.str.strip().str.len() > 0).to_numpy()
    months = window_months(row_months[has_text].astype(str).tolist() or [month], month, window)
    in_window = has_text & row_months.astype(str).isin(months).to_numpy()
    earlier = has_text & ~in_window
    window_texts = texts[in_window].tolist()
    keys = text_keys(window_texts)
    window_of = row_months[in_window].astype(str).tolist()
    previous = store.registry_before(kind, month)
    links = store.curation_links(kind) if curation is not None else {}
    captured: dict[str, object] = {}

    langs = None if languages is None else languages[in_window].astype(str).tolist()
    # embedded once: the fit and the registry's month rule use the same vectors
    model_embedder, _, langs = resolve_embedder(embedder, window_texts, langs)
    embeddings = model_embedder.embed(window_texts) if window_texts else None

    def relabel(model: ThemeModel) -> dict[int, int]:
        fitted = Themes(model.themes_, model.confidence_, model.theme_info_, model)
        vectors = None
        if embeddings is not None and REGISTRY_RULE == "month":  # centred as the model saw them
            vectors = center_languages(model.embedder_, embeddings, window_texts, langs,
                                       means=model.language_means_)[0]  # fmt: skip
        match, members = assign_registry(fitted, keys, previous, month, rule=REGISTRY_RULE,
                                         vectors=vectors, months=window_of)  # fmt: skip
        captured.update(match=match, members=members)
        return dict(match.ids)

    themes = find_themes(
        window_texts, embedder=embedder, n_themes=n_themes, seed=seed,
        curation=curation if curation is not None and curation.exists() else None,
        languages=langs, relabel=relabel, links=links, embeddings=embeddings,
    )  # fmt: skip
    match, members = captured["match"], captured["members"]
    assert isinstance(match, RegistryMatch) and isinstance(members, pd.Series)
    themes.theme_info = _with_registry_rows(themes, match, members.reindex(keys), len(keys))
    into = _merged_into(themes.theme_info)
    info = themes.theme_info.set_index("theme_id")

    def shown(ids: Sequence[int], confidence: np.ndarray, index: pd.Index) -> pd.DataFrame:
        final = [into.get(int(t), int(t)) for t in ids]  # the curation's merges
        return pd.DataFrame(
            {
                "theme_id": final,
                "theme_label": [info["theme_label"].get(t, "Unassigned") for t in final],
                "root_cause": [info["root_cause"].get(t, "unassigned") for t in final],
                "confidence": np.round(confidence, 4),
            },
            index=index,
        )

    # a text of the window takes its registry membership: the fit's theme, or the registry id
    # it already had while that theme continues (`rca.themes.registry.assign_registry`)
    kept = members.reindex(keys).fillna(-1).astype(int).tolist()
    assigned = shown(kept, np.asarray(themes.confidence, dtype=float), df.index[in_window])
    if earlier.any():
        # on the Dask cluster's workers in chunks when one is active (rca batch --workers)
        fitted, confidence = assign(themes.model, texts[earlier].tolist())
        older = [themes.ids.get(int(t), -1) for t in fitted]
        assigned = pd.concat([assigned, shown(older, confidence, df.index[earlier])])
        assigned = assigned.loc[df.index[has_text]]
    df["theme_id"] = assigned["theme_id"].astype("Int64").reindex(df.index)
    for col in ("theme_label", "root_cause", "confidence"):
        df[col] = assigned[col].reindex(df.index)
    window_members = pd.DataFrame(
        {"text_key": members.index.astype(str), "registry_id": members.to_numpy(dtype="int64")}
    )
    store.write_registry(kind, month, match, window_members)
    linked = {k: v for k, v in themes.curation_matches.items() if registry_id_of(k) is None}
    if linked:
        store.link_curation(kind, linked, month)
    return RegistryThemes(themes, match, months, int(earlier.sum()))
