"""The monthly batch: plan, parallel reports, isolated failures, retries, index, manifests, swap.

What may be shared and what stays private (the two folders of a month) is tested in
test_privacy.py; the folder swap's crash repair in test_month_folder.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

import rca.batch.month_folder
import rca.batch.monthly
import rca.batch.parameters
from rca.batch.manifest import PACKAGES
from rca.batch.monthly import run_batch
from rca.batch.plan import load_plan, slugify
from rca.batch.registry import Param, _folder, _month, _text
from rca.batch.report_pool import is_kernel_failure
from rca.core.errors import ParameterError

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parent.parent
TEST_NOTEBOOKS = Path(__file__).parent / "data" / "notebooks"
MONTH = "2026-10"

# Test notebooks, declared with picklable checks so the pool's workers receive them.
_BASE = (
    Param("workspace", "", _folder),
    Param("month", None, _month),
    Param("min_n", 30, int),
    Param("counter", None, _text),
)
TEST_PARAMS = {
    "team_probe": (*_BASE, Param("team", None, _text)),
    "failing": (*_BASE, Param("mode", "raise", _text)),
}


@pytest.fixture(scope="session")
def sample_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from rca.sample import generate_sample

    data = tmp_path_factory.mktemp("batch-data")
    generate_sample(data, months=2, seed=0)
    return data


@pytest.fixture(scope="session")
def executive_batch(sample_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """A plan with the executive report, analysis included (done once)."""
    out = tmp_path_factory.mktemp("batch-out")
    plan = tmp_path_factory.mktemp("plan") / "plan.yaml"
    plan.write_text(
        'reports:\n  - notebook: executive\n    title: "Executive summary {month}"\n'
        "parameters:\n  min_n: 30\n"
    )
    lines: list[str] = []
    result = run_batch(
        plan,
        MONTH,
        data_dir=sample_data,
        out_root=out,
        jobs=1,
        embedder="fake",
        log=lines.append,
    )
    return result, lines


@pytest.fixture
def analysis_dir(executive_batch) -> Path:
    return executive_batch[0].work_dir / "analysis"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary project (RCA_HOME) holding the test notebooks, which are declared."""
    home = tmp_path / "project"
    shutil.copytree(TEST_NOTEBOOKS, home / "notebooks")
    shutil.copytree(ROOT / "parameters", home / "parameters")
    monkeypatch.setenv("RCA_HOME", str(home))
    monkeypatch.setattr(
        rca.batch.parameters,
        "NOTEBOOK_PARAMS",
        {**rca.batch.parameters.NOTEBOOK_PARAMS, **TEST_PARAMS},
    )
    monkeypatch.setattr("rca.batch.plan.NOTEBOOK_PARAMS", rca.batch.parameters.NOTEBOOK_PARAMS)
    return home


def write_plan(path: Path, reports: list[dict], parameters: dict | None = None) -> Path:
    path.write_text(yaml.safe_dump({"reports": reports, "parameters": parameters or {"min_n": 30}}))
    return path


@pytest.fixture
def batch(project: Path, analysis_dir: Path, sample_data: Path, tmp_path: Path):
    """Run a plan of test notebooks on the shared analysis: ``batch(reports, **run_batch_args)``."""

    def run(reports: list[dict], **kwargs) -> rca.batch.monthly.BatchResult:
        plan = write_plan(tmp_path / "plan.yaml", reports)
        kwargs = {"out_root": tmp_path / "out", "jobs": 1, "log": lambda _m: None, **kwargs}
        return run_batch(plan, MONTH, data_dir=sample_data, analysis_dir=analysis_dir, **kwargs)

    return run


