"""`rca topics` at 10k, 100k and 1M texts: time per stage, peak memory, and the peer, in one run.

Texts (read from ../shared/data and generated sample months, never copied into the repository):
Banking77 (train + test), MASSIVE (en, es, pt, id), the CFPB narratives split into sentences,
and the free texts of `rca sample` months (feedback, audit comments, AI-label notes; seeds 0-3,
12 months each). They are de-duplicated on their case-folded, whitespace-collapsed form; the
run reports how many distinct originals that leaves. A size above that count is filled with
light, deterministic variants of the originals: one of 20 greetings in front and/or one of
20 sign-offs after (``"hi, <text> thanks"``), round-robin over the originals, each variant
text distinct (de-duplicated the same way).

Each size runs in its own child process (so ``ru_maxrss`` from ``os.wait4`` is that size's peak
memory, numpy included): ``rca.analysis.theme_file.run_themes`` -- what ``rca topics`` runs --
on a CSV of the texts with the ``static`` embedder and a cold embedding cache, its steps timed
by `rca.themes.model.ThemeModel.timings_` (logged). The peer is plain ``BERTopic()`` with its
defaults, given the same static vectors, in a child process with a time cap.

``--quality`` measures the cost of sampling on the labelled corpora (Banking77, MASSIVE in 4
languages, CFPB: 42,587 texts, labels prefixed by corpus): NMI against the labels of the full
fit and of sample fits assigned by nearest centroid (what `rca.themes.sampling` does).

    .venv/bin/python benchmarks/scale.py [--sizes 10000 100000 1000000] [--peer-cap 900]
        [--quality] [--transformer 100000]

Writes benchmarks/results/scale.json (with ``os.getloadavg()`` beside the timings: other
work may share the machine) and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("RCA_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = Path(__file__).resolve().parent / "results" / "scale.json"

GREETINGS = [
    "hi, ", "hello, ", "hey, ", "good morning, ", "good afternoon, ", "hi there, ", "dear team, ",
    "quick question: ", "urgent: ", "please help: ", "fyi: ", "update: ", "again: ",
    "one more thing: ", "hello support, ", "excuse me, ", "sorry to bother you, ", "question: ",
    "help: ", "note: ",
]  # fmt: skip
SIGN_OFFS = [
    " thanks", " thank you", " thanks!", " please advise", " asap", " cheers", " regards",
    " many thanks", " thanks in advance", " please help", " any update?", " kind regards",
    " thx", " ty", " much appreciated", " best", " please reply", " waiting for an answer",
    " help please", " thanks a lot",
]  # fmt: skip


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def labelled_corpora() -> pd.DataFrame:
    """Banking77, MASSIVE (4 languages) and CFPB narratives: ``text``, ``label``, ``source``."""
    parts = []
    for split in ("train", "test"):
        df = pd.read_csv(DATA / "banking77" / f"{split}.csv")
        parts.append(pd.DataFrame({"text": df["text"], "label": "b77:" + df["category"],
                                   "source": "banking77"}))  # fmt: skip
    for lang in ("en", "es", "pt", "id"):
        df = pd.read_csv(DATA / "massive" / f"{lang}.csv")
        parts.append(pd.DataFrame({"text": df["text"], "label": "massive:" + df["label"],
                                   "source": f"massive-{lang}"}))  # fmt: skip
    df = pd.read_csv(DATA / "cfpb_complaints" / "narratives_only.csv")
    col = next(c for c in df.columns if "narrative" in c.lower())
    df = df[df[col].notna() & df["Issue"].notna()]
    parts.append(pd.DataFrame({"text": df[col], "label": "cfpb:" + df["Issue"], "source": "cfpb"}))
    return pd.concat(parts, ignore_index=True).astype(str)


def originals(work: Path) -> pd.DataFrame:
    """Every distinct original text: ``text``, ``source``."""
    from rca.sample import generate_sample

    rows = [labelled_corpora()[["text", "source"]]]
    df = pd.read_csv(DATA / "cfpb_complaints" / "narratives_only.csv")
    col = next(c for c in df.columns if "narrative" in c.lower())
    for narrative in df[col].dropna().astype(str):
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", narrative)]
        keep = [s for s in sentences if 5 <= len(s.split()) <= 60 and s.count("XX") < 3]
        rows.append(pd.DataFrame({"text": keep, "source": "cfpb-sentence"}))
    for seed in range(4):
        folder = work / f"sample-{seed}"
        generate_sample(folder, months=12, seed=seed)
        for name, column in (("feedback", "text"), ("audits", "comment"), ("ai_labels", "note")):
            texts = pd.read_csv(folder / f"{name}.csv")[column].dropna().astype(str)
            rows.append(pd.DataFrame({"text": texts, "source": f"sample-{name}"}))
    out = pd.concat(rows, ignore_index=True)
    out = out[out["text"].str.strip().str.len() > 0]
    out = out.assign(key=out["text"].map(_key)).drop_duplicates("key")
    return out.drop(columns="key").reset_index(drop=True)


def assemble(base: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` distinct texts: originals in a seeded order, then variants (module docstring)."""
    order = np.random.default_rng(seed).permutation(len(base))
    texts = base["text"].to_numpy()[order]
    if n <= len(texts):
        return pd.DataFrame({"text": texts[:n], "variant": False})
    seen = {_key(t) for t in texts}
    out = list(texts)
    combos = [(g, s) for g in ["", *GREETINGS] for s in ["", *SIGN_OFFS]][1:]
    for g, s in combos:
        for t in texts:
            candidate = f"{g}{t}{s}"
            k = _key(candidate)
            if k not in seen:
                seen.add(k)
                out.append(candidate)
                if len(out) == n:
                    return pd.DataFrame({"text": out, "variant": np.arange(n) >= len(texts)})
    raise SystemExit(f"cannot make {n} distinct texts from {len(texts)} originals")


