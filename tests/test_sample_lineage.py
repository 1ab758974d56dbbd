"""Planted theme lineage in the sample (`rca sample --split-month/--merge-month`) and the registry
on sample text (`rca.themes.registry.assign_registry`)."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from conftest import run_cli

from rca.core.errors import ParameterError
from rca.sample import generate_sample
from rca.sample.lineage import MERGE_THEMES, SPLIT_THEME
from rca.store.registry_frames import RegistryState
from rca.text.keys import text_keys
from rca.text.language import detect_languages
from rca.themes.find import find_themes
from rca.themes.registry import assign_registry, state_after

#: sha256 of the files main's code (8273908) wrote for ``generate_sample(months=3, seed=1)``,
#: recorded before the lineage options existed: without them, not one byte may change.
MAIN_SHA256 = {
    "ai_labels.csv": "1544a67d885c03b588ae6d5ce446ed49c266fb2074d6b28f603e19d1eab9a325",
    "audits.csv": "9d9e13f567e29968cea16012acf3cbbb54c6597e6c65c60e6709ebd5a248af1f",
    "calibration.csv": "d18d0fce908285a4932222750857472dece3ea4ecad867a4bc4fe4b0e2027a7e",
    "feedback.csv": "16822d66433fa85cd9c88099aa1af2684187736f44b6124e0b2320ffebb2b664",
    "ground_truth.json": "5a66cbb335eacf3d95619f5d52522a56a148358ea2f12d7f48cac50e88fb23cd",
    "known_issues.csv": "4d3b7c2a3841d725a47a4d6bb5bc475901818aef96185bc52ab7d2baa3356664",
}


def test_sample_without_lineage_is_byte_identical_to_main(tmp_path):
    summary = generate_sample(tmp_path, months=3, seed=1)
    got = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in summary.files.values()}
    assert got == MAIN_SHA256


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    out = tmp_path_factory.mktemp("lineage")
    code_args = ("sample", "--out", str(out), "--months", "4", "--seed", "0", "--volume", "0.5",
                 "--split-month", "2026-08", "--merge-month", "2026-10")  # fmt: skip
    return out, code_args


def test_cli_plants_split_and_merge_and_truth_lists_them(planted, monkeypatch, capsys):
    out, args = planted
    code, _, err = run_cli(monkeypatch, capsys, *args)
    assert code == 0, err
    truth = json.loads((out / "ground_truth.json").read_text())["lineage"]
    audits = pd.read_csv(out / "audits.csv").set_index("audit_id")
    assert truth["kind"] == "audits"
    split, merge = truth["split"], truth["merge"]
    assert split["month"] == "2026-08" and split["theme"] == SPLIT_THEME
    assert merge["month"] == "2026-10" and merge["themes"] == list(MERGE_THEMES)
    for child in split["children"]:
        rows = audits.loc[child["row_ids"]]
        assert len(rows) >= 20
        assert set(rows["error_category"]) == {SPLIT_THEME}
        assert rows["audit_date"].min() >= "2026-08-01"
    words = {c["variant"]: c["row_ids"] for c in split["children"]}
    call = audits.loc[words["call"], "comment"].str.lower()
    written = audits.loc[words["written"], "comment"].str.lower()
    assert call.str.contains("call|phone").mean() > 0.9
    assert written.str.contains("written|chat|email|caps").mean() > 0.9
    merged = audits.loc[merge["row_ids"]]
    assert set(merged["error_category"]) == set(MERGE_THEMES)
    assert merged["audit_date"].min() >= "2026-10-01"
    assert merged["comment"].str.lower().str.contains("macro").mean() > 0.9
    before = audits[(audits["audit_date"] < "2026-08-01") & (audits["error_category"] == "tone")]
    assert not before["comment"].fillna("").str.contains("caller").any()


@pytest.mark.parametrize(
    ("option", "month", "message"),
    [
        ("split_month", "2026-07", "split_month must be a month of the sample after its first"),
        ("merge_month", "2027-01", "merge_month must be a month of the sample after its first"),
        ("split_month", "2026/09", "split_month must be"),
    ],
)
def test_lineage_month_outside_the_sample_is_refused(tmp_path, option, month, message):
    with pytest.raises(ParameterError, match=message):
        generate_sample(tmp_path, months=4, seed=0, **{option: month})


def _windows(folder, months):
    audits = pd.read_csv(folder / "audits.csv").dropna(subset=["comment"])
    audits["month"] = audits["audit_date"].str[:7]
    return [audits[audits["month"].isin(m)].drop_duplicates("comment") for m in months]


def test_overlapping_windows_keep_their_registry_ids(tmp_path):
    """Two 2-month windows sharing a month, fake-embedder themes: shared texts keep their ids."""
    generate_sample(tmp_path, months=3, seed=2, volume=0.15)
    first, second = _windows(tmp_path, [("2026-08", "2026-09"), ("2026-09", "2026-10")])
    state = RegistryState.empty()
    fits = []
    for month, window in (("2026-09", first), ("2026-10", second)):
        texts = window["comment"].tolist()
        themes = find_themes(texts, embedder="fake", seed=0, languages=["en"] * len(texts))
        match, members = assign_registry(themes, text_keys(texts), state, month)
        state = state_after(state, match, members, month)
        fits.append((match, members))
    (first_match, before), (match, after) = fits
    assert sorted(first_match.ids.values()) == list(range(len(first_match.ids)))
    shared = before[before >= 0].index.intersection(after.index)
    assert len(shared) > 100
    kept = (before.loc[shared] == after.loc[shared]).mean()
    continuing = match.status.loc[match.status["status"] == "continuing", "registry_id"]
    assert len(continuing) >= 0.5 * len(first_match.ids)
    # the registry's promise: a text whose theme continues keeps its id
    assert kept == pytest.approx(before.loc[shared].isin(set(continuing)).mean())
    assert kept > 0.5


@pytest.mark.real
def test_registry_on_sample_text_with_the_default_embedder(tmp_path):
    """Plumbing test on real embeddings (English comments, so MiniLM): a refit of the same
    window (texts in another order: the fit is order-free) continues every theme."""
    generate_sample(tmp_path, months=2, seed=0, volume=0.2)
    (window,) = _windows(tmp_path, [("2026-09", "2026-10")])
    texts = [t for t, lang in zip(window["comment"], detect_languages(window["comment"].tolist()),
                                  strict=True) if lang == "en"]  # fmt: skip
    keys, english = text_keys(texts), ["en"] * len(texts)
    themes = find_themes(texts, seed=0, languages=english)
    match, members = assign_registry(themes, keys, RegistryState.empty(), "2026-09")
    state = state_after(RegistryState.empty(), match, members, "2026-09")
    again = find_themes(texts[::-1], seed=0, languages=english)
    match2, members2 = assign_registry(again, keys[::-1], state, "2026-10")
    assert set(match2.status["status"]) == {"continuing"}
    assert (members2.loc[members.index] == members).all()
