"""The command line as users meet it: help, exit codes, one-line errors, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, run_cli

BAD = ROOT / "tests" / "data" / "bad"
VENDOR = ROOT / "tests" / "data" / "vendor"


def test_help_lists_the_commands(monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "--help")
    assert code == 0
    for command in ("sample", "validate", "demo"):
        assert command in out


@pytest.mark.parametrize(
    ("file", "kind", "code", "expect"),
    [
        ("missing_column.csv", "audits", 2, "missing required audits column 'agent'"),
        ("empty.csv", "audits", 2, "file is empty"),
        ("image.csv", "audits", 2, "PNG image, not text"),
        ("audits.docx", "audits", 2, "unsupported file type"),
        ("malformed.jsonl", "audits", 2, "line 4 is not valid JSON"),
        ("mostly_invalid.csv", "audits", 2, "set dates.dayfirst in the mapping"),
        ("score_out_of_range.csv", "audits", 0, "quarantined"),
        ("duplicate_ids.csv", "audits", 0, "quarantined"),
        ("cp1252.csv", "audits", 0, "cp1252"),
    ],
)
def test_validate_exit_codes_and_messages(monkeypatch, capsys, tmp_path, file, kind, code, expect):
    got, out, err = run_cli(
        monkeypatch, capsys, "validate", str(BAD / file), "--kind", kind,
        "--quarantine", str(tmp_path),
    )  # fmt: skip
    assert got == code, (out, err)
    if code:
        assert err.startswith("error: ") and str(BAD / file) in err
        assert len(err.strip().splitlines()) == 1, err
        assert expect in err
        assert "Traceback" not in err
    else:
        assert expect in out


def test_validate_quarantines_rows_next_to_the_outputs(monkeypatch, capsys, tmp_path):
    code, _, _ = run_cli(
        monkeypatch, capsys, "validate", str(BAD / "score_out_of_range.csv"), "--kind", "audits",
        "--quarantine", str(tmp_path),
    )  # fmt: skip
    assert code == 0
    files = list(tmp_path.glob("*.quarantine.csv"))
    assert len(files) == 1
    assert "out of range" in files[0].read_text(encoding="utf-8-sig")


def test_validate_with_vendor_mapping(monkeypatch, capsys, tmp_path):
    code, out, _ = run_cli(
        monkeypatch, capsys, "validate", str(VENDOR / "vendor_audits.csv"), "--kind", "audits",
        "--mapping", str(ROOT / "parameters" / "mappings" / "vendor_example.yaml"),
        "--quarantine", str(tmp_path),
    )  # fmt: skip
    assert code == 0, out
    assert "30" in out


def test_unknown_kind_is_a_usage_error(monkeypatch, capsys):
    code, _, err = run_cli(monkeypatch, capsys, "validate", "x.csv", "--kind", "tickets")
    assert code == 2 and "expected one of audits" in err


def test_console_script_runs_in_a_fresh_process(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "rca.cli", "validate", str(tmp_path / "nope.csv"), "-k", "audits"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "not found" in proc.stderr