# -- child processes ------------------------------------------------------------------------
def child_ours(csv: Path, out: Path, embedder: str) -> dict[str, Any]:
    """Run `rca topics` (run_themes) on ``csv``; return stage seconds."""
    from rca.analysis.theme_file import run_themes

    steps: dict[str, float] = {}
    marks: list[float] = []

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            match = re.match(r"themes: (\w+) ([\d.]+) s", record.getMessage())
            if match:
                steps[match.group(1)] = float(match.group(2))

    logger = logging.getLogger("rca.themes.model")
    logger.setLevel(logging.INFO)
    logger.addHandler(Grab())
    start = time.perf_counter()
    summary = run_themes(csv, "text", out, embedder=embedder,
                         log=lambda _m: marks.append(time.perf_counter()))  # fmt: skip
    total = time.perf_counter() - start
    read = (marks[0] - start) if marks else 0.0
    themes = pd.read_csv(out / "themes.csv")
    return {"total_s": total, "read_clean_redact_s": read, "steps_s": steps,
            "n_themes": int((themes["theme_id"] >= 0).sum()), "summary": summary}  # fmt: skip


def child_peer(csv: Path, embedder: str) -> dict[str, Any]:
    """Plain BERTopic with defaults on the same (cached) vectors; return seconds."""
    from bertopic import BERTopic

    from rca.themes.embedders import get_embedder

    texts = pd.read_csv(csv)["text"].astype(str).tolist()
    start = time.perf_counter()
    emb = get_embedder(embedder).embed(texts)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    topics, _ = BERTopic().fit_transform(texts, embeddings=emb)
    return {"fit_s": time.perf_counter() - start, "embeddings_from_cache_s": load_s,
            "n_themes": len(set(topics) - {-1}),
            "unassigned": float(np.mean(np.asarray(topics) == -1))}  # fmt: skip


