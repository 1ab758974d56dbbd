"""Reading a month's workspace: validated, redacted inputs plus their themes, written once.

`rca.analysis.prepare.prepare_workspace` is the one place where raw exports become
report-ready tables (load -> validate -> clean and redact -> themes). Everything after it only
reads the workspace through `Workspace`, so every report of a month shows the same numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from rca.core.errors import InputError, ParameterError

__all__ = ["Workspace"]


@dataclass(frozen=True)
class Workspace:
    """Read access to a prepared month (see `rca.analysis.prepare.prepare_workspace`)."""

    path: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))
        if not (self.path / "workspace.json").exists():
            raise InputError(
                self.path, "not a workspace folder (no workspace.json); run the analysis first"
            )

    def table(self, kind: str) -> pd.DataFrame:
        """Return the validated, redacted table of ``kind`` (empty if the input was absent)."""
        file = self.path / f"{kind}.parquet"
        return pd.read_parquet(file) if file.exists() else pd.DataFrame()

    def has(self, kind: str) -> bool:
        """Return whether the data held an export of ``kind`` (even one without valid rows)."""
        return kind in self.info.get("counts", {})

    def audits(self) -> pd.DataFrame:
        """Return audits with their theme columns ``theme_id``, ``theme_label``, ``confidence``."""
        return self.table("audits")

    def themes(self, kind: str = "audits") -> pd.DataFrame:
        """Return one row per theme of ``kind``'s texts, or an empty table if none were themed.

        ``"audits"``: auditors' comments; ``"feedback"``: feedback texts; ``"ai_labels"``:
        labellers' notes where the AI model and the gold label disagree in the prepared month.
        """
        file = self.path / f"{kind.rstrip('s')}_themes.parquet"
        if not file.exists():
            return pd.DataFrame()
        info = pd.read_parquet(file)
        if "examples" in info:  # Parquet gives arrays back; callers expect lists of str
            info["examples"] = info["examples"].map(lambda ex: [str(e) for e in ex])
        return info

    @property
    def info(self) -> dict[str, Any]:
        """Return what was prepared: months, counts, quarantine, embedder, seed, timings."""
        info: dict[str, Any] = json.loads((self.path / "workspace.json").read_text())
        return info

    @property
    def latest_month(self) -> str:
        """Return the latest month present in the audits (YYYY-MM)."""
        return str(self.info["months"][-1])

    def resolve_month(self, month: str | None) -> tuple[str, str | None]:
        """Return ``(month, previous month with data or None)``; ``None`` means the latest.

        Raises
        ------
        ParameterError
            If there are no audits in ``month``.
        """
        months = list(self.info["months"])
        month = month or months[-1]
        if month not in months:
            raise ParameterError(
                f"month {month}: no audits in that month; months in the data: {', '.join(months)}"
            )
        i = months.index(month)
        return month, (months[i - 1] if i > 0 else None)
