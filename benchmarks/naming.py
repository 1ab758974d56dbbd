"""Theme names: do they say what the theme is about? Keyword labels vs readable names.

On Banking77 (intents such as ``card_arrival``, ``lost_or_stolen_card``) each theme is given the
intent most of its texts have; a name *hits* when it contains a content word of that intent's
name. Content words are the parts of the intent split on ``_`` that are not English stop words
(scikit-learn's list). Words are compared by `stem`: lower case, one common English suffix
stripped (``-ations -ation -ings -ing -ied -ies -ed -es -al -s -e``, keeping at least 3
letters), then cut to 6 letters, so ``arrival`` / ``arrived`` / ``arrive`` all give ``arriv``
and ``card`` / ``cards`` give ``card``. The same rule scores the old name (``keyword_label``,
the top c-TF-IDF keywords joined) and the new one (``theme_label``, `rca.themes.naming`).

Naming options were tuned (``--tune``: a small grid, written to the results) on themes of
Banking77 ``train.csv`` only; the held-out figure is on themes fitted on ``test.csv`` (3,080
texts), reported next to the full corpus (train + test, 13,083 texts) and CFPB complaints
(label = Issue), which nobody tuned on. Also records the seconds naming adds to a fit (candidate
phrases embedded by MiniLM without cache, next to the seconds MiniLM takes for as many of the
corpus's texts, since the shared 2-core machine's load varies) and example names.

    .venv/bin/python benchmarks/naming.py [--corpus test full cfpb] [--seeds 0 1 2] [--tune]

Writes benchmarks/results/naming.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from topics import load_corpus

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "naming.json"
_SUFFIXES = ("ations", "ation", "ings", "ing", "ied", "ies", "ed", "es", "al", "s", "e")
GRID: dict[str, list[Any]] = {
    "ngram_range": [(1, 4), (2, 4)],
    "distinctness": [0.0, 0.25, 0.5, 1.0],
    "length_bonus": [0.05],
    "max_candidates": [10, 15, 20, 30],
}


def stem(word: str) -> str:
    """Lower case, one common suffix stripped (3 letters kept), first 6 letters."""
    w = word.lower()
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            break
    return w[:6]


def content_stems(intent: str) -> set[str]:
    """Stems of the content words of an intent name such as ``lost_or_stolen_card``."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = re.split(r"[_\s/,()-]+", intent.lower())
    return {stem(w) for w in words if w and w not in ENGLISH_STOP_WORDS}


def name_stems(name: str) -> set[str]:
    return {stem(w) for w in re.findall(r"[^\W_]+", str(name).lower())}


def load(corpus: str) -> tuple[list[str], np.ndarray]:
    if corpus in ("train", "test", "full"):
        splits = ("train", "test") if corpus == "full" else (corpus,)
        texts, labels = load_corpus("banking77", splits)
    else:
        texts, labels = load_corpus(corpus)
    return texts, labels.astype(str)


