"""The month's two folders: the shared reports and the analyst's private working area.

``<out>/<YYYY-MM>/`` is what people mail and put on shared drives: the HTML reports, the index,
the screenshots of ``rca check`` and a manifest without personal data. Everything else a batch
writes (the analysis workspace with every row, the tables, the saved theme models, the executed
notebooks, the quarantine files with their original values and the full manifest) goes to the
private working area ``<work>/<YYYY-MM>/``, by default ``<out>/.work/<YYYY-MM>/``.

Both are built in temporary siblings (``.<month>.tmp-<pid>``) and swapped in together at the end
(`MonthBuild.swap_in`): readers see the old month or the new one, never a mix, and an interrupted
run leaves the previous shared folder and its working area as they were. A run that crashed
mid-swap is repaired by the next one (`recover`).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rca.core.argument_checks import MONTH_PATTERN
from rca.core.errors import ParameterError

__all__ = [
    "WORK_FOLDER",
    "MonthBuild",
    "default_work_root",
    "quarantine_files",
    "recover",
    "shared_month_folder",
    "start_build",
]

#: Name of the private working area inside the outputs folder (hidden, never a month).
WORK_FOLDER = ".work"
#: Indirection over `os.replace` for the folder swap (tests interrupt it here).
_rename: Callable[[Path, Path], None] = os.replace


def default_work_root(out_root: str | Path) -> Path:
    """Return the default private working area of an outputs folder: ``<out_root>/.work``."""
    return Path(out_root) / WORK_FOLDER


def shared_month_folder(path: str | Path) -> Path | None:
    """Return the shared month folder built by ``rca batch`` that holds ``path``, or None.

    A shared month folder is a ``YYYY-MM`` folder with a ``manifest.json`` and an ``index.html``;
    private files (a quarantine, an analysis) must never be written inside one.
    """
    resolved = Path(path).resolve()
    for folder in (resolved, *resolved.parents):
        if (
            MONTH_PATTERN.match(folder.name)
            and (folder / "manifest.json").is_file()
            and (folder / "index.html").is_file()
        ):
            return folder
    return None


def quarantine_files(analysis: str | Path) -> list[Path]:
    """Return the quarantine files of an analysis folder (``workspace/quarantine/*.csv``)."""
    return sorted((Path(analysis) / "workspace" / "quarantine").glob("*.quarantine.csv"))


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own earlier run: runs in one process are sequential
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sibling(final: Path, state: str, pid: int) -> Path:
    return final.with_name(f".{final.name}.{state}-{pid}")


def _rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


@dataclass(frozen=True)
class MonthBuild:
    """A month being built: final folders and the temporary ones the run writes into.

    Attributes
    ----------
    shared, work
        The final shared month folder and the final private working area of the month.
    shared_tmp, work_tmp
        Where the run writes them (renamed into place by `swap_in`).
    """

    shared: Path
    work: Path
    pid: int = field(default_factory=os.getpid)

    @property
    def shared_tmp(self) -> Path:
        """The shared folder under construction."""
        return _sibling(self.shared, "tmp", self.pid)

    @property
    def work_tmp(self) -> Path:
        """The working area under construction."""
        return _sibling(self.work, "tmp", self.pid)

    def _pairs(self) -> list[tuple[Path, Path]]:
        # the shared folder goes last: while its temp exists, the swap is unfinished
        return [(self.work_tmp, self.work), (self.shared_tmp, self.shared)]

    def swap_in(self) -> None:
        """Replace both final folders by the temporary ones; on any failure both old ones stay."""
        try:
            for _, final in self._pairs():
                if final.exists():
                    _rename(final, _sibling(final, "old", self.pid))
            for tmp, final in self._pairs():
                _rename(tmp, final)
        except BaseException:
            _restore(self.shared, self.work, self.pid)
            raise
        for _, final in self._pairs():
            _rmtree(_sibling(final, "old", self.pid))

    def discard(self) -> None:
        """Remove the temporary folders (the run failed before its swap)."""
        for tmp, _ in self._pairs():
            _rmtree(tmp)


def _restore(shared: Path, work: Path, pid: int) -> None:
    """Undo run ``pid``'s swap if it did not finish; drop its leftovers either way."""
    unfinished = _sibling(shared, "tmp", pid).exists()
    for final in (work, shared):
        old = _sibling(final, "old", pid)
        if old.exists() and (unfinished or not final.exists()):
            if final.exists():
                _rmtree(final)  # the new folder, already renamed in
            os.replace(old, final)
        _rmtree(old)
        _rmtree(_sibling(final, "tmp", pid))


def recover(out_root: str | Path, work_root: str | Path, month: str) -> None:
    """Repair what crashed runs of ``month`` left: unfinished swaps undone, temp folders removed.

    Runs whose process is still alive are left alone.
    """
    shared, work = Path(out_root) / month, Path(work_root) / month
    pids: set[int] = set()
    for final in (shared, work):
        for path in final.parent.glob(f".{month}.*-*"):
            m = re.fullmatch(rf"\.{re.escape(month)}\.(?:tmp|old)-(\d+)", path.name)
            if m and not _pid_alive(int(m.group(1))):
                pids.add(int(m.group(1)))
    for pid in sorted(pids):
        _restore(shared, work, pid)


def start_build(out_root: str | Path, work_root: str | Path | None, month: str) -> MonthBuild:
    """Repair crashed runs of ``month`` and create the temporary folders of a new build.

    Parameters
    ----------
    out_root
        Outputs folder; the shared month folder is ``<out_root>/<month>``.
    work_root
        Private working area; the month's private files go to ``<work_root>/<month>``. Default
        `default_work_root` (``<out_root>/.work``).
    month
        ``YYYY-MM``.

    Raises
    ------
    ParameterError
        If the working area and the shared month folder overlap, or the working area is inside
        another shared month folder.
    """
    out = Path(out_root).resolve()
    work = Path(work_root).resolve() if work_root is not None else default_work_root(out)
    build = MonthBuild(out / month, work / month)
    if build.work.is_relative_to(build.shared) or build.shared.is_relative_to(build.work):
        raise ParameterError(
            f"the private working area {build.work} and the shared month folder {build.shared} "
            "overlap; give a --work folder outside the month folder"
        )
    inside = shared_month_folder(work)
    if inside is not None:
        raise ParameterError(
            f"the private working area {work} is inside the shared month folder {inside}"
        )
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    recover(out, work, month)
    for tmp in (build.shared_tmp, build.work_tmp):
        _rmtree(tmp)
        tmp.mkdir()
    return build
