"""Paths and environment, resolved in one place.

Every other module asks this one where things live; nothing else builds paths from ``__file__``
or the working directory.

Two kinds of places:

- resources the library runs with (the report notebooks, the default parameters): found in
  ``RCA_HOME``, else in the source checkout when running from one, else in the copy shipped
  inside the installed package (`notebooks_dir`, `default_parameters_dir`);
- the *working folder* of a team, whose ``parameters/``, ``data/`` and ``outputs/`` the commands
  use by default (`working_dir`): the current directory when ``rca init`` made it, else
  ``RCA_HOME``, else the checkout, else the current directory.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

__all__ = [
    "OFFLINE_ENV",
    "bundled_dir",
    "cache_dir",
    "checkout_root",
    "data_dir",
    "default_parameters_dir",
    "default_store_path",
    "embedding_cache_dir",
    "notebooks_dir",
    "outputs_dir",
    "parameter_file",
    "parameters_dir",
    "project_root",
    "set_offline",
    "version",
    "working_dir",
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


def checkout_root() -> Path | None:
    """Return the source checkout this package runs from, or None for an installed package.

    A checkout is recognised by a ``pyproject.toml`` naming the project ``rca`` next to the
    package folder (an editable install or ``PYTHONPATH`` pointing at the clone).
    """
    root = Path(__file__).resolve().parents[2]
    try:
        with (root / "pyproject.toml").open("rb") as fh:
            project = tomllib.load(fh).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return root if project.get("name") == "rca" else None


def bundled_dir() -> Path:
    """Return the copy of ``notebooks/`` and ``parameters/`` shipped inside the wheel.

    The top-level folders of the checkout are the sources; the build copies them into
    ``rca/_bundled/`` (see ``setup.py``). In a checkout this folder does not exist.
    """
    return Path(__file__).resolve().parents[1] / "_bundled"


def _rca_home() -> Path | None:
    env = os.environ.get("RCA_HOME")
    return Path(env).resolve() if env else None


def _resource(name: str) -> Path:
    """Return the first ``name`` folder of ``RCA_HOME``, the checkout, the installed package."""
    homes = (_rca_home(), checkout_root(), bundled_dir())
    candidates = [home / name for home in homes if home is not None]
    return next((path for path in candidates if path.is_dir()), candidates[-1])


def project_root() -> Path:
    """Return the folder holding the notebooks and default parameters the library uses.

    ``RCA_HOME`` when set, else the source checkout when running from one, else the copy
    shipped inside the installed package (`bundled_dir`).
    """
    return _rca_home() or checkout_root() or bundled_dir()


def notebooks_dir() -> Path:
    """Return the folder of the report notebooks.

    ``RCA_HOME/notebooks`` when it exists, else the checkout's ``notebooks/``, else the copy in
    the installed package.
    """
    return _resource("notebooks")


def default_parameters_dir() -> Path:
    """Return the shipped parameter files (plan, root-cause taxonomy, example mapping).

    ``RCA_HOME/parameters`` when it exists, else the checkout's ``parameters/``, else the copy in
    the installed package. `parameters_dir` prefers the working folder's own files.
    """
    return _resource("parameters")


def working_dir() -> Path:
    """Return the working folder whose ``parameters/``, ``data/`` and ``outputs/`` the CLI uses.

    The first of: the current directory when it holds ``parameters/monthly.yaml`` (as made by
    ``rca init``); ``RCA_HOME``; the source checkout when running from one; the current
    directory.
    """
    cwd = Path.cwd()
    if (cwd / "parameters" / "monthly.yaml").is_file():
        return cwd
    return _rca_home() or checkout_root() or cwd


def parameters_dir() -> Path:
    """Return the folder of the YAML parameter files in use.

    The working folder's ``parameters/`` (`working_dir`) when it exists, else the shipped
    defaults (`default_parameters_dir`).
    """
    own = working_dir() / "parameters"
    return own if own.is_dir() else default_parameters_dir()


def parameter_file(name: str) -> Path:
    """Return parameter file ``name`` (e.g. ``monthly.yaml``) of the working folder.

    Falls back to the shipped default when the working folder has no such file.
    """
    own = working_dir() / "parameters" / name
    return own if own.is_file() else default_parameters_dir() / name


def outputs_dir() -> Path:
    """Return the default folder for generated reports.

    ``RCA_OUTPUTS`` when set, else ``outputs/`` in the working folder (`working_dir`).
    """
    env = os.environ.get("RCA_OUTPUTS")
    return Path(env).resolve() if env else working_dir() / "outputs"


def data_dir() -> Path:
    """Return the default folder of the exports.

    ``data/`` in the working folder when it exists (``rca init`` makes one), else the sample
    data that ``rca sample`` and ``rca demo`` write (``.work/sample-data`` in `outputs_dir`: the
    private working area, as the sample holds planted personal data).
    """
    own = working_dir() / "data"
    return own if own.is_dir() else outputs_dir() / ".work" / "sample-data"


def default_store_path() -> Path:
    """Return the default history store: ``history.duckdb`` in the private working area.

    That is ``.work/history.duckdb`` in `outputs_dir` (``outputs/.work/history.duckdb`` of the
    working folder), where ``rca batch`` keeps its private files by default.
    """
    return outputs_dir() / ".work" / "history.duckdb"


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
