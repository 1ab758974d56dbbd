"""Where rca finds things, `rca init`, the CLI's working-folder defaults and ``--mapping``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, run_cli

import rca.core.paths as paths
from rca.batch.plan import load_plan
from rca.batch.working_folder import init_working_folder
from rca.core.errors import InputError, ParameterError
from rca.ingest.inputs import check_mappings, parse_mappings

VENDOR = ROOT / "tests" / "data" / "vendor" / "vendor_audits.csv"
VENDOR_MAPPING = ROOT / "parameters" / "mappings" / "vendor_example.yaml"


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current directory outside the checkout, with no RCA_HOME or RCA_OUTPUTS."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("RCA_HOME", raising=False)
    monkeypatch.delenv("RCA_OUTPUTS", raising=False)
    return cwd


# -- where things are found ------------------------------------------------------------------


def test_the_checkout_is_recognised_by_its_pyproject():
    assert paths.checkout_root() == ROOT
    assert not paths.bundled_dir().exists()  # only a built wheel has the copy


@pytest.mark.parametrize(
    ("home", "checkout", "notebooks_from", "parameters_from"),
    [
        (False, True, "checkout", "checkout"),
        (False, False, "bundled", "bundled"),  # an installed package
        (True, True, "home", "home"),
        (True, False, "home", "home"),
    ],
)
def test_resources_come_from_rca_home_the_checkout_or_the_package(
    tmp_path, monkeypatch, elsewhere, home, checkout, notebooks_from, parameters_from
):
    roots = {name: tmp_path / name for name in ("home", "checkout", "bundled")}
    for root in roots.values():
        (root / "notebooks").mkdir(parents=True)
        (root / "parameters").mkdir()
    if home:
        monkeypatch.setenv("RCA_HOME", str(roots["home"]))
    monkeypatch.setattr(paths, "checkout_root", lambda: roots["checkout"] if checkout else None)
    monkeypatch.setattr(paths, "bundled_dir", lambda: roots["bundled"])
    assert paths.notebooks_dir() == roots[notebooks_from] / "notebooks"
    assert paths.default_parameters_dir() == roots[parameters_from] / "parameters"


def test_rca_home_without_notebooks_falls_back_to_the_shipped_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("RCA_HOME", str(tmp_path))  # a working folder: parameters only
    (tmp_path / "parameters").mkdir()
    assert paths.notebooks_dir() == ROOT / "notebooks"
    assert paths.default_parameters_dir() == tmp_path / "parameters"


@pytest.mark.parametrize(
    ("initialised", "home", "checkout", "expected"),
    [
        (True, True, True, "cwd"),  # `rca init` made the current directory: it wins
        (False, True, True, "home"),
        (False, False, True, "checkout"),
        (False, False, False, "cwd"),  # installed, nothing set: where the user is
    ],
)
def test_working_folder(tmp_path, monkeypatch, initialised, home, checkout, expected):
    places = {name: tmp_path / name for name in ("cwd", "home", "checkout")}
    for place in places.values():
        place.mkdir()
    if initialised:
        init_working_folder(places["cwd"])
    monkeypatch.chdir(places["cwd"])
    if home:
        monkeypatch.setenv("RCA_HOME", str(places["home"]))
    else:
        monkeypatch.delenv("RCA_HOME", raising=False)
    monkeypatch.delenv("RCA_OUTPUTS", raising=False)
    monkeypatch.setattr(paths, "checkout_root", lambda: places["checkout"] if checkout else None)
    work = places[expected]
    assert paths.working_dir() == work
    assert paths.outputs_dir() == work / "outputs"
    data = work / "data" if initialised else work / "outputs/.work/sample-data"
    assert paths.data_dir() == data


def test_working_folder_parameters_win_file_by_file(elsewhere, monkeypatch):
    init_working_folder(elsewhere)
    (elsewhere / "parameters" / "root_causes.yaml").unlink()
    assert paths.parameters_dir() == elsewhere / "parameters"
    assert paths.parameter_file("monthly.yaml") == elsewhere / "parameters" / "monthly.yaml"
    assert paths.parameter_file("root_causes.yaml") == ROOT / "parameters" / "root_causes.yaml"
    monkeypatch.setenv("RCA_OUTPUTS", str(elsewhere / "elsewhere"))
    assert paths.outputs_dir() == elsewhere / "elsewhere"


# -- rca init --------------------------------------------------------------------------------


def test_init_makes_a_working_folder(elsewhere, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "init", "team")
    team = elsewhere / "team"
    assert code == 0 and f"wrote {Path('team') / 'README.md'}" in out
    for name in ("monthly.yaml", "root_causes.yaml", "curation.yaml"):
        assert (team / "parameters" / name).is_file(), name
    mapping = team / "parameters" / "mappings" / "vendor_example.yaml"
    assert mapping.read_text() == VENDOR_MAPPING.read_text()
    assert (team / "data").is_dir() and (team / "outputs").is_dir()
    readme = (team / "README.md").read_text()
    assert "rca batch --month YYYY-MM" in readme and "parameters/monthly.yaml" in readme
    # the plan is the shipped one, documented `mappings:` included, and loads as it is
    plan = load_plan(team / "parameters" / "monthly.yaml")
    assert plan.entries == load_plan(ROOT / "parameters" / "monthly.yaml").entries
    assert plan.curation == team / "parameters" / "curation.yaml" and plan.mappings == {}
    assert "# mappings:" in (team / "parameters" / "monthly.yaml").read_text()
    assert yaml.safe_load((team / "parameters" / "curation.yaml").read_text()) is None


def test_init_never_overwrites_without_force(elsewhere, monkeypatch, capsys):
    team = elsewhere / "team"
    init_working_folder(team)
    plan = team / "parameters" / "monthly.yaml"
    plan.write_text("# ours\n")
    code, _, err = run_cli(monkeypatch, capsys, "init", str(team))
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "exists (and 4 more); use --force to overwrite" in err
    assert plan.read_text() == "# ours\n"
    code, _, _ = run_cli(monkeypatch, capsys, "init", str(team), "--force")
    assert code == 0 and plan.read_text() != "# ours\n"


def test_init_refuses_a_file(elsewhere):
    (elsewhere / "taken").write_text("")
    with pytest.raises(ParameterError, match="exists and is not a folder"):
        init_working_folder(elsewhere / "taken")


# -- --mapping and the plan's mappings ---------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "mapping", "says"),
    [
        ("batch", "audit=parameters/x.yaml", "mapping for 'audit': expected one of audits, "),
        ("batch", "audits", "--mapping 'audits': expected KIND=FILE"),
        ("batch", "audits=nowhere.yaml", "nowhere.yaml: mapping file for audits not found"),
        ("analyze", "feedbacks=x.yaml", "mapping for 'feedbacks': expected one of"),
        ("analyze", "=x.yaml", "expected KIND=FILE"),
        ("analyze", "calibration=nowhere.yaml", "mapping file for calibration not found"),
    ],
)
def test_bad_mapping_option_is_a_one_line_error(
    elsewhere, monkeypatch, capsys, command, mapping, says
):
    args = ["--month", "2026-10"] if command == "batch" else ["--out", str(elsewhere / "o")]
    code, _, err = run_cli(monkeypatch, capsys, command, *args, "--mapping", mapping)
    assert code == 2, err
    assert err.startswith("error: ") and says in err
    assert len(err.strip().splitlines()) == 1, err
    assert not (elsewhere / "outputs").exists() and not (elsewhere / "o").exists()


def test_mappings_are_checked_and_parsed():
    assert parse_mappings([f"audits={VENDOR_MAPPING}"]) == {"audits": VENDOR_MAPPING}
    assert check_mappings(None) == {}
    with pytest.raises(InputError, match="not found"):
        check_mappings({"feedback": "missing.yaml"})


def test_plan_mappings_resolve_relative_to_the_plan(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "v.yaml").write_text(VENDOR_MAPPING.read_text())
    plan = tmp_path / "plan.yaml"
    plan.write_text("reports:\n  - notebook: executive\nmappings: {audits: maps/v.yaml}\n")
    assert load_plan(plan).mappings == {"audits": tmp_path / "maps" / "v.yaml"}


# -- a vendor export reaches a report ----------------------------------------------------------


def _vendor_audits(sample_audits: Path) -> pd.DataFrame:
    """The sample's February audits written the way the vendor writes them, then its March file.

    Every audit row reaches rca only through ``vendor_example.yaml``: day-first dates, ``87.5%``
    scores, Pass/Fail, Y/N, the vendor's headers, ``;`` as delimiter, one market.
    """
    a = pd.read_csv(sample_audits, dtype=str, keep_default_na=False)
    a = a[a["audit_date"].str.startswith("2026-02")]
    earlier = pd.DataFrame(
        {
            "Audit ID": a["audit_id"],
            "Ticket": a["case_id"],
            "Eval Date": pd.to_datetime(a["audit_date"]).dt.strftime("%d/%m/%Y"),
            "Agent Name": a["agent"],
            "Team Lead": a["team"],
            "QA Analyst": a["auditor"],
            "Queue": a["queue"],
            "QA Score %": a["score"] + "%",
            "Result": a["passed"].map({"true": "Pass", "false": "Fail"}),
            "Critical": a["critical_error"].map({"true": "Y", "false": "N"}),
            "Error Type": a["error_category"],
            "Macro": a["macro_id"],
            "Evaluator Comments": a["comment"],
            "Internal Ref": "ref-0",
        }
    )
    march = pd.read_csv(VENDOR, sep=";", dtype=str, keep_default_na=False)
    return pd.concat([earlier, march], ignore_index=True)


def test_analyze_in_a_working_folder_reads_its_data_through_the_mapping(
    elsewhere, monkeypatch, capsys
):
    from rca.sample import generate_sample

    team = elsewhere / "team"
    init_working_folder(team)
    generate_sample(elsewhere / "sample", months=2, seed=0, end="2026-03")
    audits = _vendor_audits(elsewhere / "sample" / "audits.csv")
    audits.to_csv(team / "data" / "audits.csv", sep=";", index=False)
    monkeypatch.chdir(team)
    code, _, err = run_cli(monkeypatch, capsys, "analyze", "--out", "analysis")
    assert code == 2 and "missing required audits column" in err  # vendor headers, no mapping
    mapping = "audits=parameters/mappings/vendor_example.yaml"
    code, out, err = run_cli(monkeypatch, capsys, "analyze", "--out", "analysis",
                             "--embedder", "fake", "--mapping", mapping)  # fmt: skip
    assert code == 0, err[-3000:]
    assert "2026-03 vs 2026-02" in out
    info = json.loads((team / "analysis" / "workspace" / "workspace.json").read_text())
    assert info["data_dir"] == str(team / "data")
    assert info["counts"]["audits"] == {"rows": len(audits), "valid": len(audits),
                                        "quarantined": 0}  # fmt: skip


@pytest.mark.notebook
def test_a_vendor_export_reaches_the_reports(elsewhere, monkeypatch, capsys):
    """`rca init`, the vendor's audits in data/, the plan names the mapping: `rca batch` works."""
    from rca.sample import generate_sample

    team = elsewhere / "team"
    init_working_folder(team)
    generate_sample(elsewhere / "sample", months=2, seed=0, end="2026-03")
    for kind in ("feedback", "calibration", "ai_labels"):  # companions, canonical columns
        (elsewhere / "sample" / f"{kind}.csv").rename(team / "data" / f"{kind}.csv")
    _vendor_audits(elsewhere / "sample" / "audits.csv").to_csv(
        team / "data" / "audits.csv", sep=";", index=False
    )
    plan_file = team / "parameters" / "monthly.yaml"
    plan = yaml.safe_load(plan_file.read_text())
    plan["reports"] = [
        entry for entry in plan["reports"] if entry["notebook"] in ("executive", "operations")
    ]
    plan["reports"][1]["only"] = ["TL Kamal"]  # one of the vendor's team leads
    plan["mappings"] = {"audits": "mappings/vendor_example.yaml"}
    plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True))
    monkeypatch.chdir(team)

    code, out, err = run_cli(
        monkeypatch, capsys, "batch", "--month", "2026-03", "--embedder", "fake", "--jobs", "2"
    )
    assert code == 0, err[-3000:]
    month = team / "outputs" / "2026-03"
    assert f"Open the reports: {month / 'index.html'}" in out
    manifest = json.loads((month / "manifest.json").read_text())
    assert [r["status"] for r in manifest["reports"]] == ["ok", "ok"]
    private = json.loads((team / "outputs" / ".work" / "2026-03" / "manifest.json").read_text())
    assert private["plan"]["path"] == str(plan_file)
    workspace = team / "outputs" / ".work" / "2026-03" / "analysis" / "workspace"
    info = json.loads((workspace / "workspace.json").read_text())
    assert info["mappings"] == {"audits": str(team / "parameters/mappings/vendor_example.yaml")}
    assert info["counts"]["audits"]["quarantined"] == 0
    audits = pd.read_parquet(workspace / "audits.parquet")
    march = audits[audits["audit_date"].dt.strftime("%Y-%m") == "2026-03"]
    assert len(march) == 30 and set(march["market"]) == {"MY"}
    assert "Aisyah Rahman" in set(march["agent"]) and march["score"].max() <= 100
    assert (month / "operations" / "operations-tl-kamal.html").is_file()
    assert "TL Kamal" in (month / "operations" / "operations-tl-kamal.html").read_text()
    assert "2026-03" in (month / "executive.html").read_text()


def test_help_documents_the_working_folder(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "400")  # one line per paragraph
    code, out, _ = run_cli(monkeypatch, capsys, "--help")
    assert code == 0 and "working folder" in out and "rca init" in out
    code, out, _ = run_cli(monkeypatch, capsys, "batch", "--help")
    assert code == 0 and "working folder" in out and "KIND=FILE" in out
