from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

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


#: Script payloads planted where reports show data as names, labels and quotes (the sample's own
#: payloads sit in rare comments that reports seldom quote). Browser checks prove none runs.
PAYLOADS = {
    "agent": "agent_012 <script>alert('agent')</script>",
    "team": "Team Orca <img src=x onerror=alert('team')>",
    "error_category": "<img src=x onerror=alert('category')>",
    "macro_id": "javascript:alert('macro')",
    "comment": "<script>alert('comment')</script>",
}
#: Agents whose feedback reports the tests' batch builds (the monthly plan builds all 40; browser
#: checks open every page, about 2.5 s each): a coached agent, one with payloads, one other.
DEMO_AGENTS = ["agent_001", PAYLOADS["agent"], "agent_035"]


def plant_payloads(data: Path) -> None:
    """Put `PAYLOADS` into the sample audits: an agent, a team, categories, a macro, comments."""
    import pandas as pd

    path = data / "audits.csv"
    audits = pd.read_csv(path, dtype=str, keep_default_na=False)
    audits.loc[audits["agent"] == "agent_012", "agent"] = PAYLOADS["agent"]
    audits.loc[audits["team"] == "Team Orca", "team"] = PAYLOADS["team"]
    failing = audits.index[audits["error_category"] != ""]
    audits.loc[failing[::12], "error_category"] = PAYLOADS["error_category"]
    second_macro = audits.loc[audits["macro_id"] != "", "macro_id"].value_counts().index[1]
    audits.loc[audits["macro_id"] == second_macro, "macro_id"] = PAYLOADS["macro_id"]
    quoted = audits.index[audits["comment"].str.contains("ACC-004", regex=False)]
    audits.loc[quoted, "comment"] += " " + PAYLOADS["comment"]
    audits.to_csv(path, index=False)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """A real month built the way `make demo` builds it, with script payloads in the data.

    ``rca sample`` (two months) -> payloads planted (`plant_payloads`) -> ``rca batch`` with the
    monthly plan of ``parameters/``, per-agent reports limited to `DEMO_AGENTS`: validate, redact,
    BERTopic themes (fake embedder, so the suite stays fast; the real embedders are exercised in
    test_embed.py / test_topics.py), analysis, papermill reports, nbconvert HTML, index.
    Returns the outputs folder and the finished ``rca batch`` process.
    """
    import subprocess
    import sys

    import yaml

    out = tmp_path_factory.mktemp("demo")
    data = out / "sample-data"
    env = {**os.environ, "RCA_EMBED_CACHE": str(out / "cache")}
    cli = [sys.executable, "-m", "rca.cli"]
    sample = [*cli, "sample", "--out", str(data), "--months", "2", "--seed", "0"]
    subprocess.run(sample, check=True, capture_output=True, env=env, timeout=300)
    plant_payloads(data)
    plan = yaml.safe_load((ROOT / "parameters" / "monthly.yaml").read_text())
    for entry in plan["reports"]:
        if entry.get("each") == "agent":
            entry["only"] = DEMO_AGENTS
    (out / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True))
    proc = subprocess.run(
        [*cli, "batch", "--month", "2026-10", "--plan", str(out / "plan.yaml"), "--data",
         str(data), "--out", str(out), "--embedder", "fake", "--seed", "0"],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    return out, proc


@pytest.fixture(scope="session")
def sample_analysis(tmp_path_factory):
    """One month analysed on two months of sample data with the fake embedder (read-only).

    Shared by the report-view tests of one test process; tests that need to change tables copy it.
    """
    from rca.analysis.month import analyze_month
    from rca.sample import generate_sample

    root = tmp_path_factory.mktemp("sample-analysis")
    generate_sample(root / "data", months=2, seed=0)
    return analyze_month(root / "data", root / "out", embedder="fake")


@pytest.fixture(scope="session")
def planted_macro(sample_analysis):
    """The macro the sample of `sample_analysis` planted as stale (the seed chooses it)."""
    import json

    truth = json.loads((sample_analysis.path.parent / "data" / "ground_truth.json").read_text())
    stale = next(c for c in truth["root_causes"] if c["type"] == "outdated_macro")
    return str(stale["segment"]["macro"])


def _heatmap_z(page: str) -> Any:
    """The z grid of the last plotly heat map in ``page`` (plotly writes it base64-encoded)."""
    import base64
    import json
    import re

    import numpy as np

    z = json.loads(re.findall(r'"z":(\{"dtype":[^}]*\})', page)[-1])
    rows, cols = (int(v) for v in z["shape"].split(","))
    grid = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(rows, cols)
    return np.where(np.isnan(grid), None, grid)


@pytest.fixture
def heatmap_z():
    """`_heatmap_z`: read the z grid of the last plotly heat map in a page."""
    return _heatmap_z


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: Any, *args: str) -> tuple[int, str, str]:
    """Run ``rca ARGS`` in this process; return its exit code, stdout and stderr."""
    import sys

    from rca.cli import main

    monkeypatch.setattr(sys, "argv", ["rca", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (0 if code is None else int(code)), out, err


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
