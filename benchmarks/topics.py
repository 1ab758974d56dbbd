"""Topic quality and speed: our pipeline per embedding backend vs plain BERTopic, one run.

Corpora (read from ../shared/data, never copied): Banking77 (all 13,083 queries, 77 intents) and
the CFPB complaint narratives (label = Issue). For each corpus and pipeline it records embed and
fit seconds, peak memory above the starting RSS, topic count, unassigned share, NMI / ARI over all
texts (unassigned counted as one cluster), NMI on assigned texts, NPMI coherence and topic
diversity of the top-10 words. The peer is ``BERTopic(embedding_model=<packaged MiniLM>)`` with
defaults, fitted on the same MiniLM vectors, with and without ``reduce_outliers``.

    .venv/bin/python benchmarks/topics.py [--corpus banking77 cfpb] [--backends minilm static tfidf]
        [--seeds 0 1 2]

Writes benchmarks/results/topics.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results" / "topics.json"


def load_corpus(
    name: str, splits: tuple[str, ...] = ("train", "test")
) -> tuple[list[str], np.ndarray]:
    """Texts and labels of ``banking77`` (the given ``splits``) or ``cfpb`` (label = Issue)."""
    if name == "banking77":
        parts = [pd.read_csv(DATA / "banking77" / f"{split}.csv") for split in splits]
        df = pd.concat(parts, ignore_index=True)
        return df["text"].astype(str).tolist(), df["category"].to_numpy()
    if name == "cfpb":
        df = pd.read_csv(DATA / "cfpb_complaints" / "narratives_only.csv")
        text_col = next(c for c in df.columns if "narrative" in c.lower())
        df = df[df[text_col].notna() & df["Issue"].notna()]
        return df[text_col].astype(str).tolist(), df["Issue"].to_numpy()
    raise SystemExit(f"unknown corpus {name}")


@contextmanager
def peak_rss() -> Iterator[dict[str, float]]:
    """Sample this process's RSS every 20 ms; yield a dict that gets ``peak_mb`` above start."""
    proc = psutil.Process()
    start = proc.memory_info().rss
    out = {"peak_mb": 0.0}
    stop = threading.Event()

    def sample() -> None:
        peak = start
        while not stop.is_set():
            peak = max(peak, proc.memory_info().rss)
            stop.wait(0.02)
        out["peak_mb"] = (peak - start) / 2**20

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield out
    finally:
        stop.set()
        thread.join()


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t


def coherence_and_diversity(
    texts: list[str], topic_words: list[list[str]], analyzer: CountVectorizer, top: int = 10
) -> tuple[float, float]:
    """Mean NPMI of word pairs within each topic's top words (document co-occurrence in the
    corpus itself), and the share of unique words among all topics' top words.

    ``analyzer`` must be the pipeline's own vectorizer settings (stop words, token pattern,
    n-grams): a keyword such as "verify identity" exists only after its stop words are removed.
    """
    words = [w[:top] for w in topic_words if w]
    if not words:
        return float("nan"), float("nan")
    vocab = sorted({w for ws in words for w in ws})
    params = analyzer.get_params()
    params.update(vocabulary=vocab, binary=True, min_df=1, max_df=1.0, max_features=None)
    cv = CountVectorizer(**params)
    x = cv.fit_transform(texts).tocsc().astype(np.float64)
    n = x.shape[0]
    index = {w: i for i, w in enumerate(vocab)}
    p = np.asarray(x.sum(axis=0)).ravel() / n
    scores = []
    for ws in words:
        ids = [index[w] for w in ws]
        sub = x[:, ids]
        joint = (sub.T @ sub).toarray() / n
        vals = []
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                pij = joint[i, j]
                if pij <= 0 or p[ids[i]] <= 0 or p[ids[j]] <= 0:
                    vals.append(-1.0)
                elif pij >= 1:
                    vals.append(1.0)
                else:
                    vals.append(np.log(pij / (p[ids[i]] * p[ids[j]])) / -np.log(pij))
        if vals:
            scores.append(float(np.mean(vals)))
    diversity = len({w for ws in words for w in ws}) / (top * len(words))
    return float(np.mean(scores)), float(diversity)


def scores(labels: np.ndarray, topics: np.ndarray) -> dict[str, float]:
    assigned = topics != -1
    return {
        "topics": len(set(topics.tolist()) - {-1}),
        "outlier_share": float(np.mean(~assigned)),
        "nmi": float(normalized_mutual_info_score(labels, topics)),
        "ari": float(adjusted_rand_score(labels, topics)),
        "nmi_assigned": float(normalized_mutual_info_score(labels[assigned], topics[assigned]))
        if assigned.any()
        else float("nan"),
    }


def run_ours(
    texts: list[str], labels: np.ndarray, backend: str, seeds: list[int]
) -> dict[str, Any]:
    """Time and score the pipeline with ``seeds[0]``; refit with the other seeds (same vectors,
    untimed) to show how much NMI and ARI move with the seed alone."""
    from rca.themes.embedders import get_embedder
    from rca.themes.model import ThemeModel

    embedder = get_embedder(backend, cache=False)
    if backend == "static":  # distil (or load) outside the timing: a warm cache is the target
        embedder.embed(["warm up"])
    with peak_rss() as mem:
        emb, embed_s = timed(lambda: embedder.embed(texts))
        model = ThemeModel(embedder=embedder, random_state=seeds[0])
        _, fit_s = timed(lambda: model.fit(texts, embeddings=emb))
    info = model.theme_info_[model.theme_info_["theme_id"] != -1]
    words = [k.split(", ") for k in info["keywords"]]
    npmi, div = coherence_and_diversity(texts, words, model.bertopic_.vectorizer_model)
    by_seed = [scores(labels, model.themes_)]
    for seed in seeds[1:]:
        refit = ThemeModel(embedder=embedder, random_state=seed).fit(texts, embeddings=emb)
        by_seed.append(scores(labels, refit.themes_))
    return {
        "pipeline": f"rca:{backend}",
        "embed_s": embed_s,
        "fit_s": fit_s,
        "peak_mb": mem["peak_mb"],
        "outlier_share_before_reduction": model.outlier_share_raw_,
        **by_seed[0],
        "npmi": npmi,
        "diversity": div,
        "seeds": seeds,
        **{f"{k}_by_seed": [r[k] for r in by_seed] for k in ("nmi", "ari", "topics")},
        "_embeddings": emb if backend == "minilm" else None,
    }


