from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests never reach a network or a model hub; the real-model tests use the packaged model.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Embedding caches go to a per-session temp folder, distilled models stay in the user cache."""
    cache = tmp_path_factory.getbasetemp() / "rca-cache"
    monkeypatch.setenv("RCA_EMBED_CACHE", str(cache))
    yield


@pytest.fixture(scope="session")
def banking77():
    import pandas as pd

    path = SHARED_DATA / "banking77" / "test.csv"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    return pd.read_csv(path)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """One real `rca demo` (sample -> validate -> redact -> BERTopic -> papermill -> nbconvert).

    Uses two months of sample data and the fake embedder so the suite stays fast; the real
    embedders are exercised in test_embed.py / test_topics.py.
    """
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "RCA_EMBED_CACHE": str(out / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "rca.cli", "demo", "--out", str(out), "--months", "2",
         "--embedder", "fake", "--seed", "0"],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    return out, proc
