"""The ``rca`` command line.

Every command catches `rca.core.errors.RcaError` and prints its one-line message (exit code 2)
instead of a traceback: a user's mistake is never a crash. ``python -m rca.cli`` runs it too.
"""

from __future__ import annotations

from rca.cli import demo_command as _demo_command  # noqa: F401  (registers it)
from rca.cli import store_commands as _store_commands  # noqa: F401  (registers them)
from rca.cli import training_command as _training_command  # noqa: F401  (registers it)
from rca.cli.commands import app, main

__all__ = ["app", "main"]