def run_peer(
    texts: list[str], labels: np.ndarray, emb: np.ndarray, embed_s: float
) -> list[dict[str, Any]]:
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    from rca.themes.vectors import minilm_path

    model = BERTopic(embedding_model=SentenceTransformer(str(minilm_path()), device="cpu"))
    with peak_rss() as mem:
        (topics, _), fit_s = timed(lambda: model.fit_transform(texts, embeddings=emb))
    topics = np.asarray(topics)
    words = [[w for w, _ in model.get_topic(t)] for t in sorted(set(topics.tolist()) - {-1})]
    npmi, div = coherence_and_diversity(texts, words, model.vectorizer_model)
    base = {"embed_s": embed_s, "fit_s": fit_s, "peak_mb": mem["peak_mb"]}
    rows = [{"pipeline": "peer:bertopic-defaults", **base, **scores(labels, topics),
             "npmi": npmi, "diversity": div}]  # fmt: skip
    if (topics == -1).any():  # the peer's UMAP is unseeded: some runs leave no outliers
        reduced, red_s = timed(lambda: np.asarray(model.reduce_outliers(texts, topics)))
    else:
        reduced, red_s = topics, 0.0
    rows.append(
        {"pipeline": "peer:bertopic-defaults+reduce_outliers", **base, "fit_s": fit_s + red_s,
         **scores(labels, reduced), "npmi": npmi, "diversity": div}
    )  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", default=["banking77", "cfpb"])
    parser.add_argument("--backends", nargs="+", default=["minilm", "static", "tfidf"])
    parser.add_argument(
        "--seeds", type=int, nargs="+", default=[0, 1, 2],
        help="the first is timed and fills the table; the others show the spread from the seed",
    )  # fmt: skip
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    # numba compiles UMAP/HDBSCAN kernels once per process: time that separately, so that no
    # pipeline below is charged for it (a batch run pays it once, as here).
    from rca.themes.clustering import warm_up

    warmup_s = warm_up()
    print(f"numba warm-up (once per process): {warmup_s:.1f} s", flush=True)
    rows: list[dict[str, Any]] = []
    for corpus in args.corpus:
        texts, labels = load_corpus(corpus)
        print(f"== {corpus}: {len(texts):,} texts, {len(set(labels))} labels", flush=True)
        minilm: dict[str, Any] | None = None
        for backend in args.backends:
            row = run_ours(texts, labels, backend, args.seeds)
            if backend == "minilm":
                minilm = row
            rows.append({"corpus": corpus, "n_texts": len(texts), "n_labels": len(set(labels)),
                         **{k: v for k, v in row.items() if not k.startswith("_")}})  # fmt: skip
            print(json.dumps(rows[-1]), flush=True)
        if not args.no_peer:
            if minilm is None:
                from rca.themes.embedders import get_embedder

                minilm_embedder = get_embedder("minilm", cache=False)
                emb, embed_s = timed(lambda t=texts, e=minilm_embedder: e.embed(t))
            else:
                emb, embed_s = minilm["_embeddings"], minilm["embed_s"]
            for row in run_peer(texts, labels, emb, embed_s):
                rows.append({"corpus": corpus, "n_texts": len(texts),
                             "n_labels": len(set(labels)), **row})  # fmt: skip
                print(json.dumps(rows[-1]), flush=True)

    argv = [
        "--corpus",
        *args.corpus,
        "--backends",
        *args.backends,
        "--seeds",
        *map(str, args.seeds),
    ]
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "seeds": args.seeds,
        "numba_warmup_s": warmup_s,
        "command": "python benchmarks/topics.py " + " ".join(argv),
        "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(markdown_table(rows))


def markdown_table(rows: list[dict[str, Any]]) -> str:
    head = ("| corpus | pipeline | embed s | fit s | peak MB | topics | unassigned | NMI | ARI "
            "| NMI assigned | NPMI | diversity | NMI over seeds | ARI over seeds |")  # fmt: skip
    lines = [head, "|" + "---|" * 14]
    for r in rows:
        lines.append(
            f"| {r['corpus']} | {r['pipeline']} | {r['embed_s']:.1f} | {r['fit_s']:.1f} "
            f"| {r['peak_mb']:.0f} | {r['topics']} | {r['outlier_share']:.1%} | {r['nmi']:.3f} "
            f"| {r['ari']:.3f} | {r['nmi_assigned']:.3f} | {r['npmi']:.3f} | {r['diversity']:.2f} "
            f"| {spread(r.get('nmi_by_seed'))} | {spread(r.get('ari_by_seed'))} |"
        )
    return "\n".join(lines)


def spread(values: list[float] | None) -> str:
    """``mean ± sd (min-max)`` of a per-seed score, or a dash for an unseeded pipeline."""
    if not values or len(values) < 2:
        return "–"
    v = np.asarray(values)
    return f"{v.mean():.3f} ± {v.std(ddof=1):.3f} ({v.min():.3f}–{v.max():.3f})"


if __name__ == "__main__":
    main()