def test_executive_plan_writes_index_and_manifest(executive_batch, sample_data: Path) -> None:
    result, lines = executive_batch
    month_dir, work = result.month_dir, result.work_dir
    assert result.ok and [r.status for r in result.reports] == ["ok"]
    assert result.reports[0].html == month_dir / "executive.html"
    assert result.reports[0].ipynb == work / "notebooks" / "executive.ipynb"
    assert result.reports[0].ipynb.exists() and work == month_dir.parent / ".work" / MONTH
    assert sorted(p.name for p in month_dir.iterdir()) == [
        "executive.html",
        "executive.pdf",
        "executive.slides.html",
        "index.html",
        "manifest.json",
    ]  # fmt: skip  (the plan's default formats: a PDF and a deck for the executive report)
    assert {"analysis", "notebooks", "manifest.json"} <= {p.name for p in work.iterdir()}
    index = result.index.read_text()
    assert 'href="executive.html"' in index and "Executive summary 2026-10" in index
    assert 'href="executive.pdf"' in index and 'href="executive.slides.html"' in index
    manifest = json.loads((work / "manifest.json").read_text())
    assert manifest["data_dir"] == str(sample_data.resolve())
    assert manifest["analysis"] == "analysis"
    assert manifest["reports"][0]["ipynb"] == "notebooks/executive.ipynb"
    digest = hashlib.sha256((sample_data / "audits.csv").read_bytes()).hexdigest()
    assert manifest["inputs"]["audits.csv"]["sha256"] == digest
    assert set(manifest["inputs"]) >= {"audits.csv", "feedback.csv", "known_issues.csv"}
    assert manifest["embedder"] == "fake" and manifest["seed"] == 0 and manifest["model"]
    assert set(manifest["packages"]) == set(PACKAGES)
    assert manifest["packages"]["papermill"] and manifest["packages"]["pandas"]
    assert manifest["git_commit"] is None or len(manifest["git_commit"]) == 40
    report = manifest["reports"][0]
    assert report["parameters"] == {"workspace": "analysis/workspace", "month": MONTH, "min_n": 30}
    assert report["html"] == "executive.html" and report["status"] == "ok"
    files = {k: v["path"] for k, v in report["files"].items()}
    assert files == {"html": "executive.html", "pdf": "executive.pdf",
                     "deck": "executive.slides.html"}  # fmt: skip
    for entry in report["files"].values():
        digest = hashlib.sha256((month_dir / entry["path"]).read_bytes()).hexdigest()
        assert entry["sha256"] == digest and entry["bytes"] > 0
    assert report["started"] <= report["ended"] and report["seconds"] > 0
    assert manifest["started"] <= manifest["ended"] and manifest["seconds"] >= report["seconds"]
    shared = json.loads(result.manifest.read_text())  # the same run, without private fields
    assert shared["plan"] == {"name": "plan.yaml", "sha256": manifest["plan"]["sha256"]}
    assert shared["inputs"] == manifest["inputs"] and shared["packages"] == manifest["packages"]
    assert "analysis" not in shared and "data_dir" not in shared
    assert shared["reports"][0]["parameters"] == {"month": MONTH, "min_n": 30}
    assert "ipynb" not in shared["reports"][0]
    assert any("[1/1] ok" in line for line in lines)
    assert [p.name for p in month_dir.parent.iterdir() if p.name.startswith(".")] == [".work"]
    assert sorted(p.name for p in work.parent.iterdir()) == [MONTH, "history.duckdb"]


def test_only_limits_each_and_names_a_value_without_audits(batch) -> None:
    entry = {"notebook": "team_probe", "each": "team", "only": ["Team Orca", "Team Kestrel"]}
    result = batch([entry])
    assert [r.parameters["team"] for r in result.reports] == ["Team Kestrel", "Team Orca"]
    with pytest.raises(ParameterError, match=r"'Team Nobody' has no audits in 2026-10; avail"):
        batch([{**entry, "only": ["Team Nobody"]}])


def test_each_expands_over_the_months_teams(batch, analysis_dir: Path) -> None:
    from rca.analysis.workspace import Workspace

    result = batch([{"notebook": "team_probe", "each": "team", "title": "{team} {month}"}], jobs=2)
    audits = Workspace(analysis_dir / "workspace").audits()
    in_month = audits["audit_date"].dt.strftime("%Y-%m") == MONTH
    teams = sorted(audits.loc[in_month, "team"].dropna().unique())
    assert len(teams) >= 2 and result.ok
    assert [r.title for r in result.reports] == [f"{t} {MONTH}" for t in teams]
    kestrel = result.month_dir / "team-probe" / "team-probe-team-kestrel.html"
    assert kestrel in [r.html for r in result.reports]
    assert "team=Team Kestrel" in kestrel.read_text()
    assert 'href="team-probe/team-probe-team-kestrel.html"' in result.index.read_text()
    manifest = json.loads(result.manifest.read_text())
    assert [r["parameters"]["team"] for r in manifest["reports"]] == teams
    assert manifest["jobs"] == 2
    private = json.loads((result.work_dir / "manifest.json").read_text())
    assert private["analysis"] == str(analysis_dir)
    assert result.reports[0].ipynb.parent == result.work_dir / "notebooks" / "team-probe"


def test_failures_are_isolated_and_kernel_deaths_retried(batch, tmp_path: Path) -> None:
    kills, raises = tmp_path / "kills.txt", tmp_path / "raises.txt"
    result = batch(
        [
            {"notebook": "failing", "name": "raises", "parameters": {"counter": str(raises)}},
            {"notebook": "failing", "name": "kills",
             "parameters": {"counter": str(kills), "mode": "kill"}},
            {"notebook": "team_probe", "parameters": {"team": "Team Kestrel"}},
        ],
        jobs=2,
        retries=2,
    )  # fmt: skip
    assert [r.ipynb.name for r in result.failed] == ["raises.ipynb", "kills.ipynb"]
    assert all(r.ipynb.is_relative_to(result.work_dir) for r in result.failed)
    assert not list(result.month_dir.rglob("*.ipynb"))
    assert result.reports[2].status == "ok" and result.reports[2].html.exists()
    raised, killed = result.failed
    assert raised.reason.startswith("ValueError: planted failure") and "\n" not in raised.reason
    assert is_kernel_failure(killed.reason) and "(3 attempts)" in killed.reason
    assert "\n" not in killed.reason
    assert raises.read_text().count("attempt") == 1
    assert kills.read_text().count("attempt") == 3
    assert "planted failure" in raised.ipynb.read_text()
    index = result.index.read_text()
    assert index.count('class="failed"') == 2 and "ValueError: planted failure" in index
    manifest = json.loads(result.manifest.read_text())
    assert [r["attempts"] for r in manifest["reports"]] == [1, 3, 1]
    assert manifest["counts"] == {"total": 3, "failed": 2}


