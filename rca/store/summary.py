"""What an ingest did: `IngestSummary`."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["IngestSummary"]


@dataclass(frozen=True)
class IngestSummary:
    """The months an ingest stored, what it replaced and what it made stale.

    Attributes
    ----------
    months
        The months stored (each replaced whole), sorted.
    replaced
        Those of ``months`` that were already in the store.
    rows
        Rows stored per kind.
    left_out
        Rows per kind not stored because they fall in other months (or carry no date).
    later_than_stored
        True when every stored month is later than every month the store held before (the
        usual monthly ingest); False for a replaced, earlier or in-between month.
    stale_runs
        Months already analysed whose runs read data this ingest changed (a run of a replaced
        month, or of a month later than an ingested one): run them again.
    """

    months: list[str]
    replaced: list[str]
    rows: dict[str, int]
    left_out: dict[str, int] = field(default_factory=dict)
    later_than_stored: bool = True
    stale_runs: list[str] = field(default_factory=list)

    def message(self) -> str:
        """Return one line: months stored and replaced, rows per kind, rows left out, stale runs."""
        span = ", ".join(self.months)
        parts = [f"stored {span}"]
        if self.replaced:
            parts[0] += f" (replaced {', '.join(self.replaced)})"
        parts.append(", ".join(f"{kind} {n:,}" for kind, n in self.rows.items()))
        out = {kind: n for kind, n in self.left_out.items() if n}
        if out:
            shown = ", ".join(f"{kind} {n:,}" for kind, n in out.items())
            parts.append(f"left out rows of other months: {shown}")
        if not self.later_than_stored and not self.replaced:
            parts.append("earlier than months already stored")
        if self.stale_runs:
            parts.append(
                f"runs made stale (analysed before this data): {', '.join(self.stale_runs)}"
            )
        return "; ".join(parts)
