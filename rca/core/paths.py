"""Paths and environment, resolved in one place.

Every other module asks this one where things live; nothing else builds paths from ``__file__``
or the working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "OFFLINE_ENV",
    "cache_dir",
    "embedding_cache_dir",
    "notebooks_dir",
    "outputs_dir",
    "parameters_dir",
    "project_root",
    "set_offline",
    "version",
]

#: Environment variables that keep Hugging Face libraries from touching the network.
OFFLINE_ENV: dict[str, str] = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def set_offline() -> None:
    """Set the offline variables for this process (and the kernels it starts)."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def project_root() -> Path:
    """Return the project checkout (the folder holding ``notebooks/`` and ``parameters/``).

    ``RCA_HOME`` overrides it; otherwise it is the parent of the installed ``rca`` package,
    which is the checkout for the editable install that ``make`` performs.
    """
    env = os.environ.get("RCA_HOME")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


def notebooks_dir() -> Path:
    """Return the folder of the report notebooks."""
    return project_root() / "notebooks"


def parameters_dir() -> Path:
    """Return the folder of the YAML parameter files."""
    return project_root() / "parameters"


def outputs_dir() -> Path:
    """Return the default folder for generated reports (``RCA_OUTPUTS`` overrides it)."""
    env = os.environ.get("RCA_OUTPUTS")
    return Path(env).resolve() if env else project_root() / "outputs"


def cache_dir() -> Path:
    """Return the user cache folder for embeddings and distilled models.

    ``RCA_CACHE_DIR`` overrides it; otherwise ``$XDG_CACHE_HOME/rca`` or ``~/.cache/rca``.
    """
    env = os.environ.get("RCA_CACHE_DIR")
    if env:
        path = Path(env)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        path = Path(base) / "rca"
    path.mkdir(parents=True, exist_ok=True)
    return path


def embedding_cache_dir() -> Path:
    """Return the folder of cached embeddings (``RCA_EMBED_CACHE`` overrides it)."""
    env = os.environ.get("RCA_EMBED_CACHE")
    path = Path(env) if env else cache_dir() / "embeddings"
    path.mkdir(parents=True, exist_ok=True)
    return path


def version() -> str:
    """Return the installed version of ``rca`` (``0+unknown`` when run from an unbuilt tree)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("rca")
    except PackageNotFoundError:
        return "0+unknown"
