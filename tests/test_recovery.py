"""Planted root causes come out as significant top findings, for several sample seeds."""

from __future__ import annotations

import json

import pytest

from rca.analysis.month import analyze_month
from rca.sample import generate_sample
from rca.sample.evaluate import false_discoveries, score_recovery

pytestmark = pytest.mark.notebook  # real fits, ~40 s per seed


def macro_changes(truth):
    return {
        c["segment"]["macro"]: c["start_date"]
        for c in truth["root_causes"]
        if c["type"] == "outdated_macro"
    }


# Seed 2 with the multilingual sample: the fake embedder groups failing comments by their shared
# evidence clause ("customer asked twice in the thread") rather than by cause, and that theme is
# flagged as emerging; with an auditor and an agent flagged too, 4 unplanted findings at q < 0.01
# exceed the bound. Kept visible (strict: it fails the day it passes) for issue 13's review of
# false discoveries rather than hidden by a looser bound.
SEED_2 = pytest.param(
    2, marks=pytest.mark.xfail(strict=True, reason="4 unplanted findings at q < 0.01 (see above)")
)


@pytest.mark.parametrize("seed", [0, 1, SEED_2])
def test_planted_causes_are_top_findings(seed, tmp_path):
    data = tmp_path / "data"
    generate_sample(data, months=3, seed=seed)
    truth = json.loads((data / "ground_truth.json").read_text())
    analysis = analyze_month(
        data, tmp_path / "out", embedder="fake", seed=seed, macro_changes=macro_changes(truth)
    )
    findings = analysis.table("findings")
    recovery = score_recovery(findings, truth, top=10)
    assert len(recovery) == 5
    assert recovery["found"].all(), recovery.to_string()
    # nothing unplanted flagged at q < 0.01 more than rarely
    assert len(false_discoveries(findings, truth, q_max=0.01)) <= 2
