"""Redaction quality and speed on the labelled set ``tests/data/redaction_cases.jsonl``.

Matching, per kind and overall (a predicted span and a gold span of the same kind):

- ``exact``: same start, same end. Strict: "+60 12-345 6789" vs "60 12-345 6789" is a miss
  and a false positive at once.
- ``overlap``: the two spans share at least one character. Each gold span matches at most one
  prediction and vice versa. Tolerant to boundary disagreements (a ``#`` or a ``+`` left out).
- ``any_kind``: overlap ignoring the kind. This is what matters for privacy: personal data
  redacted under the wrong placeholder (a phone as ``[NUMBER]``) is still gone.
- ``char_recall``: share of gold personal-data characters covered by some prediction
  (what is left readable after redaction).

Also measured: leaks on values planted by the sample-data generator (`rca.sample.text.make_pii`,
written by someone else, so formats this module's author did not choose): a value leaks when
one of its digits or its ``@`` is left unredacted. False alarms on real text with no personal
data left in it (Banking77 queries and CFPB narratives, which the publisher already redacted,
from ``../shared/data``; reported as hits per 1,000 texts with examples to inspect). And
throughput of `redact` on 50,000 texts made by repeating the labelled set (one call per text,
no de-duplication).

Run: ``.venv/bin/python benchmarks/redaction.py`` (prints a table, writes
``benchmarks/results/redaction.json``).
"""

from __future__ import annotations

import csv
import json
import platform
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rca.core.paths import project_root
from rca.text.redact import KINDS, Span, find_pii, redact

CASES = project_root() / "tests" / "data" / "redaction_cases.jsonl"
RESULT = project_root() / "benchmarks" / "results" / "redaction.json"
SHARED = project_root().parent / "shared" / "data"
N_SPEED = 50_000

Gold = tuple[int, int, str]


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _match(gold: list[Gold], pred: list[Gold], mode: str) -> int:
    """Count matched pairs between gold and predicted spans (one-to-one)."""
    used: set[int] = set()
    hits = 0
    for gs, ge, gk in gold:
        for i, (ps, pe, pk) in enumerate(pred):
            if i in used or (mode != "any_kind" and pk != gk):
                continue
            same = (ps, pe) == (gs, ge) if mode == "exact" else ps < ge and gs < pe
            if same:
                used.add(i)
                hits += 1
                break
    return hits


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "n_pred": n_pred,
        "n_gold": n_gold,
    }


