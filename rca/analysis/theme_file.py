"""``rca themes``: themes for a text column of any supported file, written as two CSV files."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from rca.core.errors import InputError

__all__ = ["run_themes"]


def run_themes(
    file: str | Path,
    text_column: str,
    out: str | Path,
    *,
    embedder: str = "auto",
    n_themes: int | str = "auto",
    seed: int = 0,
    taxonomy: str | Path | None = None,
    curation: str | Path | None = None,
    log: Callable[[str], object] = lambda _m: None,
    progress: bool = True,
) -> str:
    """Read ``file``, find themes in ``text_column`` and write ``assignments.csv``/``themes.csv``.

    ``progress=False`` silences the progress bars of the long steps (they only show on a
    terminal anyway).

    Returns
    -------
    str
        A short summary for the terminal.
    """
    from rca.ingest.readers import read_table
    from rca.text.clean import clean_series
    from rca.text.redact import redact_series
    from rca.themes.find import find_themes

    start = time.perf_counter()
    df = read_table(file)
    if text_column not in df.columns:
        cols = ", ".join(repr(c) for c in list(df.columns)[:12])
        raise InputError(file, f"no column '{text_column}'; columns found: {cols}",
                         column=text_column)  # fmt: skip
    texts = redact_series(clean_series(df[text_column]))
    has_text = texts.str.strip().str.len() > 0
    log(f"{len(df):,} rows, {int(has_text.sum()):,} with text; embedding with {embedder}")
    themes = find_themes(
        texts[has_text].tolist(), embedder=embedder, n_themes=n_themes, seed=seed,
        taxonomy=taxonomy, curation=curation, progress=progress,
    )  # fmt: skip
    assigned = themes.assignments()
    assigned.index = np.flatnonzero(has_text.to_numpy())
    full = assigned.reindex(range(len(df)))
    rows = pd.DataFrame(
        {
            "row": df.index.to_numpy(),
            "theme_id": full["theme_id"].fillna(-1).astype(int).to_numpy(),
            "theme_label": full["theme_label"].fillna("No text").to_numpy(),
            "root_cause": full["root_cause"].fillna("").to_numpy(),
            "confidence": full["confidence"].fillna(0.0).to_numpy(),
        }
    )
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows.to_csv(out / "assignments.csv", index=False)
    info = themes.theme_info
    topics = info.assign(examples=info["examples"].map(lambda ex: " | ".join(ex[:3])))[
        ["theme_id", "theme_label", "size", "keywords", "root_cause", "cause_name",
         "cause_similarity", "examples"]
    ]  # fmt: skip
    topics.to_csv(out / "themes.csv", index=False)
    for line in themes.unmatched_curation:
        log(f"curation not applied: {line}")
    n_found = int((info["theme_id"] >= 0).sum())
    unassigned = float((themes.theme_ids == -1).mean()) if len(themes.theme_ids) else 0.0
    return (
        f"{n_found} themes ({themes.model.backend_} embedder), {unassigned:.1%} of texts "
        "unassigned, "
        f"{time.perf_counter() - start:.0f} s\n"
        f"wrote {out / 'assignments.csv'} ({len(rows):,} rows) and {out / 'themes.csv'}"
    )
