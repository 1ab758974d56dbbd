"""Static embedding variants: do other distillation settings give `static` better themes?

Distils the packaged all-MiniLM-L6-v2 with model2vec under each setting (kept in the rca cache,
``models/variant-*``; about 20 s each the first time), embeds Banking77 and the CFPB narratives,
fits the default `ThemeModel` on each and scores the themes against the labels as
``benchmarks/topics.py`` does. "remove_pc" removes the first principal direction of the corpus'
vectors before the fit (the common component of averaged word vectors, Arora et al. 2017).

    .venv/bin/python benchmarks/static_variants.py [--seeds 0 1 2]

Writes benchmarks/results/static_variants.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from topics import load_corpus, scores

from rca.core.paths import cache_dir
from rca.themes.model import ThemeModel
from rca.themes.static_embedder import distill_model, distilled_model_dir
from rca.themes.vectors import unit_rows

RESULTS = Path(__file__).resolve().parent / "results" / "static_variants.json"

#: name -> (model2vec.distill keyword arguments, principal directions removed after embedding)
VARIANTS: dict[str, tuple[dict[str, Any], int]] = {
    "shipped: pca 256, sif 1e-4, float16": ({}, 0),
    "no PCA (384 dims)": ({"pca_dims": None}, 0),
    "sif 1e-3": ({"sif_coefficient": 1e-3}, 0),
    "sif 1e-5": ({"sif_coefficient": 1e-5}, 0),
    "float32 vectors": ({"quantize_to": "float32"}, 0),
    "first principal direction removed": ({}, 1),
    "no PCA, first principal direction removed": ({"pca_dims": None}, 1),
}


def model_dir(kwargs: dict[str, Any]) -> Path:
    """Distil (once) and return the model directory for these distillation settings."""
    if not kwargs:
        from rca.themes.static_embedder import StaticEmbedder

        StaticEmbedder().embed(["warm up"])  # the shipped settings: distilled as users get it
        return distilled_model_dir()
    slug = "-".join(f"{k}{v}" for k, v in sorted(kwargs.items()))
    target = cache_dir() / "models" / f"variant-{slug}"
    if not (target / "config.json").exists():
        distill_model(target, **kwargs)
    return target


def embed(directory: Path, texts: list[str], remove_pc: int) -> np.ndarray:
    from model2vec import StaticModel

    vectors = StaticModel.from_pretrained(str(directory)).encode(texts, show_progress_bar=False)
    vectors = np.asarray(vectors, dtype=np.float32)
    if remove_pc:
        _, _, vt = np.linalg.svd(vectors, full_matrices=False)
        vectors = vectors - (vectors @ vt[:remove_pc].T) @ vt[:remove_pc]
    return unit_rows(vectors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", default=["banking77", "cfpb"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    corpora = {name: load_corpus(name) for name in args.corpus}
    rows: list[dict[str, Any]] = []
    for variant, (kwargs, remove_pc) in VARIANTS.items():
        directory = model_dir(kwargs)
        for corpus, (texts, labels) in corpora.items():
            vectors = embed(directory, texts, remove_pc)
            for seed in args.seeds:
                start = time.perf_counter()
                model = ThemeModel(embedder="fake", random_state=seed).fit(texts, vectors)
                rows.append({"variant": variant, "corpus": corpus, "seed": seed,
                             "fit_s": time.perf_counter() - start,
                             **scores(labels, model.themes_)})  # fmt: skip
                print(json.dumps(rows[-1]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    argv = ["--corpus", *args.corpus, "--seeds", *map(str, args.seeds)]
    args.out.write_text(json.dumps(
        {"command": "python benchmarks/static_variants.py " + " ".join(argv), "rows": rows},
        indent=2,
    ))  # fmt: skip
    print(markdown_table(rows))


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """One line per variant: mean NMI / ARI over seeds and largest unassigned share, per corpus."""
    corpora = list(dict.fromkeys(r["corpus"] for r in rows))
    head = "| variant | " + " | ".join(f"{c} NMI | {c} ARI | {c} unassigned" for c in corpora)
    lines = [head + " |", "|---|" + "---|" * (3 * len(corpora))]
    for variant in dict.fromkeys(r["variant"] for r in rows):
        cells = []
        for c in corpora:
            sel = [r for r in rows if r["variant"] == variant and r["corpus"] == c]
            cells += [f"{np.mean([r['nmi'] for r in sel]):.3f}",
                      f"{np.mean([r['ari'] for r in sel]):.3f}",
                      f"{max(r['outlier_share'] for r in sel):.1%}"]  # fmt: skip
        lines.append(f"| {variant} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