def hit_shares(info: pd.DataFrame, themes: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """Share of themes whose new / old name has a content word of the majority label."""
    rows = []
    for r in info[info["theme_id"] != -1].itertuples():
        major = Counter(labels[themes == r.theme_id].tolist()).most_common(1)[0][0]
        want = content_stems(major)
        rows.append(
            {
                "intent": major,
                "name": r.theme_label,
                "keyword_label": r.keyword_label,
                "new_hit": bool(want & name_stems(r.theme_label)),
                "old_hit": bool(want & name_stems(r.keyword_label)),
                "words": len(str(r.theme_label).split()),
            }
        )
    df = pd.DataFrame(rows)
    return {
        "n_themes": len(df),
        "new": round(float(df["new_hit"].mean()), 4),
        "old": round(float(df["old_hit"].mean()), 4),
        "words_2_to_5": round(float(df["words"].between(2, 5).mean()), 4),
        "rows": df,
    }


def fit(texts: list[str], seed: int) -> Any:
    from rca.themes.embedders import get_embedder
    from rca.themes.model import ThemeModel

    emb = get_embedder("minilm", show_progress=False)
    vectors = emb.embed(texts)
    return ThemeModel(embedder=emb, random_state=seed).fit(texts, embeddings=vectors), vectors


def rename(model: Any, texts: list[str], embedder: Any, **options: Any) -> pd.DataFrame:
    from rca.themes.naming import name_theme_info

    info = model.theme_info_.drop(columns=["keyword_label"])
    info["theme_label"] = model.theme_info_["keyword_label"]
    return name_theme_info(info, texts, model.themes_, model.centroids_, embedder, **options)


def tune(seed: int) -> dict[str, Any]:
    """Grid over naming options on Banking77 train.csv themes; returns every point, best first."""
    from rca.themes.embedders import get_embedder

    texts, labels = load("train")
    model, _ = fit(texts, seed)
    cached = get_embedder("minilm", show_progress=False)  # phrases cached across grid points
    points = []
    for values in itertools.product(*GRID.values()):
        options = dict(zip(GRID, values, strict=True))
        res = hit_shares(rename(model, texts, cached, **options), model.themes_, labels)
        points.append({**options, "share": res["new"], "words_2_to_5": res["words_2_to_5"]})
        print(options, res["new"], flush=True)
    points.sort(key=lambda p: -p["share"])
    return {"seed": seed, "n_texts": len(texts), "points": points}


def run(corpus: str, seed: int) -> dict[str, Any]:
    from rca.themes.embedders import SentenceTransformerEmbedder
    from rca.themes.naming import _candidate_phrases

    texts, labels = load(corpus)
    t0 = time.perf_counter()
    model, _ = fit(texts, seed)
    fit_s = time.perf_counter() - t0
    cold = SentenceTransformerEmbedder(show_progress=False)
    cold.embed(["warm up"])  # model loading is paid once by the fit, not by naming
    t0 = time.perf_counter()
    info = rename(model, texts, cold)
    naming_s = time.perf_counter() - t0
    res = hit_shares(info, model.themes_, labels)
    rows = res.pop("rows")
    phrases = {k for c in _candidate_phrases(texts, model.themes_).values() for k in c.keys}
    sample = texts[: len(phrases)]  # the same number of the corpus's own texts, for scale
    t0 = time.perf_counter()
    cold.embed(sample)
    sample_s = time.perf_counter() - t0
    examples = rows.sort_values("intent").head(15)
    return {
        "corpus": corpus,
        "seed": seed,
        "n_texts": len(texts),
        "fit_seconds": round(fit_s, 1),
        "naming_seconds": round(naming_s, 2),
        "candidate_phrases": len(phrases),
        "seconds_to_embed_as_many_texts": round(sample_s, 2),
        **res,
        "examples": examples[["intent", "name", "keyword_label"]].to_dict("records"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", nargs="*", default=["test", "full", "cfpb"])
    ap.add_argument("--seeds", nargs="+", type=int, default=[0])
    ap.add_argument("--tune", action="store_true", help="grid on train.csv first")
    args = ap.parse_args()
    out: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if args.tune:
        out["tuning"] = tune(args.seeds[0])
        RESULTS.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    runs = [run(c, s) for c in args.corpus for s in args.seeds]
    kept = [r for r in out.get("runs", []) if (r["corpus"], r["seed"]) not in
            {(x["corpus"], x["seed"]) for x in runs}]  # fmt: skip
    out["runs"] = sorted(kept + runs, key=lambda r: (r["corpus"], r["seed"]))
    out["metric"] = __doc__.split("\n\n")[1].replace("\n", " ")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(
        "| corpus | seed | texts | themes | old (keywords) | new (names) | 2-5 words | naming s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in out["runs"]:
        print(f"| {r['corpus']} | {r['seed']} | {r['n_texts']:,} | {r['n_themes']} "
              f"| {r['old']:.2f} | {r['new']:.2f} | {r['words_2_to_5']:.2f} "
              f"| {r['naming_seconds']:.1f} |")  # fmt: skip
    for r in runs[:1]:
        print(f"\nExamples ({r['corpus']}, seed {r['seed']}):\n")
        print("| intent | name | keyword label |\n|---|---|---|")
        for e in r["examples"]:
            print(f"| {e['intent']} | {e['name']} | {e['keyword_label']} |")


if __name__ == "__main__":
    main()