def run_child(args: list[str], cap: float | None, env: dict[str, str]) -> dict[str, Any]:
    """Run this script as a child; return its JSON, wall seconds and peak RSS (MiB)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result = Path(handle.name)
    cmd = [sys.executable, __file__, "--child", *args, "--result", str(result)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env)
    deadline = None if cap is None else start + cap
    status, usage = 0, None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            return {"finished": False, "cap_s": cap, "cpu_s": usage.ru_utime + usage.ru_stime,
                    "peak_mib": usage.ru_maxrss / 1024}  # fmt: skip
        time.sleep(0.5)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out: dict[str, Any] = {"finished": proc.returncode == 0, "wall_s": wall,
                           "cpu_s": usage.ru_utime + usage.ru_stime,
                           "peak_mib": usage.ru_maxrss / 1024}  # fmt: skip
    if proc.returncode == 0:
        out.update(json.loads(result.read_text()))
    else:
        out["exit_code"] = proc.returncode
    result.unlink(missing_ok=True)
    return out


def cold_cache_env(work: Path) -> dict[str, str]:
    """Environment with an empty embedding cache that still finds the distilled static model."""
    from rca.core.paths import cache_dir

    cache = work / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    if not (cache / "models").exists():
        (cache / "models").symlink_to(cache_dir() / "models")
    return {**os.environ, "RCA_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}


# -- quality of sampling ----------------------------------------------------------------------
def quality(sample_sizes: list[int], seed: int = 0, with_full: bool = True) -> dict[str, Any]:
    """NMI (vs labels, and vs the full fit) of the full fit and of sample fits.

    The partition is `rca.themes.model.ThemeModel`'s (same canonical order, clustering and
    outlier rule); its keywords and names, which do not change it, are not computed.
    """
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from rca.themes.embedders import get_embedder
    from rca.themes.model import _canonical_order
    from rca.themes.sampling import cluster_embeddings, similarity_to_own_centroid

    df = labelled_corpora()
    texts, labels = df["text"].tolist(), df["label"].to_numpy()
    order = _canonical_order(texts)
    emb = np.asarray(get_embedder("static").embed(texts))[order]
    labels = labels[order]
    out: dict[str, Any] = {"texts": len(texts), "labels": len(set(labels)), "embedder": "static",
                           "runs": []}  # fmt: skip
    full = None
    for size in [None, *sample_sizes] if with_full else sample_sizes:
        start = time.perf_counter()
        fit = cluster_embeddings(
            emb, n_clusters=None, min_cluster_size=None, random_state=seed,
            sample_threshold=None if size is None else size - 1, sample_size=size or len(texts),
        )  # fmt: skip
        themes = fit.labels.copy()
        themes[fit.noise & (similarity_to_own_centroid(themes, emb) < 0.3)] = -1
        row = {"sample": fit.fitted, "assign": "nearest centroid" if size else "full fit",
               "seconds": time.perf_counter() - start, "themes": fit.n_clusters,
               "nmi": float(nmi(labels, themes)), "unassigned": float(np.mean(themes == -1)),
               "timings": fit.timings, "loadavg": os.getloadavg()}  # fmt: skip
        if size is None:
            full = themes
        elif full is not None:
            row["nmi_vs_full_fit"] = float(nmi(full, themes))
        out["runs"].append(row)
        print(row, flush=True)
    return out


def markdown(sizes: list[dict[str, Any]]) -> str:
    """One row per size: our stages and total, memory, the peer."""
    steps = ["embed", "neighbours", "layout", "clustering", "assignment", "keywords", "names"]
    head = ["texts", "read+clean+redact", *steps, "ours wall", "ours CPU", "ours peak GiB",
            "peer fit (wall)", "peer CPU", "peer peak GiB"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in sizes:
        ours, peer = row["ours"], row.get("peer") or {}
        cells = [f"{row['n']:,}", f"{ours.get('read_clean_redact_s', 0):.0f} s"]
        cells += [f"{ours.get('steps_s', {}).get(s, 0):.1f} s" for s in steps]
        cells += [f"{ours.get('wall_s', 0):.0f} s", f"{ours.get('cpu_s', 0):.0f} s",
                  f"{ours['peak_mib'] / 1024:.2f}"]  # fmt: skip
        if not peer:
            cells += ["not run", "", ""]
        elif peer.get("finished"):
            cells += [f"{peer['fit_s']:.0f} s", f"{peer['cpu_s']:.0f} s",
                      f"{peer['peak_mib'] / 1024:.2f}"]  # fmt: skip
        else:
            cap = peer.get("cap_s")
            cells += ["did not finish" + (f" in {cap:.0f} s" if cap else ""),
                      f"{peer.get('cpu_s', 0):.0f} s", ""]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--peer-cap", type=float, default=900.0, help="seconds per peer run")
    parser.add_argument("--peer-max", type=int, default=1_000_000, help="largest peer size")
    parser.add_argument("--embedder", default="static")
    parser.add_argument(
        "--transformer", type=int, nargs="*", default=[], help="sizes to run with minilm"
    )
    parser.add_argument(
        "--quality", type=int, nargs="*", default=None, help="sample sizes (10000 20000)"
    )
    parser.add_argument("--no-full", action="store_true", help="--quality without the full fit")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--child", nargs="+", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, csv, embedder = args.child[0], Path(args.child[1]), args.child[2]
        if kind == "ours":
            res = child_ours(csv, Path(args.child[3]), embedder)
        else:
            res = child_peer(csv, embedder)
        args.result.write_text(json.dumps(res))
        return

    work = args.work or Path(tempfile.mkdtemp(prefix="rca-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    report: dict[str, Any] = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "note": "other work shared the 2 cores during this run: see loadavg per run",
        "sizes": [],
        "transformer": [],
    }
    runs = [(n, args.embedder, "sizes") for n in args.sizes]
    runs += [(n, "minilm", "transformer") for n in args.transformer]
    if runs:
        cached = work / "originals.pkl"  # the same texts for a rerun in the same --work
        if cached.exists():
            base = pd.read_pickle(cached)
        else:
            base = originals(work)
            base.to_pickle(cached.with_suffix(".tmp"))
            cached.with_suffix(".tmp").replace(cached)
        counts = base["source"].value_counts().to_dict()
        print(f"{len(base):,} distinct originals: {counts}", flush=True)
        report["originals"] = {"distinct": len(base), "by_source": counts}
        report["variation"] = "greeting and/or sign-off added (20 each), round-robin, distinct"
    for n, embedder, section in runs:
        data = assemble(base, n)
        csv = work / f"texts-{n}.csv"
        data[["text"]].to_csv(csv, index=False)
        env = cold_cache_env(work / f"{embedder}-{n}")
        row: dict[str, Any] = {"n": n, "embedder": embedder,
                               "distinct_originals": int((~data["variant"]).sum()),
                               "loadavg_before": os.getloadavg()}  # fmt: skip
        print(f"ours {n:,} ({embedder}) ...", flush=True)
        row["ours"] = run_child(["ours", str(csv), embedder, str(work / f"out-{n}")], None, env)
        row["loadavg_after_ours"] = os.getloadavg()
        print(json.dumps(row["ours"], default=str)[:600], flush=True)
        if section == "sizes" and n <= args.peer_max:
            print(f"peer {n:,} ...", flush=True)
            row["peer"] = run_child(["peer", str(csv), embedder], args.peer_cap, env)
            row["loadavg_after_peer"] = os.getloadavg()
            print(json.dumps(row["peer"], default=str), flush=True)
        report[section].append(row)
        args.output.write_text(json.dumps(report, indent=2, default=str))
    if args.quality is not None:
        report["quality"] = quality(args.quality or [10_000, 20_000], with_full=not args.no_full)
        report["quality"]["loadavg_after"] = os.getloadavg()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str))
    if report["sizes"]:
        print(markdown(report["sizes"]))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
