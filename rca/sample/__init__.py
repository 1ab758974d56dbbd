"""Built-in sample data: a realistic QA operation with planted root causes.

``generate_sample(out_dir, effects=...)`` writes the four input kinds of `rca.ingest.schemas` as
CSV, the known issues, and ``ground_truth.json`` describing the planted causes (outdated macro,
product bug, new-hire cohort, lenient auditor, AI label confusion, disputed rubric item; which
entities is decided by the seed, how strong by the preset of `rca.sample.effects`, nothing for
``"none"``) plus the rows carrying test PII and XSS payloads, so an analysis can be scored
against it.
"""

from __future__ import annotations

from rca.sample.effects import DEFAULT_EFFECTS, EFFECTS
from rca.sample.generate import SampleSummary, generate_sample

__all__ = ["DEFAULT_EFFECTS", "EFFECTS", "SampleSummary", "generate_sample"]
