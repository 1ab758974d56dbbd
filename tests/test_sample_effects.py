"""Effect presets of the sample (issue 13 §3): sizes, entities varying by seed, the null sample."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import run_cli
from scipy.stats import chi2_contingency, f_oneway

from rca.core.errors import ParameterError
from rca.ingest.schemas import KINDS
from rca.ingest.validate import validate_file
from rca.sample import EFFECTS, generate_sample
from rca.sample.effects import EFFECT_SIZES, effect_sizes
from rca.sample.measure import MEASURES, measure_effects
from rca.sample.org import BUG_MARKETS, make_plan, stale_macro_candidates
from rca.sample.text import Dice
from rca.sample.vocab import AI_LABELS, BUG_KIND_IDS, MACROS, RUBRIC_ITEMS

#: Segment keys per cause type (contract A of issue 13).
SEGMENT_KEYS = {
    "outdated_macro": {"macro", "queue"},
    "product_bug": {"market", "queue", "bug"},
    "new_agent_cohort": {"team", "agents"},
    "lenient_auditor": {"auditor"},
    "ai_confusion": {"gold_label", "model_label"},
    "disputed_rubric_item": {"item"},
}
#: The bug's rows come from rca/sample/feedback.py, which plants by preset once the bug kinds
#: (rca.sample.bugs) land; before that it plants the demo's bug at the demo's size.


def truth_of(out: Path) -> dict[str, Any]:
    return json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))


def read(out: Path, kind: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{kind}.csv", dtype=str, keep_default_na=False)


def plans(seeds: range) -> list[Any]:
    return [make_plan(Dice(np.random.default_rng(s)), "2026-10", 6) for s in seeds]


# --- presets, schema ----------------------------------------------------------------------------


@pytest.mark.parametrize("effects", EFFECTS)
def test_each_preset_generates_valid_files_and_its_truth(tmp_path: Path, effects: str) -> None:
    summary = generate_sample(tmp_path, months=2, seed=3, effects=effects, volume=0.2)
    for kind in KINDS:
        result = validate_file(summary.files[kind], kind)
        assert result.n_quarantined == 0 and not result.problems, kind
    truth = truth_of(tmp_path)
    assert truth["format_version"] == 2
    assert truth["effects"] == effects
    assert truth["effect_sizes"] == effect_sizes(effects).as_dict()
    if effects == "none":
        assert truth["root_causes"] == []
        return
    causes = {c["type"]: c for c in truth["root_causes"]}
    assert set(causes) == set(SEGMENT_KEYS)
    for type_, cause in causes.items():
        assert set(cause["segment"]) == SEGMENT_KEYS[type_], type_
        assert cause["effect_name"] == effects
        assert isinstance(cause["effect"], float) and cause["effect"] > 0
        assert {"id", "kind", "title", "description", "first_month"} <= set(cause)
        assert ("n_rows" in cause) == ("row_ids" in cause)
    assert causes["outdated_macro"]["effect"] == effect_sizes(effects).macro_fail
    assert causes["product_bug"]["segment"]["bug"] in BUG_KIND_IDS


@pytest.mark.parametrize(("effects", "volume"), [("none", 0.3), ("small", 0.2)])
def test_same_seed_preset_and_volume_give_identical_bytes(
    tmp_path: Path, effects: str, volume: float
) -> None:
    first = generate_sample(tmp_path / "a", months=2, seed=4, effects=effects, volume=volume)
    again = generate_sample(tmp_path / "b", months=2, seed=4, effects=effects, volume=volume)
    for kind, path in first.files.items():
        assert path.read_bytes() == again.files[kind].read_bytes(), kind


def test_volume_scales_the_rows(tmp_path: Path) -> None:
    small = generate_sample(tmp_path / "a", months=2, seed=1, volume=0.25)
    full = generate_sample(tmp_path / "b", months=2, seed=1)
    for kind in ("audits", "ai_labels", "calibration"):
        assert 0.15 < small.counts[kind] / full.counts[kind] < 0.4, kind


def test_cli_effects_and_volume(monkeypatch: Any, capsys: Any, tmp_path: Path) -> None:
    code, out, _ = run_cli(monkeypatch, capsys, "sample", "--out", str(tmp_path), "--months", "2",
                           "--effects", "none", "--volume", "0.1")  # fmt: skip
    assert code == 0 and "audits.csv" in out
    assert truth_of(tmp_path)["effects"] == "none"
    code, _, err = run_cli(monkeypatch, capsys, "sample", "--out", str(tmp_path), "--effects", "x")
    assert code == 2 and "none, small, medium, large" in err


def test_unknown_preset() -> None:
    with pytest.raises(ParameterError, match="effects must be one of"):
        effect_sizes("huge")


def test_presets_grow_from_none_to_large() -> None:
    sizes = [EFFECT_SIZES[name] for name in EFFECTS]
    for field in ("macro_fail", "bug_share", "cohort_error", "auditor_bias", "ai_confusion",
                  "disputed_sd"):  # fmt: skip
        values = [getattr(s, field) for s in sizes]
        assert values == sorted(values) and len(set(values)) == 4, field
    assert [s.equal_rates for s in sizes] == [True, False, False, False]


# --- which entities: drawn by seed ---------------------------------------------------------------


def test_entities_vary_over_seeds() -> None:
    drawn = plans(range(10))
    assert len({p.stale_macro for p in drawn}) >= 3
    assert len({p.stale_queue for p in drawn}) >= 2
    assert len({p.bug_market for p in drawn}) >= 3
    assert len({p.bug_kind for p in drawn}) >= 2
    assert len({p.ai_pair for p in drawn}) >= 3
    assert len({p.disputed_item for p in drawn}) >= 2
    assert len({p.lenient_auditor for p in drawn}) >= 3
    assert len({p.cohort_team for p in drawn}) >= 2
    for plan in drawn:
        assert plan.stale_macro in stale_macro_candidates()
        assert next(m.queue for m in MACROS if m.id == plan.stale_macro) == plan.stale_queue
        assert plan.bug_market in BUG_MARKETS and plan.bug_kind in BUG_KIND_IDS
        assert plan.ai_pair[0] != plan.ai_pair[1] and set(plan.ai_pair) <= set(AI_LABELS)
        assert RUBRIC_ITEMS[plan.disputed_item] == "1-5"


def test_the_plan_does_not_depend_on_the_preset() -> None:
    """``none`` draws the same entities as the planted presets of the same seed."""
    make = [make_plan(Dice(np.random.default_rng(5)), "2026-10", 4, effects=e) for e in EFFECTS]
    fields = ("stale_macro", "bug_market", "bug_kind", "ai_pair", "disputed_item", "change_date")
    for plan in make[1:]:
        assert all(getattr(plan, f) == getattr(make[0], f) for f in fields)
    assert all(a.skill == 0.0 for a in make[0].agents)
    assert len({a.skill for a in make[-1].agents}) > 10


def test_stale_macro_candidates_are_the_more_used_half() -> None:
    candidates = stale_macro_candidates()
    assert len(MACROS) / 2 <= len(candidates) < len(MACROS)
    assert "MAC-ACC-004" in candidates and "MAC-SAF-007" not in candidates


# --- none: nothing planted, equal rates ---------------------------------------------------------


@pytest.fixture(scope="module")
def null_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("null")
    generate_sample(out, months=6, seed=11, effects="none")
    return out


def not_significant(frame: pd.DataFrame, group: str, outcome: str) -> float:
    """Chi-square test of independence of ``outcome`` and ``group`` (scipy); returns p."""
    table = pd.crosstab(frame[group], frame[outcome])
    return float(chi2_contingency(table).pvalue)


@pytest.mark.parametrize("group", ["agent", "auditor", "macro_id", "queue", "market", "month"])
def test_none_fails_audits_at_the_same_rate_everywhere(null_sample: Path, group: str) -> None:
    audits = read(null_sample, "audits").assign(month=lambda d: d.audit_date.str[:7])
    audits = audits[audits.macro_id != ""] if group == "macro_id" else audits
    assert not_significant(audits, group, "passed") > 0.001


def test_none_has_no_planted_rows(null_sample: Path) -> None:
    truth = truth_of(null_sample)
    assert truth["root_causes"] == [] and truth["effects"] == "none"
    feedback = read(null_sample, "feedback")
    month = feedback.date.str[:7]
    bugs = (feedback.agent_label == "bug").groupby(month).mean()
    assert bugs.max() - bugs.min() < 0.03  # no burst of bug reports in any month


def test_none_ai_model_is_equally_accurate_on_every_label(null_sample: Path) -> None:
    ai = read(null_sample, "ai_labels").assign(right=lambda d: d.model_label == d.gold_label)
    assert not_significant(ai, "gold_label", "right") > 0.001
    assert ai.right.mean() > 0.93  # above the analysis' default target accuracy of 0.9
    wrong = ai[~ai.right]
    top = pd.crosstab(wrong.gold_label, wrong.model_label).div(ai.gold_label.value_counts(), axis=0)
    assert top.max().max() < 0.03  # no pair stands out


def test_none_auditors_rate_like_the_expert(null_sample: Path) -> None:
    cal = read(null_sample, "calibration").assign(rating=lambda d: pd.to_numeric(d.rating))
    key = ["session_id", "case_id", "item"]
    expert = cal[cal.is_expert == "true"].set_index(key).rating.rename("ref")
    rated = cal[cal.is_expert == "false"].join(expert, on=key)
    scale = rated[rated.item.map(RUBRIC_ITEMS) == "1-5"]
    gap = (scale.rating - scale.ref).groupby(scale.auditor).mean()
    assert gap.abs().max() < 0.15
    by_auditor = [g.rating - g.ref for _, g in scale.groupby("auditor")]
    assert f_oneway(*by_auditor).pvalue > 0.001
    spread = scale.groupby(key).rating.std().groupby("item").mean()
    assert spread.max() / spread.min() < 1.25  # no disputed item


# --- sizes: measured near nominal ---------------------------------------------------------------


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    runs = []
    for seed in (0, 1, 2):
        out = tmp_path_factory.mktemp(f"medium{seed}")
        generate_sample(out, months=3, seed=seed, effects="medium")
        runs.append(measure_effects(out))
    return {k: float(np.mean([r[k] for r in runs])) for k in MEASURES}


@pytest.mark.parametrize(
    ("measure", "lo", "hi"),
    [
        ("macro_fail", 7.0, 23.0),  # 0.2 x (1 - ~25 % base) = +15 points
        ("cohort_error", 10.0, 20.0),  # +15 points of 'missed verification'
        ("auditor_bias", 0.2, 0.4),  # +0.3 points (ratings clipped to 1-5)
        ("ai_confusion", 0.10, 0.20),  # 15 %
        ("disputed_sd", 1.2, 2.0),  # sd 0.9 against 0.5, after rounding to whole points
    ],
)
def test_medium_effects_are_near_their_nominal_sizes(
    medium: dict[str, float], measure: str, lo: float, hi: float
) -> None:
    assert lo <= medium[measure] <= hi, medium


def test_medium_bug_share_is_near_nominal(medium: dict[str, float]) -> None:
    assert 0.01 <= medium["bug_share"] <= 0.03