@pytest.mark.parametrize("interrupt", ["work", "shared"])
def test_rerun_replaces_the_month_atomically(
    batch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interrupt: str
) -> None:
    out = tmp_path / "out"
    work_root = out / ".work"

    def run(name: str) -> rca.batch.monthly.BatchResult:
        return batch([{"notebook": "team_probe", "name": name, "parameters": {"team": name}}])

    run("first")
    (out / f".{MONTH}.tmp-999999999").mkdir()  # left by a crashed run
    second = run("second")
    month_dir, work = second.month_dir, second.work_dir
    assert (month_dir / "second.html").exists() and not (month_dir / "first.html").exists()
    assert (work / "notebooks" / "second.ipynb").exists()
    assert not (work / "notebooks" / "first.ipynb").exists()
    assert sorted(p.name for p in out.iterdir()) == [".work", MONTH]
    manifests = [(month_dir / "manifest.json").read_text(), (work / "manifest.json").read_text()]

    # interrupted while renaming the new working area in (nothing swapped yet), or the new shared
    # folder in (the new working area already swapped): both old folders come back
    stop = work_root if interrupt == "work" else out

    def interrupted(src: Path, dst: Path) -> None:
        if Path(src).name.startswith(f".{MONTH}.tmp-") and Path(src).parent == stop:
            raise KeyboardInterrupt
        os.replace(src, dst)

    monkeypatch.setattr(rca.batch.month_folder, "_rename", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run("third")
    assert (month_dir / "second.html").exists() and not (month_dir / "third.html").exists()
    assert (work / "notebooks" / "second.ipynb").exists()
    assert not (work / "notebooks" / "third.ipynb").exists()
    now = [(month_dir / "manifest.json").read_text(), (work / "manifest.json").read_text()]
    assert now == manifests
    assert sorted(p.name for p in out.iterdir()) == [".work", MONTH]
    assert sorted(p.name for p in work_root.iterdir()) == [MONTH]


def test_a_work_folder_inside_the_month_is_refused(batch, tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="overlap"):
        batch([{"notebook": "team_probe"}], work_root=tmp_path / "out" / MONTH / "private")


@pytest.mark.parametrize(
    ("reason", "retry"),
    [
        ("DeadKernelError: Kernel died", True),
        ("RuntimeError: Kernel didn't respond in 60 seconds", True),
        ("TimeoutError: Kernel didn't respond in 60 seconds", True),
        ("ValueError: planted failure", False),
        ("PapermillExecutionError: cell 3 raised KeyError", False),
    ],
)
def test_only_kernel_failures_are_retried(reason: str, retry: bool) -> None:
    assert is_kernel_failure(reason) is retry


@pytest.mark.parametrize(
    ("reports", "parameters", "message"),
    [
        (
            [{"notebook": "executive"}, {"notebook": "escalations", "each": "team"}],
            None,
            "unknown notebook 'escalations'",
        ),
        ([{"notebook": "executive", "each": "colour"}], None, "each': 'colour'"),
        ([{"notebook": "executive", "title": "{team}"}], None, "title uses {team}"),
        ([{"notebook": "executive"}], {"month": "2026-10"}, "'month' is set by the batch"),
        ([{"notebook": "executive"}], {"min_nn": 3}, "did you mean 'min_n'"),
        ([{"notebook": "executive"}, {"notebook": "executive"}], None, "give it a 'name'"),
        ([{"notebook": "executive", "only": ["a"]}], None, "only': expected a non-empty list"),
        ([{"notebook": "operations", "each": "team", "only": []}], None, "only': expected"),
        ([{"notebook": "operations", "each": "team", "only": "Team Orca"}], None, "only': exp"),
    ],
)
def test_bad_plans_fail_before_anything_runs(
    tmp_path: Path, reports, parameters, message: str
) -> None:
    plan = write_plan(tmp_path / "plan.yaml", reports, parameters)
    with pytest.raises(ParameterError, match=message) as err:
        run_batch(plan, MONTH, data_dir=tmp_path / "no-data", out_root=tmp_path / "out")
    assert "\n" not in str(err.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_plan_file_and_slugs() -> None:
    plan = load_plan(ROOT / "parameters" / "monthly.yaml")
    notebooks = [e.notebook for e in plan.entries]
    assert notebooks == [
        "executive", "operations", "calibration", "ai_labels", "policy_product", "explore",
        "training", "training", "agent_feedback",
    ]  # fmt: skip
    training = [e for e in plan.entries if e.notebook == "training"]
    assert [(e.stem, e.parameters) for e in training] == [
        ("training-quiz", {"mode": "quiz"}), ("training-key", {"mode": "key"})
    ]  # fmt: skip
    assert plan.parameters == {"min_n": 30}
    assert plan.curation == ROOT / "parameters" / "curation.yaml"
    assert slugify("Team Kestrel") == "team-kestrel" and slugify("Zoë O'Neil") == "zoe-o-neil"
