"""The batch manifest: what went into a month's reports, so a month can be rebuilt and audited.

``manifest.json`` records the sha256 of every input file, the plan and the notebook sources, the
package versions, the git commit, the theme model settings and, per report, its parameters,
status, attempts and timings. Paths inside the month folder are stored relative to it.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from rca.core.paths import notebooks_dir, project_root

__all__ = [
    "PACKAGES",
    "build_manifest",
    "file_sha256",
    "git_commit",
    "package_versions",
    "relative_to",
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
)


def file_sha256(path: str | Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
        Where the analysis lives (relative to the month folder when inside it).
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
