"""`rca analyze` and `rca batch` run with the network refused, on a month that needs the e5 model.

A `sitecustomize` module put first on PYTHONPATH refuses every connection that does not stay on
this machine (the papermill kernels talk to their client over loopback, so loopback is allowed)
and every name lookup other than localhost, in the command's process and in every kernel it
starts. The month is a small slice of the multilingual sample, so `auto` picks the e5 backend.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from rca.sample import generate_sample

pytestmark = [pytest.mark.real, pytest.mark.notebook]

ROOT = Path(__file__).resolve().parents[1]

SITECUSTOMIZE = """
import socket

_LOCAL = ("127.", "::1", "localhost", "0.0.0.0")
_connect, _connect_ex, _getaddrinfo = (
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo)


def _local(address):
    host = address[0] if isinstance(address, tuple) else address
    return isinstance(host, str) and (host.startswith(_LOCAL) or host.startswith("/"))


def _refuse(what):
    raise OSError(f"network refused by test_offline: {what}")


def connect(self, address):
    if self.family == socket.AF_UNIX or _local(address):
        return _connect(self, address)
    _refuse(address)


def connect_ex(self, address):
    if self.family == socket.AF_UNIX or _local(address):
        return _connect_ex(self, address)
    _refuse(address)


def getaddrinfo(host, *args, **kwargs):
    if host is None or _local(str(host)):
        return _getaddrinfo(host, *args, **kwargs)
    _refuse(host)


socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = (
    connect, connect_ex, getaddrinfo)
"""


@pytest.fixture(scope="module")
def offline_env(tmp_path_factory):
    guard = tmp_path_factory.mktemp("guard")
    (guard / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(guard), str(ROOT), env.get("PYTHONPATH", "")])
    env["RCA_EMBED_CACHE"] = str(tmp_path_factory.mktemp("empty-cache"))  # the model really runs
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        env.pop(key, None)  # the packages must not need these to stay offline
    return env


@pytest.fixture(scope="module")
def small_month(tmp_path_factory):
    data = tmp_path_factory.mktemp("offline-data")
    generate_sample(data, months=2, seed=1)
    for name, step in (("audits.csv", 8), ("feedback.csv", 8)):
        df = pd.read_csv(data / name, dtype=str, keep_default_na=False)
        df.iloc[::step].to_csv(data / name, index=False)
    return data


def run(args, env, cwd):
    return subprocess.run(
        [sys.executable, "-m", "rca.cli", *args], env=env, cwd=cwd, capture_output=True,
        text=True, timeout=900,
    )  # fmt: skip


def test_the_guard_refuses_the_network(offline_env, tmp_path):
    code = "import urllib.request; urllib.request.urlopen('http://example.com', timeout=5)"
    done = subprocess.run([sys.executable, "-c", code], env=offline_env, capture_output=True,
                          text=True, cwd=tmp_path)  # fmt: skip
    assert done.returncode != 0 and "network refused by test_offline" in done.stderr


def test_analyze_and_batch_run_offline_with_the_multilingual_backend(
    offline_env, small_month, tmp_path
):
    analysis = tmp_path / "analysis"
    done = run(["analyze", "--data", str(small_month), "--out", str(analysis)], offline_env,
               tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    info = json.loads((analysis / "workspace" / "workspace.json").read_text())
    assert "e5" in json.dumps(info["embedder_choice"])  # auto chose the multilingual backend

    plan = tmp_path / "plan.yaml"
    plan.write_text('reports:\n  - notebook: executive\n    title: "Executive {month}"\n')
    out = tmp_path / "outputs"
    done = run(["batch", "--month", "2026-10", "--plan", str(plan), "--data", str(small_month),
                "--out", str(out)], offline_env, tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    page = (out / "2026-10" / "executive.html").read_text()
    assert "Languages of comments and feedback" in page and "Top drivers" in page
