"""Themes fitted on the months before the report month, for `recovery.py`'s ``--theme-fit earlier``.

The analysis fits its themes on every month's comments and then tests the report month's shares
on those same comments. To measure what that does to the false-alarm rate, this swaps the theme
step of `rca.analysis.prepare` for one that fits on the earlier months only and assigns the report
month's texts to those themes (`rca.themes.model.ThemeModel.transform`). No library hook exists
for this yet; the one wanted is a ``theme_fit="earlier"`` option of `prepare_workspace`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pandas as pd

__all__ = ["themes_fitted_on_earlier_months"]

#: Fewest texts of the earlier months worth fitting themes on (else the ordinary fit is used).
MIN_FIT_TEXTS = 50


@contextlib.contextmanager
def themes_fitted_on_earlier_months() -> Iterator[None]:
    """Fit audit and feedback themes on the months before the latest; assign its texts to them.

    Swaps `rca.analysis.prepare`'s theme step for the duration. Labellers' notes, which exist for
    the report month only, keep the ordinary fit; so does a curated run (curation renumbers
    themes after the fit, which ``transform`` does not know).
    """
    import rca.analysis.prepare as prepare
    from rca.themes.find import find_themes

    original = prepare._add_themes

    def earlier(df: pd.DataFrame, column: str, **kw: Any) -> Any:
        date = next((c for c in ("audit_date", "date") if c in df), None)
        texts = df[column].fillna("").astype(str) if column in df else None
        if date is None or texts is None or column == "note" or kw.get("curation"):
            return original(df, column, **kw)
        has_text = texts.str.strip().str.len() > 0
        month = pd.to_datetime(df[date]).dt.strftime("%Y-%m")
        last = month[has_text].max()
        fit, new = has_text & (month < last), has_text & (month == last)
        if fit.sum() < MIN_FIT_TEXTS:
            return original(df, column, **kw)
        langs = df.loc[fit, "language"].astype(str).tolist() if "language" in df else None
        themes = find_themes(texts[fit].tolist(), embedder=kw["embedder"],
                             n_themes=kw["n_themes"], seed=kw["seed"], languages=langs)  # fmt: skip
        ids, conf = themes.model.transform(texts[new].tolist())
        info = themes.theme_info.set_index("theme_id")
        assigned = pd.concat([
            themes.assignments().set_axis(df.index[fit]),
            pd.DataFrame({
                "theme_id": ids, "confidence": conf.round(4),
                "theme_label": [info["theme_label"].get(t, "Unassigned") for t in ids],
                "root_cause": [info["root_cause"].get(t, "unassigned") for t in ids],
            }, index=df.index[new]),
        ])  # fmt: skip
        df["theme_id"] = assigned["theme_id"].astype("Int64").reindex(df.index)
        for col in ("theme_label", "root_cause", "confidence"):
            df[col] = assigned[col].reindex(df.index)
        return themes

    prepare._add_themes = earlier  # type: ignore[assignment]
    try:
        yield
    finally:
        prepare._add_themes = original
