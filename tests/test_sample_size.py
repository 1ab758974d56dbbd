"""Audit sample sizes checked against published worked examples (Cochran; Israel; Hanley)."""

from __future__ import annotations

import math

import pytest
from statsmodels.stats.proportion import proportion_confint

import rca.stats.sample_size
from rca.core.errors import ParameterError
from rca.stats.sample_size import (
    SAMPLE_PLAN_COLUMNS,
    audit_sample_size,
    sample_size_for_margin,
    zero_error_floor,
)


def test_public_names() -> None:
    assert rca.stats.sample_size.__all__ == [
        "SAMPLE_PLAN_COLUMNS", "audit_sample_size", "sample_size_for_margin", "zero_error_floor",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        # Cochran, W. G. (1977), Sampling Techniques, 3rd ed., §4.4: n0 = z^2 p q / d^2 with
        # p = 0.5, d = 0.05, z = 1.96 gives 384.16, i.e. 385 items.
        (None, 385),
        # Israel, G. D. (1992, rev. 2013), "Determining Sample Size", University of Florida IFAS
        # Extension PEOD6, eq. 3 worked example: a population of 2,000 gives
        # n = 385 / (1 + (385 - 1) / 2000) = 323.
        (2000, 323),
    ],
)
def test_cochran_published_examples(population: int | None, expected: int) -> None:
    assert sample_size_for_margin(0.5, 0.05, 0.95, population) == expected


def test_zero_error_floor_is_the_rule_of_three() -> None:
    # Hanley & Lippman-Hand (1983), JAMA 249: with 0 events in n, the 95 % upper bound is
    # about 3 / n; the exact bound needs n >= ln(0.05) / ln(1 - e): 99 for e = 3 points,
    # 59 for e = 5 points (3 / 0.05 = 60 by the rule of three).
    assert zero_error_floor(0.03) == 99
    assert zero_error_floor(0.05) == 59
    assert 0.97**99 <= 0.05 < 0.97**98


@pytest.mark.parametrize("accuracy", [1.0, 0.99, 0.999])
def test_never_zero_and_never_the_wald_plan(accuracy: float) -> None:
    n = 1000
    correct = round(accuracy * n)
    wald = sample_size_for_margin(correct / n, 0.03)  # 0 items at 100 %, 43 at 99 %
    plan = audit_sample_size(correct, n, 0.03)
    assert plan["n"] >= zero_error_floor(0.03) > 0
    assert plan["n"] > wald
    assert plan["expected_accuracy"] == pytest.approx(accuracy)
    # Planning p: the Wilson bound nearest 0.5 (statsmodels' Wilson interval, for the plumbing)
    lo, _hi = proportion_confint(correct, n, alpha=0.05, method="wilson")
    assert plan["planning_accuracy"] == pytest.approx(lo)


def test_interval_holding_one_half_plans_with_one_half() -> None:
    plan = audit_sample_size(6, 10, 0.05)
    assert plan["planning_accuracy"] == 0.5
    assert plan["n"] == 385  # Cochran's example above
    assert audit_sample_size(0, 0, 0.05)["n"] == 385  # nothing audited: p = 0.5
    assert math.isnan(audit_sample_size(0, 0, 0.05)["expected_accuracy"])


def test_the_population_is_used_when_given() -> None:
    big = audit_sample_size(900, 1000, 0.03)
    finite = audit_sample_size(900, 1000, 0.03, population=2000)
    assert finite["n"] < big["n"]
    n0 = big["n_formula"]  # Cochran's correction on the uncorrected size, rounded up
    assert finite["n"] == math.ceil(n0 / (1 + (n0 - 1) / 2000)) or finite["n"] == math.ceil(
        sample_size_for_margin(finite["planning_accuracy"], 0.03, 0.95, 2000)
    )
    assert audit_sample_size(1000, 1000, 0.03, population=40)["n"] == 40  # never more than N
    assert set(finite) == set(SAMPLE_PLAN_COLUMNS) and finite["population"] == 2000


@pytest.mark.parametrize(
    "kwargs",
    [
        {"correct": 5, "n": 4, "margin": 0.05},
        {"correct": 1, "n": 4, "margin": 0},
        {"correct": 1, "n": 4, "margin": 0.05, "population": 0},
        {"correct": 1, "n": 4, "margin": 0.05, "confidence": 95},
    ],
)
def test_bad_arguments(kwargs: dict[str, float]) -> None:
    with pytest.raises(ParameterError):
        audit_sample_size(**kwargs)  # type: ignore[arg-type]
