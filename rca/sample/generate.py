"""`generate_sample`: build every table from one seed and write the sample folder."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from rca.core.errors import ParameterError
from rca.ingest.schemas import KINDS
from rca.sample.ai_labels import make_ai_labels
from rca.sample.audits import make_audits
from rca.sample.calibration import make_calibration
from rca.sample.compose import Row, plant_xss
from rca.sample.effects import DEFAULT_EFFECTS
from rca.sample.feedback import make_feedback
from rca.sample.lineage import Lineage
from rca.sample.org import Month, make_plan
from rca.sample.text import Dice
from rca.sample.truth import build_truth
from rca.sample.writer import write_csv, write_json, write_known_issues

__all__ = ["MAX_MONTHS", "XSS_RATE", "SampleSummary", "generate_sample"]

MAX_MONTHS = 36
#: Share of audit comments and feedback texts that carry an XSS test payload.
XSS_RATE = 0.002


@dataclass(frozen=True)
class SampleSummary:
    """What `generate_sample` wrote.

    Attributes
    ----------
    out_dir
        The folder written.
    files
        Path per file kind: the four input kinds, ``known_issues`` and ``ground_truth``.
    counts
        Data rows per CSV file kind.
    months
        The months covered, ``YYYY-MM``, oldest first.
    seed
        The seed used.
    """

    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    months: list[str] = field(default_factory=list)
    seed: int = 0

    def summary(self) -> str:
        """Return a short human-readable summary (a few lines)."""
        span = f"{self.months[0]}..{self.months[-1]}" if self.months else "no months"
        n = len(self.months)
        lines = [f"Sample data, seed {self.seed}, {n} month{'' if n == 1 else 's'} ({span}):"]
        for kind, path in self.files.items():
            count = f"{self.counts[kind]:>7,} rows" if kind in self.counts else ""
            lines.append(f"  {path.name:<18}{count}")
        lines.append(f"in {self.out_dir}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _check(months: int, seed: int) -> None:
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise ParameterError(
            f"months must be a whole number from 1 to {MAX_MONTHS}, got {months!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError(f"seed must be a whole number >= 0, got {seed!r}")


def _lineage(calendar: tuple[Month, ...], split: str | None, merge: str | None) -> Lineage | None:
    """Return the planted split and merge; each month must be in the sample, after its first."""
    if split is None and merge is None:
        return None
    labels = [m.label for m in calendar]
    starts = []
    for name, month in (("split_month", split), ("merge_month", merge)):
        if month is not None and month not in labels[1:]:
            raise ParameterError(
                f"{name} must be a month of the sample after its first ({labels[1]}..{labels[-1]}),"
                f" got {month!r}"
            )
        starts.append(None if month is None else calendar[labels.index(month)].first)
    return Lineage(split_from=starts[0], merge_from=starts[1])


def _unplanted(rows: list[Row]) -> list[Row]:
    """Return ``rows`` without those marked as a planted cause (ids stay as assigned)."""
    return [r for r in rows if not r.get("_cause")]


def generate_sample(
    out_dir: str | Path,
    *,
    months: int = 6,
    seed: int = 0,
    end: str = "2026-10",
    effects: str = DEFAULT_EFFECTS,
    volume: float = 1.0,
    split_month: str | None = None,
    merge_month: str | None = None,
) -> SampleSummary:
    """Generate a realistic QA sample with planted root causes and write it to ``out_dir``.

    Writes ``audits.csv``, ``feedback.csv``, ``calibration.csv`` and ``ai_labels.csv`` (all
    canonical columns of `rca.ingest.schemas`), ``known_issues.csv`` and ``ground_truth.json``. The
    same arguments always give byte-identical files.

    Parameters
    ----------
    out_dir
        Folder to write; created if missing, existing sample files are overwritten.
    months
        Number of months, 1 to 36 (one month: a team's first export, nothing to compare with).
    seed
        Random seed; other seeds give other data with the same kinds of planted causes, planted
        in other entities (macro, market and bug, team, auditor, label pair, rubric item).
    end
        Last month covered, ``YYYY-MM``.
    effects
        Size of the planted causes, one of `rca.sample.effects.EFFECTS` (see that module for
        what each preset plants); ``"none"`` plants nothing and gives every agent, auditor,
        macro, queue, market and label the same underlying rates.
    volume
        Rows per month of every kind, as a multiple of the usual volume (0 < volume <= 10).
    split_month, merge_month
        Plant theme lineage for measuring theme identity (`rca.sample.lineage`): from
        ``split_month`` on, one theme of the audit comments (tone) comes in two clearly
        different sub-variants; from ``merge_month`` on, two themes (incomplete notes, wrong
        macro) are written one shared way. Months of the sample after its first; None (the
        default) plants nothing and leaves every byte as without the option.

    Returns
    -------
    SampleSummary
        Files written, row counts and months.

    Raises
    ------
    rca.core.errors.ParameterError
        If ``months``, ``seed``, ``end``, ``effects``, ``volume``, ``split_month`` or
        ``merge_month`` is invalid.

    Examples
    --------
    >>> from rca.sample import generate_sample
    >>> print(generate_sample("outputs/sample", months=3))  # doctest: +SKIP
    """
    _check(months, seed)
    streams = [Dice(g) for g in np.random.default_rng(seed).spawn(6)]
    plan = make_plan(streams[0], end, months, effects=effects, volume=volume)
    lineage = _lineage(plan.months, split_month, merge_month)
    if lineage is not None:
        plan = replace(plan, lineage=lineage)
    audits = make_audits(streams[1], plan)
    tables: dict[str, list[Row]] = {
        "audits": audits,
        "feedback": make_feedback(streams[2], plan, audits),
        "calibration": make_calibration(streams[3], plan, audits),
        "ai_labels": make_ai_labels(streams[4], plan),
    }
    if not plan.effects.planted:  # a safety net: no table may carry a planted cause
        tables = {kind: _unplanted(rows) for kind, rows in tables.items()}
    plant_xss(streams[5], tables["audits"], "comment", XSS_RATE)
    plant_xss(streams[5], tables["feedback"], "text", XSS_RATE)

    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    files = {kind: root / f"{kind}.csv" for kind in KINDS}
    counts = {kind: write_csv(tables[kind], kind, files[kind]) for kind in KINDS}
    files["known_issues"] = root / "known_issues.csv"
    counts["known_issues"] = write_known_issues(files["known_issues"])
    files["ground_truth"] = root / "ground_truth.json"
    write_json(build_truth(plan, seed, counts, tables), files["ground_truth"])
    return SampleSummary(
        out_dir=root,
        files=files,
        counts=counts,
        months=[m.label for m in plan.months],
        seed=seed,
    )
