"""One strict YAML reader for every file a user writes: file, line and key in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from rca.batch.parameters import load_parameter_file
from rca.batch.plan import load_plan
from rca.core.errors import InputError, ParameterError
from rca.core.yamlfile import key_name, read_yaml
from rca.ingest.columns import load_mapping
from rca.themes.causes import load_taxonomy
from rca.themes.curation_file import load_curation

CAUSE = """\
process:
  - id: process.outdated_macro
    name: Outdated macro
    description: A macro still carries old steps.
    severity: 3
    seed_phrases: [macro still references old steps]
"""
PLAN = """\
parameters:
  min_n: 30
reports:
  - notebook: executive
  - notebook: operations
    each: team
"""

# Each kind of file a user writes, its reader and the error class it raises (as before).
READERS = {
    "taxonomy": (load_taxonomy, InputError),
    "plan": (load_plan, ParameterError),
    "parameters": (lambda path: load_parameter_file(path, "executive"), ParameterError),
    "mapping": (load_mapping, InputError),
    "curation": (load_curation, InputError),
}


@pytest.mark.parametrize(
    ("kind", "text", "line", "key", "says"),
    [
        # taxonomy
        ("taxonomy", CAUSE.replace("    severity: 3\n", "    severity: 3\n    severity: 2\n"),
         6, "process[0].severity", "written twice (first at line 5)"),
        ("taxonomy", CAUSE.replace("seed_phrases", "seeds"), 6, "process[0].seeds",
         "unknown key"),
        ("taxonomy", CAUSE.replace("severity: 3", "severity: high"), 5, "process[0].severity",
         "severity must be 1, 2 or 3, got 'high'"),
        # the monthly plan
        ("plan", PLAN + "    each: agent\n", 7, "reports[1].each",
         "written twice (first at line 6)"),
        ("plan", PLAN.replace("  - notebook: executive\n",
                              "  - notebook: executive\n    titel: X\n"), 5,
         "reports[0].titel", "unknown key 'reports[0].titel' (did you mean 'title'?)"),
        ("plan", PLAN.replace("each: team", "each: colour"), 6, "reports[1].each",
         "'colour' is not one of team, agent, queue, market, auditor"),
        ("plan", PLAN.replace("min_n: 30", "min_n: thirty"), 2, "parameters.min_n",
         "executive: parameter 'min_n' = 'thirty' is invalid: expected a whole number"),
        # a parameter file of a notebook
        ("parameters", "min_n: 5\ntop_n: 3\nmin_n: 6\n", 3, "min_n",
         "written twice (first at line 1)"),
        ("parameters", "top_n: 3\nmnth: 2026-10\n", 2, "mnth",
         "executive: unknown parameter 'mnth' (did you mean 'month'?)"),
        ("parameters", "top_n: many\n", 1, "top_n",
         "executive: parameter 'top_n' = 'many' is invalid: expected a whole number"),
        # a column mapping
        ("mapping", "kind: audits\ncolumns:\n  agent: A\n  agent: B\n", 4, "columns.agent",
         "written twice (first at line 3)"),
        ("mapping", "kind: audits\ncolums: {}\n", 2, "colums",
         "unknown key 'colums' (did you mean 'columns'?)"),
        ("mapping", "kind: audits\n\npass_mark: high\n", 3, "pass_mark",
         "expected a number from 0 to 100, got 'high'"),
        # a curation file
        ("curation", "renames:\n  'a, b': x\n  'a, b': y\n", 3, "renames.a, b",
         "written twice (first at line 2)"),
        ("curation", "renames: {}\npin: {}\n", 2, "pin",
         "unknown key 'pin' (did you mean 'pins'?)"),
        ("curation", "pins:\n  'a, b': [x]\n", 2, "pins.a, b", "is not a cause id"),
    ],
)  # fmt: skip
def test_every_user_file_names_file_line_and_key(tmp_path, kind, text, line, key, says):
    read, error = READERS[kind]
    path = tmp_path / f"{kind}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error) as info:
        read(path)
    message = str(info.value)
    assert type(info.value) is error
    assert "\n" not in message
    assert message.startswith(f"{path}, line {line}: "), message
    assert f"'{key}'" in message and says in message, message


def test_the_brief_example_reads_as_promised(tmp_path):
    path = tmp_path / "monthly.yaml"
    path.write_text(PLAN.replace("each: team", "each: teams"), encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        load_plan(path)
    assert str(info.value) == (
        f"{path}, line 6: key 'reports[1].each': "
        "'teams' is not one of team, agent, queue, market, auditor"
    )


def test_lines_of_keys_and_items(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(
        "# a comment\na: 1\nb:\n  - x\n  - c: 2\n    d: [3, 4]\nbase: &base {e: 5}\n"
        "copy:\n  <<: *base\n  f: 6\n",
        encoding="utf-8",
    )
    doc = read_yaml(path)
    assert doc.data["b"] == ["x", {"c": 2, "d": [3, 4]}] and doc.data["copy"] == {"e": 5, "f": 6}
    assert doc.line(("a",)) == 2 and doc.line(("b", 0)) == 4 and doc.line(("b", 1, "d")) == 6
    assert doc.line(("b", 1, "d", 1)) == 6 and doc.line(("copy", "f")) == 10
    assert doc.line(("b", 1, "nope")) == 5  # the nearest parent the file has
    assert doc.line(()) == 1


@pytest.mark.parametrize(
    ("text", "error", "says"),
    [
        ("a: [1\n", InputError, ", line 2: not valid YAML"),
        ("a: 1\na: 2\n", InputError, ", line 2: key 'a': written twice (first at line 1)"),
        ("x:\n  - {k: 1, k: 2}\n", ParameterError,
         ", line 2: key 'x[0].k': written twice (first at line 2)"),
        (b"a: \xff\n", InputError, ": cannot read file: expected UTF-8 text"),
        (None, ParameterError, ": file not found"),
    ],
)  # fmt: skip
def test_reader_errors_are_one_line_of_the_files_class(tmp_path, text, error, says):
    path = tmp_path / "x.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(error) as info:
        read_yaml(path, error=error)
    assert str(info.value).startswith(f"{path}{says}") and "\n" not in str(info.value)


def test_an_empty_file_is_none_and_fail_without_keys_names_the_file(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    doc = read_yaml(path, error=ParameterError)
    assert doc.data is None and doc.path == Path(path)
    assert str(doc.fail((), "expected a mapping")) == f"{path}, line 1: expected a mapping"


@pytest.mark.parametrize(
    ("keys", "name"),
    [(("reports", 3, "each"), "reports[3].each"), (("a",), "a"), ((0, "b", 1), "[0].b[1]"),
     (("renames", "a, b"), "renames.a, b"), ((True,), "True")],
)  # fmt: skip
def test_key_names(keys, name):
    assert key_name(keys) == name
