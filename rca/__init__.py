"""rca: root-cause analysis workbench for QA analysts.

The public API is small; modules hold the rest (``rca.themes.model``, ``rca.ingest.validate``, ...).
"""

from __future__ import annotations

from rca.core.errors import InputError, MissingDependencyError, ParameterError, RcaError

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "MissingDependencyError",
    "ParameterError",
    "RcaError",
    "__version__",
]
