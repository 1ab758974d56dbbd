"""The batch on a Dask cluster (two local worker processes) gives the local batch's outputs.

One cluster for the module: a small plan of test notebooks (two reports that succeed, one that
raises, one that kills the Dask worker running it on its first attempt) runs through the local
pool and through the cluster on one analysis; report files, index and manifest entries must be
the same. Embedding and theme assignment on the cluster must equal the local ones.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import run_cli
from test_batch import _BASE
from test_batch import TEST_PARAMS as BATCH_TEST_PARAMS

import rca.batch.parameters
from rca.batch.cluster import open_client
from rca.batch.monthly import run_batch
from rca.core.errors import ParameterError
from rca.themes.distributed import DistributedEmbedder, active_client, assign, use_client
from rca.themes.embedders import FakeEmbedder
from rca.themes.find import find_themes

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parent.parent
MONTH = "2026-10"
# The batch tests' notebooks (tests/data/notebooks) and one that kills its worker.
TEST_PARAMS = {**BATCH_TEST_PARAMS, "worker_killer": _BASE}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    """Two local worker processes, started in a project holding the test notebooks."""
    home = tmp_path_factory.mktemp("dask-project")
    shutil.copytree(ROOT / "tests" / "data" / "notebooks", home / "notebooks")
    shutil.copytree(ROOT / "parameters", home / "parameters")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RCA_HOME", str(home))  # before the workers start: they inherit it
        params = {**rca.batch.parameters.NOTEBOOK_PARAMS, **TEST_PARAMS}
        mp.setattr(rca.batch.parameters, "NOTEBOOK_PARAMS", params)
        mp.setattr("rca.batch.plan.NOTEBOOK_PARAMS", params)
        with open_client(workers=2) as c:
            yield c


def _plan(path: Path, counter: Path) -> Path:
    reports = [
        {"notebook": "team_probe", "name": "kestrel", "parameters": {"team": "Team Kestrel"}},
        {"notebook": "worker_killer", "parameters": {"counter": str(counter)}},
        {"notebook": "failing", "name": "raises"},
        {"notebook": "team_probe", "name": "orca", "parameters": {"team": "Team Orca"}},
    ]
    path.write_text(yaml.safe_dump({"reports": reports, "parameters": {"min_n": 30}}))
    return path


def _files(folder: Path) -> dict[str, str]:
    """Every file of a month folder, with run times blanked in the index (PDFs: by name only,
    they carry their print time)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.suffix == ".pdf":
            out[str(p.relative_to(folder))] = "PDF" if p.read_bytes()[:5] == b"%PDF-" else "?"
        elif p.is_file() and p.name != "manifest.json":
            text = p.read_text()
            out[str(p.relative_to(folder))] = re.sub(r"<td>[\d.]+ s</td>", "<td>s</td>", text)
    return out


def _entries(manifest: Path) -> list[dict]:
    """Manifest entries without run times, and PDFs by path only (they carry their print time)."""
    timing = ("started", "ended", "seconds")
    reports = json.loads(manifest.read_text())["reports"]
    for r in reports:
        if "pdf" in r.get("files", {}):
            r["files"]["pdf"] = {"path": r["files"]["pdf"].get("path")}
    return [{k: v for k, v in r.items() if k not in timing} for r in reports]


def test_batch_on_dask_equals_the_local_batch(client, sample_analysis, tmp_path: Path) -> None:
    data = sample_analysis.path.parent / "data"
    counter = tmp_path / "killer.txt"
    plan = _plan(tmp_path / "plan.yaml", counter)
    common = {"data_dir": data, "analysis_dir": sample_analysis.path, "log": lambda _m: None}

    counter.write_text("attempt\n")  # the local run: the notebook does not kill its worker
    local = run_batch(plan, MONTH, out_root=tmp_path / "local", jobs=2, **common)
    counter.write_text("")  # on the cluster: its first attempt kills the worker running it
    lines: list[str] = []
    remote = run_batch(plan, MONTH, out_root=tmp_path / "dask", client=client,
                       **{**common, "log": lines.append})  # fmt: skip

    assert counter.read_text().count("attempt") == 2  # killed once, run again elsewhere
    assert [r.status for r in remote.reports] == ["ok", "ok", "failed", "ok"]
    assert remote.failed[0].reason.startswith("ValueError: planted failure")
    assert sum("[" in line and "/4]" in line for line in lines) == 4  # each report listed once
    assert _files(remote.month_dir) == _files(local.month_dir)
    assert "finished for 2026-10" in (remote.month_dir / "worker-killer.html").read_text()
    assert _entries(remote.manifest) == _entries(local.manifest)
    private = [remote.work_dir / "manifest.json", local.work_dir / "manifest.json"]
    assert _entries(private[0]) == _entries(private[1])
    notebooks = [sorted(p.name for p in (r.work_dir / "notebooks").iterdir())
                 for r in (remote, local)]  # fmt: skip
    assert notebooks[0] == notebooks[1] == [
        "kestrel.ipynb", "orca.ipynb", "raises.ipynb", "worker-killer.ipynb"
    ]  # fmt: skip
    assert json.loads(remote.manifest.read_text())["jobs"] == 2
    assert sorted(p.name for p in (tmp_path / "dask").iterdir()) == [".work", MONTH]