def score(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision, recall and F1 per kind and overall, for each matching mode."""
    counts: Counter[tuple[str, str, str]] = Counter()  # (mode, kind, tp|pred|gold)
    covered = total = 0
    errors: list[dict[str, Any]] = []
    for case in cases:
        gold = [(g["start"], g["end"], g["kind"]) for g in case["spans"]]
        pred = [(s.start, s.end, s.kind) for s in find_pii(case["text"])]
        for mode in ("exact", "overlap", "any_kind"):
            for kind in (*KINDS, "ALL"):
                g = [x for x in gold if kind in ("ALL", x[2])]
                p = [x for x in pred if kind in ("ALL", x[2])]
                if mode == "any_kind" and kind != "ALL":
                    continue
                counts[mode, kind, "tp"] += _match(g, p, mode)
                counts[mode, kind, "pred"] += len(p)
                counts[mode, kind, "gold"] += len(g)
        masked = {i for s, e, _ in pred for i in range(s, e)}
        total += sum(e - s for s, e, _ in gold)
        covered += sum(i in masked for s, e, _ in gold for i in range(s, e))
        if sorted(gold) != sorted(pred):
            errors.append({"text": case["text"], "gold": gold, "pred": pred})
    out: dict[str, Any] = {"n_cases": len(cases), "char_recall": round(covered / total, 4)}
    for mode in ("exact", "overlap", "any_kind"):
        kinds = ("ALL",) if mode == "any_kind" else (*KINDS, "ALL")
        out[mode] = {
            k: _prf(counts[mode, k, "tp"], counts[mode, k, "pred"], counts[mode, k, "gold"])
            for k in kinds
        }
    negatives = [c for c in cases if not c["spans"]]
    out["negative_texts"] = len(negatives)
    out["negative_texts_with_a_redaction"] = sum(bool(find_pii(c["text"])) for c in negatives)
    out["errors"] = errors
    return out


def real_text_hits() -> dict[str, Any]:
    """Redactions on real corpora that hold no (remaining) personal data: likely false alarms."""
    texts: list[str] = []
    for name in ("banking77/train.csv", "banking77/test.csv"):
        with (SHARED / name).open(encoding="utf-8") as f:
            texts += [row["text"] for row in csv.DictReader(f)]
    with (SHARED / "cfpb_complaints/narratives_only.csv").open(encoding="utf-8") as f:
        texts += [row["Consumer complaint narrative"] for row in csv.DictReader(f)]
    hits: list[tuple[Span, str]] = [(s, t) for t in texts for s in find_pii(t)]
    by_kind = Counter(s.kind for s, _ in hits)
    examples = [f"{s.kind}: ...{t[max(0, s.start - 30) : s.end + 30]}..." for s, t in hits[:40]]
    return {
        "n_texts": len(texts),
        "texts_with_a_redaction": len({id(t) for _, t in hits}),
        "hits_per_1000_texts": {k: round(1000 * v / len(texts), 2) for k, v in by_kind.items()},
        "examples": examples,
    }


def planted_values(n: int = 6_000) -> dict[str, Any]:
    """Redact values planted by the sample generator; count leaks and the kinds given."""
    import numpy as np

    from rca.sample.text import PII_TYPES, Dice, make_pii

    dice = Dice(np.random.default_rng(0))
    markets = ("MY", "ID", "PH", "US", "GB", "BR")
    leaks: list[str] = []
    kinds: Counter[str] = Counter()
    for i in range(n):
        value = make_pii(dice, PII_TYPES[i % len(PII_TYPES)], markets[i % len(markets)])
        text = f"Agent shared {value} in the reply."
        spans = find_pii(text)
        redacted = {j for s in spans for j in range(s.start, s.end)}
        start = text.index(value)
        exposed = [j for j in range(start, start + len(value)) if j not in redacted]
        if any(text[j].isdigit() or text[j] == "@" for j in exposed):
            leaks.append(value)
        kinds.update(f"{PII_TYPES[i % len(PII_TYPES)]}->{s.kind}" for s in spans)
    return {"n_values": n, "leaks": len(leaks), "leak_examples": leaks[:10], "kinds": kinds}


def throughput(cases: list[dict[str, Any]], n: int = N_SPEED) -> dict[str, Any]:
    texts = [c["text"] for c in cases]
    texts = (texts * (n // len(texts) + 1))[:n]
    start = time.perf_counter()
    for text in texts:
        redact(text)
    seconds = time.perf_counter() - start
    return {"n_texts": n, "seconds": round(seconds, 2), "texts_per_second": round(n / seconds)}


def _table(title: str, result: dict[str, Any]) -> str:
    lines = [title, f"{'kind':<8} {'mode':<9} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5}"]
    for mode in ("exact", "overlap", "any_kind"):
        for kind, m in result[mode].items():
            lines.append(
                f"{kind:<8} {mode:<9} {m['precision']:>6.3f} {m['recall']:>6.3f} "
                f"{m['f1']:>6.3f} {m['n_gold']:>5}"
            )
    lines.append(
        f"char recall {result['char_recall']:.4f}; negative texts with a redaction: "
        f"{result['negative_texts_with_a_redaction']}/{result['negative_texts']}"
    )
    return "\n".join(lines)


def main() -> None:
    cases = load_cases()
    results: dict[str, Any] = {"machine": f"{platform.machine()}, {platform.python_version()}"}
    for split in ("dev", "holdout", "all"):
        subset = [c for c in cases if split in ("all", c["split"])]
        if subset:
            results[split] = score(subset)
            print(_table(f"\n== {split}: {len(subset)} cases ==", results[split]))
            for err in results[split]["errors"][:20] if split != "all" else []:
                print("  MISMATCH", err)
    if SHARED.exists():
        results["real_text"] = real_text_hits()
        real = results["real_text"]
        print(
            f"\nreal text ({real['n_texts']} texts): {real['texts_with_a_redaction']} with a "
            f"redaction; per 1,000: {real['hits_per_1000_texts']}"
        )
        for example in real.pop("examples")[:15]:  # printed, not stored: the corpora stay outside
            print("  ", example)
    results["planted"] = planted_values()
    print(f"\nplanted sample-generator values: {results['planted']}")
    results["throughput"] = throughput(cases)
    print(f"\nthroughput: {results['throughput']}")
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {RESULT}")


if __name__ == "__main__":
    main()
