"""Theme names a person would write: the theme's most representative phrase, KeyBERT-style.

A theme's name is an n-gram its own texts contain, never an invented one. `theme_names`

1. extracts candidate phrases per theme (`_candidate_phrases`): n-grams that neither start nor
   end on a stop word of their text's language (`rca.text.tokens.stop_words`), do not cross
   punctuation or redaction placeholders, and occur in several of the theme's texts; they are
   ranked by document frequency inside the theme discounted by their frequency in all texts
   (c-TF-IDF-like), and at most ``max_candidates`` are kept;
2. embeds the candidates of all themes in one call with the theme's own embedder (so it works in
   every language the embedder knows; a `rca.themes.embedders.CachedEmbedder` caches them);
3. scores each by cosine similarity to the theme's centroid (optionally minus ``distinctness``
   times its similarity to the closest other centroid), plus a bonus for 2-4-word phrases; and
4. picks the best, with maximal marginal relevance (`mmr`) giving diverse alternatives when two
   themes would get the same name.

The defaults (2-4-word phrases, 10 candidates per theme, no distinctness penalty) were chosen
on Banking77 ``train.csv`` themes by ``benchmarks/naming.py --tune``: the best share of names
naming their intent among 2-5-word names, with the fewest candidates (the cost is embedding
them). The name keeps short words the texts mostly write in capitals (``I``, ``ID``), is lower
case otherwise, with its first letter capitalised; Thai words (segmented by
`rca.text.tokens.tokenize`) are joined without spaces. A theme without a qualifying phrase keeps
its keyword label. The same texts, themes and embedder give the same names, in any text order.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from rca.text.language import detect_languages
from rca.text.tokens import stop_words, tokenize
from rca.themes.embedders import Embedder, TfidfEmbedder
from rca.themes.keywords import STOP_WORDS
from rca.themes.vectors import unit_rows

__all__ = ["NAME_STOP_WORDS", "mmr", "name_theme_info", "theme_names"]

# Placeholder words of `rca.text.tokens.DOMAIN_STOP_WORDS` that a name may start or end with.
_NAME_WORDS = frozenset({"email", "phone", "url", "handle", "card", "number"})

#: Words a name may not start or end with, on top of its language's `stop_words`: the filler of
#: `rca.themes.keywords.STOP_WORDS` (not its placeholder words: placeholders break phrases here),
#: contractions written without the apostrophe and request verbs ("need", "want").
NAME_STOP_WORDS: frozenset[str] = frozenset(
    (STOP_WORDS - _NAME_WORDS)
    | {
        "isnt", "arent", "wasnt", "werent", "hasnt", "havent", "hadnt", "doesnt", "didnt",
        "dont", "cant", "couldnt", "wouldnt", "shouldnt", "wont", "im", "ive", "youre",
        "its", "thats", "theres", "whats", "lets", "ill", "hey", "yes", "no", "like", "want",
        "need", "know", "tell", "help", "way", "possible", "able", "going", "make", "use",
    }
)  # fmt: skip


@functools.cache
def _edge_stop_words(language: str) -> frozenset[str]:
    """Edge words no name in ``language`` may have: its `stop_words` and `NAME_STOP_WORDS`."""
    return frozenset((stop_words(language) | NAME_STOP_WORDS) - _NAME_WORDS)


# A run of Thai letters and marks (segmented by `rca.text.tokens.tokenize`), or a run of other
# letters/digits with inner hyphens or apostrophes ("ID-upload", "hasn't"), kept as written.
_WORD = re.compile(r"[\u0E01-\u0E4E]+|[^\W_\u0E00-\u0E7F]+(?:[-'’][^\W_\u0E00-\u0E7F]+)*")
_THAI = re.compile(r"[\u0E01-\u0E4E]")
# Where a phrase may not continue: punctuation, redaction placeholders, publishers' XXXX masks.
_BREAK = re.compile(r"\[[A-Z]+\]|\b[xX]{2,}\b|[.,;:!?()\[\]{}\"“”«»/\\|…\n\r\t]+")


@dataclass(frozen=True)
class _Phrases:
    """Candidates of one theme: phrase keys (lower case), weights and word counts."""

    keys: list[str]
    weights: np.ndarray
    lengths: np.ndarray


def _stop_key(word: str) -> str:
    return word.lower().replace("'", "").replace("’", "")


def _thai_words(run: str) -> list[str | None]:
    """Segment a run of Thai letters into words, ``None`` where the tokenizer dropped a letter."""
    out: list[str | None] = []
    pos = 0
    for word in tokenize(run, "th", keep_stop_words=True):
        at = run.find(word, pos)
        out += [word] if at == pos else [None, word]
        pos = at + len(word) if at >= 0 else pos
    return out


def _chunks(text: str) -> list[list[str]]:
    """Return the runs of words of ``text`` between punctuation and placeholders, as written.

    Words are runs of letters and digits (case, hyphens and apostrophes kept: "ID-upload", "I");
    Thai runs are segmented by `rca.text.tokens.tokenize` (PyThaiNLP ``newmm``, whatever the
    text's language) and two are never joined: Thai writes a space between clauses.
    """
    out: list[list[str]] = []
    for part in _BREAK.split(unicodedata.normalize("NFC", text)):
        out.append([])
        thai_before = False
        for word in _WORD.findall(part):
            thai = bool(_THAI.match(word))
            pieces = ([None] if thai_before else []) + _thai_words(word) if thai else [word]
            for w in pieces:
                if w is None:
                    out.append([])
                else:
                    out[-1].append(w)
            thai_before = thai
    return [run for run in out if run]


def _edge_ok(word: str, stop: frozenset[str]) -> bool:
    key = _stop_key(word)
    return len(key) > 1 and not key.isdigit() and key not in stop


def _ngrams(text: str, ngram_range: tuple[int, int], stop: frozenset[str]) -> list[str]:
    """N-grams of ``text`` (lower case, words space-joined) that start and end on a content word.

    No phrase starts or ends on a word of ``stop``, or on half of a two-word entry ("vui lòng").
    """
    lo, hi = ngram_range
    out: list[str] = []
    for words in _chunks(text):
        low = [w.lower() for w in words]
        pair = [f"{_stop_key(a)} {_stop_key(b)}" in stop for a, b in pairwise(words)]
        start = [_edge_ok(w, stop) and not p for w, p in zip(words, [*pair, False], strict=True)]
        end = [_edge_ok(w, stop) and not p for w, p in zip(words, [False, *pair], strict=True)]
        for i in range(len(words)):
            if not start[i]:
                continue
            for n in range(lo, hi + 1):
                j = i + n - 1
                if j >= len(words):
                    break
                if end[j]:
                    out.append(" ".join(low[i : j + 1]))
    return out


def _languages(texts: Sequence[str], languages: Sequence[str] | None) -> list[str]:
    """Return the language code of every text (`detect_languages` when ``languages`` is None)."""
    if languages is None:
        return list(detect_languages([str(t) for t in texts]))
    if len(languages) != len(texts):
        raise ValueError(f"got {len(languages)} languages for {len(texts)} texts")
    return [str(code) for code in languages]


def _candidate_phrases(
    texts: Sequence[str],
    themes: np.ndarray,
    *,
    ngram_range: tuple[int, int] = (2, 4),
    min_share: float = 0.02,
    max_candidates: int = 10,
    languages: Sequence[str] | None = None,
) -> dict[int, _Phrases]:
    """Rank each theme's n-grams by in-theme document frequency discounted by corpus frequency.

    The weight of phrase ``p`` in theme ``t`` is ``df(t, p) / n_t * log(1 + A / df(p))``, with
    ``A`` the average theme size: c-TF-IDF on document frequencies. A phrase qualifies when at
    least ``max(2, min_share * n_t)`` of the theme's texts contain it.

    Words are those of `_chunks` (Thai segmented); a phrase may not start or end on a stop word
    of its text's language (``languages``, one code per text, detected when None).
    """
    from sklearn.feature_extraction.text import CountVectorizer

    ids = sorted(set(np.asarray(themes).tolist()) - {-1})
    keep = np.flatnonzero(np.asarray(themes) != -1)
    if not ids or not len(keep):
        return {}
    langs = _languages(texts, languages)
    grams = [_ngrams(texts[int(i)], ngram_range, _edge_stop_words(langs[i])) for i in keep]
    vec = CountVectorizer(analyzer=lambda g: g, binary=True, dtype=np.int32)
    try:
        docs = vec.fit_transform(grams)
    except ValueError:  # no n-gram at all
        return {}
    vocab = vec.get_feature_names_out()
    row_of = {t: r for r, t in enumerate(ids)}
    member = sparse.csr_matrix(
        (np.ones(len(keep)), ([row_of[int(themes[i])] for i in keep], np.arange(len(keep)))),
        shape=(len(ids), len(keep)),
    )
    df = np.asarray((member @ docs).todense(), dtype=float)  # themes x phrases
    sizes = np.asarray(member.sum(axis=1)).ravel()
    idf = np.log1p(sizes.mean() / np.maximum(df.sum(axis=0), 1.0))
    lengths = np.array([k.count(" ") + 1 for k in vocab])
    out: dict[int, _Phrases] = {}
    for r, t in enumerate(ids):
        need = max(2.0, min_share * sizes[r])
        cols = np.flatnonzero(df[r] >= need)
        if not len(cols):
            continue
        weights = df[r, cols] / sizes[r] * idf[cols]
        order = np.lexsort((vocab[cols], -weights))[:max_candidates]  # ties by phrase
        cols = cols[order]
        out[t] = _Phrases([str(vocab[c]) for c in cols], weights[order], lengths[cols])
    return out


def mmr(
    relevance: np.ndarray, vectors: np.ndarray, top_n: int = 3, diversity: float = 0.5
) -> list[int]:
    """Maximal marginal relevance: pick ``top_n`` rows, each relevant and unlike those picked.

    Parameters
    ----------
    relevance
        Score of each candidate (higher is better).
    vectors
        Unit-length candidate vectors, one row each.
    top_n
        Number of candidates to pick.
    diversity
        0 ranks by relevance alone; 1 only avoids candidates similar to those already picked.

    Returns
    -------
    list of int
        Row indices, best first; ties go to the lower index.
    """
    chosen: list[int] = []
    left = list(range(len(relevance)))
    while left and len(chosen) < top_n:
        redundancy = (vectors[left] @ vectors[chosen].T).max(axis=1) if chosen else 0.0
        score = (1 - diversity) * relevance[left] - diversity * redundancy
        chosen.append(left.pop(int(np.argmax(score))))
    return chosen


def _join(words: Sequence[str]) -> str:
    """Join words with spaces, but Thai words to Thai words without one (as Thai is written)."""
    gaps = ["" if _THAI.match(a) and _THAI.match(b) else " " for a, b in pairwise(words)]
    return words[0] + "".join(g + w for g, w in zip(gaps, words[1:], strict=True))


def _surface(key: str, texts: Sequence[str]) -> str:
    """Return the phrase in lower case but for acronyms, first letter capitalised.

    Words of up to 5 characters that ``texts`` write in capitals more often than not keep them
    (``I``, ``ID``, ``PIN``), so one writer's shouting does not make an acronym. Thai words are
    joined without spaces (`_join`).
    """
    words = key.split()
    wanted = set(words)
    upper: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text in texts:
        for run in _chunks(text):
            for w in run:
                if (low := w.lower()) in wanted:
                    total[low] += 1
                    upper[low] += w.isupper()
    kept = [w.upper() if len(w) <= 5 and upper[w] * 2 > total[w] else w for w in words]
    name = _join(kept)
    return name[:1].upper() + name[1:]


def _comparable(embedder: Embedder | None) -> bool:
    """Whether phrases embedded alone land in the same space as the fitted texts."""
    inner = getattr(embedder, "inner", embedder)
    return embedder is not None and not isinstance(inner, TfidfEmbedder)


def theme_names(
    texts: Sequence[str],
    themes: np.ndarray,
    centroids: Mapping[int, np.ndarray],
    embedder: Embedder | None,
    fallback: Mapping[int, str],
    *,
    ngram_range: tuple[int, int] = (2, 4),
    min_share: float = 0.02,
    max_candidates: int = 10,
    distinctness: float = 0.0,
    length_bonus: float = 0.05,
    diversity: float = 0.5,
    languages: Sequence[str] | None = None,
) -> dict[int, str]:
    """Name each theme with the phrase of its texts that best represents it.

    Parameters
    ----------
    texts, themes
        The fitted texts and the theme of each (``-1`` unassigned).
    centroids
        Unit-length centroid of each theme (``ThemeModel.centroids_``).
    embedder
        The embedder that made the centroids. ``None``, or a transductive backend (``tfidf``)
        whose phrase vectors are not comparable, ranks phrases by their weight alone.
    fallback
        Name of each theme when no phrase qualifies (its keyword label).
    ngram_range
        Shortest and longest phrase, in words.
    min_share
        Share of a theme's texts (at least 2 texts) a phrase must occur in.
    max_candidates
        Phrases per theme that are embedded and scored.
    distinctness
        Weight of the penalty for a phrase's similarity to the closest other theme.
    length_bonus
        Added to the score of 2-4-word phrases.
    diversity
        MMR diversity of the alternatives used when a name is already taken.
    languages
        ISO 639-1 code of each text (`rca.text.language.detect_languages`, detected when None):
        a name may not start or end on a stop word of its texts' languages
        (`rca.text.tokens.stop_words`).

    Returns
    -------
    dict
        ``{theme_id: name}`` for every theme in ``fallback``; ``-1`` keeps its fallback.
    """
    themes = np.asarray(themes)
    cands = _candidate_phrases(
        texts, themes, ngram_range=ngram_range, min_share=min_share,
        max_candidates=max_candidates, languages=languages,
    )  # fmt: skip
    names = {int(t): str(v) for t, v in fallback.items()}
    vocab = sorted({k for c in cands.values() for k in c.keys})
    if not vocab:
        return names
    use_vectors = _comparable(embedder) and all(t in centroids for t in cands)
    index = {k: i for i, k in enumerate(vocab)}
    vectors = unit_rows(embedder.embed(vocab)) if use_vectors and embedder else None
    ids = sorted(centroids)
    cmat = np.vstack([centroids[t] for t in ids]) if ids else np.zeros((0, 1))
    if vectors is not None and vectors.shape[1] != cmat.shape[1]:
        vectors = None
    sizes = Counter(themes.tolist())
    taken: set[str] = set()
    for t in sorted(cands, key=lambda t: (-sizes[t], t)):
        c = cands[t]
        if vectors is not None:
            rows = vectors[[index[k] for k in c.keys]]
            sims = rows @ cmat.T
            own = ids.index(t)
            others = np.delete(sims, own, axis=1)
            closest = others.max(axis=1) if others.shape[1] else np.zeros(len(rows))
            score = sims[:, own] - distinctness * closest
        else:
            rows = np.eye(len(c.keys))
            score = c.weights / (c.weights.max() or 1.0)
        score = score + length_bonus * ((c.lengths >= 2) & (c.lengths <= 4))
        picks = mmr(score, rows, top_n=min(5, len(c.keys)), diversity=diversity)
        members = [texts[int(i)] for i in np.flatnonzero(themes == t)]
        for p in picks:
            name = _surface(c.keys[p], members)
            if name.lower() not in taken:
                names[t] = name
                taken.add(name.lower())
                break
    return names


def name_theme_info(
    info: pd.DataFrame,
    texts: Sequence[str],
    themes: np.ndarray,
    centroids: Mapping[int, np.ndarray],
    embedder: Embedder | None,
    languages: Sequence[str] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Return ``info`` with readable names: ``theme_label`` from `theme_names`.

    The keyword label it replaces moves to a new column ``keyword_label`` (after ``keywords``),
    which stay the secondary description. ``languages`` (one code per text, detected when None)
    and ``options`` go to `theme_names`.
    """
    keyword_labels = dict(zip(info["theme_id"].astype(int), info["theme_label"], strict=True))
    names = theme_names(
        texts, themes, centroids, embedder, keyword_labels, languages=languages, **options
    )
    out = info.copy()
    at = list(out.columns).index("keywords") + 1 if "keywords" in out else len(out.columns)
    out.insert(at, "keyword_label", out["theme_label"])
    out["theme_label"] = [names[int(t)] for t in out["theme_id"]]
    return out
