"""rca: root-cause analysis workbench for QA analysts.

The few verbs a library user needs, plus the exceptions (papermill's discipline):

- `validate_file`: check an export against its schema, quarantining bad rows;
- `find_themes` / `ThemeModel`: themes and root causes of a list of texts;
- `analyze_month`: every table of a month, computed once;
- `run_batch`: the month's analysis and every planned report;
- `generate_sample`: realistic sample exports with planted root causes.

Everything else lives in the layered subpackages (``rca.ingest`` -> ``rca.text`` ->
``rca.themes`` -> ``rca.stats`` -> ``rca.findings`` -> ``rca.analysis`` -> ``rca.reports`` ->
``rca.batch``; see ARCHITECTURE.md). The verbs are imported on first use, so ``import rca`` stays
light for the report kernels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rca.core.errors import (
    InputError,
    MissingDependencyError,
    NotEnoughDataError,
    ParameterError,
    RcaError,
)

if TYPE_CHECKING:
    from rca.analysis.month import analyze_month
    from rca.batch.monthly import run_batch
    from rca.ingest.validate import validate_file
    from rca.sample.generate import generate_sample
    from rca.themes.find import find_themes
    from rca.themes.model import ThemeModel

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "MissingDependencyError",
    "NotEnoughDataError",
    "ParameterError",
    "RcaError",
    "ThemeModel",
    "__version__",
    "analyze_month",
    "find_themes",
    "generate_sample",
    "run_batch",
    "validate_file",
]

_VERBS = {
    "analyze_month": "rca.analysis.month",
    "run_batch": "rca.batch.monthly",
    "validate_file": "rca.ingest.validate",
    "generate_sample": "rca.sample.generate",
    "find_themes": "rca.themes.find",
    "ThemeModel": "rca.themes.model",
}


def __getattr__(name: str) -> Any:
    """Import a verb of `__all__` on first use."""
    if name in _VERBS:
        from importlib import import_module

        value = getattr(import_module(_VERBS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rca' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