def test_embedding_and_assignment_on_dask_equal_local(client, sample_analysis) -> None:
    comments = sample_analysis.workspace.audits()["comment"].dropna().astype(str)
    texts = comments[comments.str.len() > 0].tolist()[:300]
    local = FakeEmbedder().embed(texts)
    with use_client(client, chunk_size=64):
        assert active_client() is client
        wrapped = DistributedEmbedder("fake")
        assert np.array_equal(wrapped.embed(texts), local)
        remote = find_themes(texts, embedder="fake", seed=0)
        assert isinstance(remote.model.embedder_, DistributedEmbedder)
        ids, conf = assign(remote.model, texts[::-1])
    assert active_client() is None
    alone = find_themes(texts, embedder="fake", seed=0)
    assert np.array_equal(remote.theme_ids, alone.theme_ids)
    assert remote.theme_info["theme_label"].tolist() == alone.theme_info["theme_label"].tolist()
    want_ids, want_conf = alone.model.transform(texts[::-1])
    assert np.array_equal(ids, want_ids) and np.allclose(conf, want_conf)


@pytest.mark.real
def test_a_real_model_embeds_the_same_on_the_workers(client) -> None:
    texts = [f"my card payment number {i} was declined twice" for i in range(40)]
    wrapped = DistributedEmbedder("minilm")
    with use_client(client, chunk_size=16):
        remote = wrapped.embed(texts)
    assert np.allclose(remote, wrapped.local.embed(texts), atol=1e-5)


@pytest.mark.parametrize(
    ("address", "workers", "message"),
    [("tcp://127.0.0.1:1", 2, "not both"), (None, 0, "at least 1")],
)
def test_cluster_arguments_are_checked(address, workers, message: str) -> None:
    with pytest.raises(ParameterError, match=message), open_client(address, workers):
        pass


def test_no_cluster_is_the_local_path(tmp_path: Path) -> None:
    with open_client() as c:
        assert c is None
    with use_client(None):
        assert active_client() is None
    with pytest.raises(ParameterError, match="jobs"):
        run_batch(tmp_path / "plan.yaml", MONTH, data_dir=tmp_path, out_root=tmp_path,
                  jobs=2, client=object())  # fmt: skip
    assert os.environ.get("RCA_HOME") != str(tmp_path)


def test_themes_command_on_a_cluster_writes_the_local_result(
    client, sample_analysis, monkeypatch, capsys, tmp_path: Path
) -> None:
    comments = sample_analysis.workspace.audits()["comment"].dropna().astype(str)
    file = tmp_path / "comments.csv"
    comments[comments.str.len() > 0].head(150).to_frame("text").to_csv(file, index=False)
    args = ["themes", str(file), "--text-column", "text", "--embedder", "fake"]
    code, _, _ = run_cli(monkeypatch, capsys, *args, "--out", str(tmp_path / "local"))
    assert code == 0
    address = client.scheduler.address
    code, _, _ = run_cli(monkeypatch, capsys, *args, "--out", str(tmp_path / "dask"),
                         "--cluster", address)  # fmt: skip
    assert code == 0
    for name in ("assignments.csv", "themes.csv"):
        assert (tmp_path / "dask" / name).read_text() == (tmp_path / "local" / name).read_text()
    code, _, err = run_cli(monkeypatch, capsys, *args, "--out", str(tmp_path / "x"),
                           "--cluster", address, "--workers", "2")  # fmt: skip
    assert code == 2 and "not both" in err
