"""The month's shared folder and private working area: built aside, swapped in together, repaired.

A batch run (test_batch.py) interrupted in the swap is covered there; here each state a crashed
process can leave behind is laid out by hand and repaired by the next run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rca.batch.month_folder import (
    MonthBuild,
    default_work_root,
    quarantine_files,
    recover,
    shared_month_folder,
    start_build,
)
from rca.core.errors import ParameterError

MONTH = "2026-10"
DEAD = 999999999  # no such process


def _folder(path: Path, content: str) -> None:
    path.mkdir(parents=True)
    (path / "index.html").write_text(content)


def _read(path: Path) -> str | None:
    return (path / "index.html").read_text() if path.exists() else None


# What a process killed at each point of the swap leaves: (shared root, work root) entries.
# Names: "month" / "tmp" / "old" are <month>, .<month>.tmp-<pid>, .<month>.old-<pid>.
CRASHES = {
    "while building": ({"month": "old", "tmp": "new"}, {"month": "old", "tmp": "new"}),
    "after moving the old folders aside": (
        {"old": "old", "tmp": "new"},
        {"old": "old", "tmp": "new"},
    ),
    "after the new work area went in": (
        {"old": "old", "tmp": "new"},
        {"old": "old", "month": "new"},
    ),
    "after both went in": ({"old": "old", "month": "new"}, {"old": "old", "month": "new"}),
}
EXPECTED = {
    "while building": "old",
    "after moving the old folders aside": "old",
    "after the new work area went in": "old",  # undone: never a new work area with an old month
    "after both went in": "new",
}


@pytest.mark.parametrize("crash", list(CRASHES))
def test_a_crashed_swap_is_repaired_to_one_consistent_month(tmp_path: Path, crash: str) -> None:
    out, work = tmp_path / "out", tmp_path / "out" / ".work"
    names = {"month": MONTH, "tmp": f".{MONTH}.tmp-{DEAD}", "old": f".{MONTH}.old-{DEAD}"}
    for root, layout in zip((out, work), CRASHES[crash], strict=True):
        for name, content in layout.items():
            _folder(root / names[name], content)
    recover(out, work, MONTH)
    assert _read(out / MONTH) == _read(work / MONTH) == EXPECTED[crash]
    assert sorted(p.name for p in out.iterdir()) == [".work", MONTH]
    assert sorted(p.name for p in work.iterdir()) == [MONTH]


def test_a_live_run_is_left_alone(tmp_path: Path) -> None:
    import os

    live = tmp_path / f".{MONTH}.tmp-{os.getppid()}"  # a running process, not this one
    live.mkdir()
    recover(tmp_path, tmp_path / ".work", MONTH)
    assert live.exists()


def test_a_build_swaps_both_folders_in_and_discards_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = start_build(out, None, MONTH)
    assert first.work == out / ".work" / MONTH and first.work.parent == default_work_root(out)
    (first.shared_tmp / "index.html").write_text("one")
    (first.work_tmp / "index.html").write_text("one")
    first.swap_in()
    second = start_build(out, None, MONTH)
    (second.shared_tmp / "index.html").write_text("two")
    second.discard()
    assert _read(out / MONTH) == _read(out / ".work" / MONTH) == "one"
    assert sorted(p.name for p in out.iterdir()) == [".work", MONTH]


def test_a_work_folder_elsewhere(tmp_path: Path) -> None:
    build = start_build(tmp_path / "out", tmp_path / "private", MONTH)
    assert build == MonthBuild(tmp_path / "out" / MONTH, tmp_path / "private" / MONTH)
    assert build.work_tmp.is_dir() and build.shared_tmp.is_dir()


@pytest.mark.parametrize(
    ("work", "message"),
    [
        ("out/2026-10", "overlap"),
        ("out/2026-10/private", "overlap"),
        ("out/2026-09/private", "inside the shared month folder"),
    ],
)
def test_a_work_folder_in_a_shared_month_is_refused(tmp_path: Path, work: str, message: str):
    shared = tmp_path / "out" / "2026-09"  # last month's shared folder
    _folder(shared, "x")
    (shared / "manifest.json").write_text("{}")
    with pytest.raises(ParameterError, match=message):
        start_build(tmp_path / "out", tmp_path / work, MONTH)
    assert shared_month_folder(tmp_path / work) in (None, shared)


def test_shared_month_folder_needs_a_month_with_index_and_manifest(tmp_path: Path) -> None:
    month = tmp_path / "outputs" / MONTH
    _folder(month, "x")
    assert shared_month_folder(month / "quarantine") is None  # no manifest: not a batch month
    (month / "manifest.json").write_text("{}")
    assert shared_month_folder(month / "quarantine") == month.resolve()
    assert shared_month_folder(tmp_path / "outputs" / ".work" / "quarantine") is None


def test_quarantine_files_of_an_analysis(tmp_path: Path) -> None:
    folder = tmp_path / "analysis" / "workspace" / "quarantine"
    folder.mkdir(parents=True)
    (folder / "audits.audits.quarantine.csv").write_text("x")
    (folder / "notes.txt").write_text("x")
    assert quarantine_files(tmp_path / "analysis") == [folder / "audits.audits.quarantine.csv"]
