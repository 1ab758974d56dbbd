"""The monthly plan: checked whole before anything runs; titles from the registry; mappings."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import ROOT

from rca.batch.plan import expand_plan, load_plan
from rca.core.errors import InputError, ParameterError

EXAMPLE_MAPPING = ROOT / "parameters" / "mappings" / "vendor_example.yaml"
AUDITS = pd.DataFrame(
    {
        "audit_date": ["2026-10-02", "2026-10-09", "2026-09-30"],
        "team": ["Team Kestrel", "Team Orca", "Team Wren"],
        "agent": ["a1", "a2", "a3"],
    }
)


def write(tmp_path, text: str):
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_plan_loads_without_mappings():
    plan = load_plan(ROOT / "parameters" / "monthly.yaml")
    assert plan.mappings == {}
    assert [e.notebook for e in plan.entries][:2] == ["executive", "operations"]


def test_mappings_resolve_relative_to_the_plan(tmp_path):
    (tmp_path / "mappings").mkdir()
    shutil.copy(EXAMPLE_MAPPING, tmp_path / "mappings" / "vendor.yaml")
    path = write(
        tmp_path,
        "reports:\n  - notebook: executive\nmappings:\n  audits: mappings/vendor.yaml\n",
    )
    plan = load_plan(path)
    assert plan.mappings == {"audits": (tmp_path / "mappings" / "vendor.yaml").resolve()}


@pytest.mark.parametrize(
    ("mappings", "line", "says"),
    [
        ("  tickets: m.yaml\n", 4,
         "unknown key 'mappings.tickets'; expected one of audits, feedback"),
        ("  audit: m.yaml\n", 4, "unknown key 'mappings.audit' (did you mean 'audits'?)"),
        ("  audits: missing.yaml\n", 4,
         "key 'mappings.audits': mapping file 'missing.yaml' not found"),
        ("  audits: [m.yaml]\n", 4, "key 'mappings.audits': expected a mapping file path"),
        ("  audits: ''\n", 4, "key 'mappings.audits': expected a mapping file path"),
        ("  feedback: m.yaml\n", 4,
         "key 'mappings.feedback': 'm.yaml' is a mapping for audits, not feedback"),
        ("  audits: m.yaml\n  audits: m.yaml\n", 5, "key 'mappings.audits': written twice"),
        (" [audits]\n", 3, "key 'mappings': expected 'kind: mapping file' pairs"),
    ],
)  # fmt: skip
def test_bad_mappings_are_one_line_errors(tmp_path, mappings, line, says):
    shutil.copy(EXAMPLE_MAPPING, tmp_path / "m.yaml")
    path = write(tmp_path, "reports:\n  - notebook: executive\nmappings:\n" + mappings)
    with pytest.raises(ParameterError) as info:
        load_plan(path)
    assert str(info.value).startswith(f"{path}, line {line}: {says}"), str(info.value)


def test_a_broken_mapping_file_names_itself(tmp_path):
    (tmp_path / "m.yaml").write_text("kind: audits\ndecimal: ';'\n", encoding="utf-8")
    path = write(tmp_path, "reports:\n  - notebook: executive\nmappings:\n  audits: m.yaml\n")
    with pytest.raises(InputError) as info:
        load_plan(path)
    assert str(info.value).startswith(f"{tmp_path / 'm.yaml'}, line 2: key 'decimal'")


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("reports: []\n", 1, "key 'reports': expected a non-empty list of reports"),
        ("report:\n  - notebook: executive\n", 1, "unknown key 'report' (did you mean 'reports'?)"),
        ("reports:\n  - notebook: executiv\n", 2,
         "key 'reports[0].notebook': unknown notebook 'executiv' (did you mean 'executive'?)"),
        ("reports:\n  - notebook: operations\n", 2,
         "key 'reports[0]': operations is built per team: add 'each: team'"),
        ("reports:\n  - notebook: operations\n    each: agent\n", 3,
         "key 'reports[0].each': operations: unknown parameter 'agent'"),
        ("reports:\n  - notebook: executive\n    title: 'Summary {team}'\n", 3,
         "key 'reports[0].title': title uses {team}; allowed: month"),
        ("reports:\n  - notebook: explore\n    each: market\n    parameters: {top_n: 3}\n"
         "    title: 'Themes in {market}, top {top_n}'\n", 5,
         "key 'reports[0].title': title uses {top_n}; allowed: market, month"),
        ("reports:\n  - notebook: executive\n    title: [x]\n", 3,
         "key 'reports[0].title': expected text"),
        ("reports:\n  - notebook: executive\n    parameters:\n      top_n: 0\n", 4,
         "key 'reports[0].parameters.top_n': executive: parameter 'top_n' = 0 is invalid"),
        ("reports:\n  - notebook: executive\n    parameters: [1]\n", 3,
         "key 'reports[0].parameters': expected a mapping"),
        ("parameters:\n  month: 2026-10\nreports:\n  - notebook: executive\n", 2,
         "key 'parameters.month': 'month' is set by the batch"),
        ("reports:\n  - notebook: executive\n  - notebook: executive\n", 3,
         "key 'reports[1]': a second 'executive' entry; give it a 'name'"),
        ("reports:\n  - notebook: executive\n    only: [a]\n", 3,
         "key 'reports[0].only': expected a non-empty list"),
        ("reports:\n  - notebook: executive\ncuration: 3\n", 3,
         "key 'curation': expected a file path"),
        ("- reports\n", 1, "expected a mapping with reports, parameters, curation, mappings"),
    ],
)  # fmt: skip
def test_bad_plans_name_file_line_and_key(tmp_path, text, line, says):
    path = write(tmp_path, text)
    with pytest.raises(ParameterError) as info:
        load_plan(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line {line}: {says}"), message
    assert "\n" not in message


def test_titles_default_to_the_registry_and_may_use_text_parameters(tmp_path):
    path = write(
        tmp_path,
        "reports:\n  - notebook: executive\n  - notebook: operations\n    each: team\n"
        "  - notebook: operations\n    name: kestrel\n    parameters: {team: Team Kestrel}\n"
        "  - notebook: agent_feedback\n    each: agent\n    title: '{agent} for {month}'\n",
    )
    planned = expand_plan(load_plan(path), AUDITS, "2026-10", "ws")
    assert [p.title for p in planned] == [
        "Executive summary 2026-10",
        "Operations · Team Kestrel · 2026-10",
        "Operations · Team Orca · 2026-10",
        "Operations · Team Kestrel · 2026-10",
        "a1 for 2026-10",
        "a2 for 2026-10",
    ]
    assert [p.stem for p in planned][3] == "kestrel"
    assert planned[3].parameters["team"] == "Team Kestrel"
