from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rca.core.errors import InputError, ParameterError
from rca.themes.causes import load_taxonomy, map_causes
from rca.themes.curation import apply_curation, record_signatures
from rca.themes.curation_file import (
    Curation,
    load_curation,
    merge,
    normalise_key,
    pin,
    rename,
    save_curation,
    theme_key,
)
from rca.themes.embedders import FakeEmbedder

# Four themes as ThemeModel reports them (keywords best first), plus the unassigned row.
THEMES = [
    (-1, "Unassigned", 3, "", ["ok"]),
    (0, "Macro / outdated / template", 12,
     "macro, outdated, template, old, steps, link, policy, update, email, form",
     ["macro still lists the old steps", "template has the old link"]),
    (1, "Code / sms / login", 9, "code, sms, login, otp, arrives, resend, phone, expired",
     ["sms code never arrives", "otp expired before it came"]),
    (2, "Otp / resend / phone", 6, "otp, resend, phone, verification, code, text, number",
     ["resend does nothing, no text on my phone"]),
    (3, "Rude / tone / empathy", 5, "rude, tone, empathy, cold, upset, dismissive",
     ["agent was rude and cold"]),
]  # fmt: skip
MACRO = "macro, old, outdated, steps, template"
CODE = "arrives, code, login, otp, sms"
OTP = "code, otp, phone, resend, verification"
RUDE = "cold, empathy, rude, tone, upset"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="module")
def run(taxonomy):
    """topics, theme_info and causes of one analysis run."""
    info = pd.DataFrame(THEMES, columns=["theme_id", "theme_label", "size", "keywords", "examples"])
    topics = np.repeat(info["theme_id"].to_numpy(), info["size"].to_numpy())
    return topics, info, map_causes(info, FakeEmbedder(), taxonomy)


def apply(run, curation, **kwargs):
    topics, info, causes = run
    return apply_curation(topics, info, causes, curation, **kwargs)


def test_theme_keys_are_sorted_top_five_keywords(run):
    _, info, _ = run
    assert [theme_key(r) for _, r in info.iterrows()] == ["unassigned", MACRO, CODE, OTP, RUDE]


@pytest.mark.parametrize(
    ("written", "key"),
    [("Template, MACRO,old ,outdated, steps", MACRO), ("b, a, a", "a, b"), (" , ", "")],
)
def test_normalise_key(written, key):
    assert normalise_key(written) == key


def label(result, theme_id):
    return result.theme_info.set_index("theme_id").loc[theme_id, "theme_label"]


def cause(result, theme_id):
    return result.causes.set_index("theme_id").loc[theme_id]


@pytest.mark.parametrize(
    ("edit", "check"),
    [
        pytest.param(
            lambda c: rename(c, MACRO, "Outdated ID-verification macro"),
            lambda r: label(r, 0) == "Outdated ID-verification macro"
            and r.theme_info.set_index("theme_id")["renamed"].tolist() == [True, False, False,
                                                                            False, False],
            id="rename",
        ),
        pytest.param(
            lambda c: merge(c, [CODE, OTP]),
            lambda r: 2 not in set(r.theme_ids) and (r.theme_ids == 1).sum() == 15
            and r.theme_info.set_index("theme_id").loc[1, "size"] == 15
            and r.theme_info.set_index("theme_id").loc[1, "merged_from"] == [2]
            and len(r.theme_info.set_index("theme_id").loc[1, "examples"]) == 3
            and 2 not in set(r.causes["theme_id"]),
            id="merge",
        ),
        pytest.param(
            lambda c: pin(c, RUDE, "people.knowledge_gap"),
            lambda r: cause(r, 3)["root_cause"] == "people.knowledge_gap"
            and cause(r, 3)["cause_name"] == "Knowledge gap" and bool(cause(r, 3)["pinned"])
            and not r.causes.set_index("theme_id").drop(index=3)["pinned"].any(),
            id="pin",
        ),
    ],
)  # fmt: skip
def test_edits_are_applied(run, taxonomy, edit, check):
    result = apply(run, edit(Curation()), taxonomy=taxonomy)
    assert check(result)
    assert result.unmatched == []


def test_merged_theme_is_renamed_and_pinned_through_its_first_key(run, taxonomy):
    curation = pin(rename(merge(Curation(), [CODE, OTP]), CODE, "OTP not arriving"), CODE,
                   "product.bug")  # fmt: skip
    result = apply(run, curation, taxonomy=taxonomy)
    assert label(result, 1) == "OTP not arriving"
    assert cause(result, 1)["root_cause"] == "product.bug"
    assert result.theme_info["size"].tolist() == sorted(result.theme_info["size"], reverse=True)


def test_inputs_and_curations_are_not_modified(run):
    topics, info, causes = run
    before = (topics.copy(), info.copy(deep=True), causes.copy(deep=True))
    empty = Curation()
    edited = pin(merge(rename(empty, MACRO, "x"), [CODE, OTP]), RUDE, "people.soft_skills")
    assert empty == Curation() and edited != empty
    apply(run, edited)
    np.testing.assert_array_equal(topics, before[0])
    pd.testing.assert_frame_equal(info, before[1])
    pd.testing.assert_frame_equal(causes, before[2])


def test_merge_folds_overlapping_groups():
    curation = merge(merge(Curation(), [CODE, OTP]), [MACRO, OTP])
    assert curation.merges == ((MACRO, OTP, CODE),)


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda c: rename(c, MACRO, "  "), "name is empty"),
        (lambda c: rename(c, " , ", "x"), "theme key"),
        (lambda c: merge(c, [MACRO, "outdated, MACRO, old, template, steps"]), "two or more"),
        (lambda c: pin(c, MACRO, "outdated macro"), "not a cause id"),
    ],
)
def test_invalid_edits(edit, fragment):
    with pytest.raises(ParameterError, match=fragment):
        edit(Curation())


def test_round_trip(tmp_path):
    curation = Curation(
        renames={MACRO: 'Outdated "ID" macro: café', CODE: "OTP"},
        merges=((CODE, OTP),),
        pins={RUDE: "people.soft_skills"},
        signatures={MACRO: (0.5, -0.25, 0.0)},
    )
    path = save_curation(curation, tmp_path / "curation.yaml")
    assert path.read_text(encoding="utf-8").startswith("# rca curation")
    assert load_curation(path) == curation
    assert load_curation(save_curation(Curation(), tmp_path / "empty.yaml")) == Curation()


def test_missing_file_is_an_empty_curation(tmp_path):
    assert load_curation(tmp_path / "nope.yaml") == Curation()


def test_curated_names_survive_a_refit_with_other_topic_ids(run, taxonomy):
    topics, info, causes = run
    curation = pin(rename(rename(Curation(), MACRO, "Old macro"), RUDE, "Rudeness"), MACRO,
                   "process.outdated_macro")  # fmt: skip
    new_id = {-1: -1, 0: 7, 1: 4, 2: 5, 3: 6}  # a refit numbers the same themes differently
    shuffled = info.assign(theme_id=info["theme_id"].map(new_id)).iloc[::-1]
    refit = apply_curation(
        np.array([new_id[t] for t in topics]),
        shuffled,
        causes.assign(theme_id=causes["theme_id"].map(new_id)),
        curation,
        taxonomy=taxonomy,
    )
    assert (label(refit, 7), label(refit, 6)) == ("Old macro", "Rudeness")
    assert cause(refit, 7)["root_cause"] == "process.outdated_macro"
    assert refit.matches == {MACRO: 7, RUDE: 6}
    assert refit.unmatched == []


def test_keys_tolerate_keyword_drift(run):
    topics, info, causes = run
    drifted = info.copy()
    drifted.loc[1, "keywords"] = "sms, code, never, login, otp, received"  # 4 of CODE's 5
    result = apply_curation(topics, drifted, causes, rename(Curation(), CODE, "OTP"))
    assert label(result, 1) == "OTP"


def test_signatures_match_themes_whose_keywords_changed(run):
    topics, info, causes = run
    centroids = {t: np.eye(4)[t] for t in range(4)}
    curation = record_signatures(rename(Curation(), RUDE, "Rudeness"), info, centroids)
    assert curation.signatures[RUDE] == (0.0, 0.0, 0.0, 1.0)
    renamed = info.assign(keywords=info["keywords"].where(info["theme_id"] != 3, "impolite, x"))
    by_centroid = apply_curation(topics, renamed, causes, curation, centroids=centroids)
    assert label(by_centroid, 3) == "Rudeness"
    without = apply_curation(topics, renamed, causes, curation)
    assert [u.key for u in without.unmatched] == [RUDE]


@pytest.mark.parametrize(
    ("curation", "expected"),
    [
        pytest.param(rename(Curation(), "refund, delay, weeks", "Refunds"),
                     ("renames", "refund, delay, weeks", "no current theme has 2 of its 3"),
                     id="matches-nothing"),
        pytest.param(rename(merge(Curation(), [CODE, OTP]), OTP, "Resend"),
                     ("renames", OTP, f"merged into '{CODE}'"), id="merged-away"),
        pytest.param(pin(Curation(), RUDE, "people.rudeness"),
                     ("pins", RUDE, "not a cause in the taxonomy"), id="unknown-cause"),
        pytest.param(rename(rename(Curation(), MACRO, "A"), "macro, old, outdated, x, y", "B"),
                     ("renames", "macro, old, outdated, x, y", f"closer key '{MACRO}'"),
                     id="theme-taken"),
        pytest.param(merge(Curation(), ["gone, theme, here", CODE]),
                     ("merges", "gone, here, theme", "no current theme"), id="merge-target"),
    ],
)  # fmt: skip
def test_entries_that_match_nothing_are_reported(run, taxonomy, curation, expected):
    result = apply(run, curation, taxonomy=taxonomy)
    assert len(result.unmatched) == 1
    entry = result.unmatched[0]
    section, key, fragment = expected
    assert (entry.section, entry.key) == (section, normalise_key(key))
    assert fragment in entry.reason and fragment in str(entry) and "\n" not in str(entry)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        pytest.param("renames: {a: [b\n", 2, "not valid YAML", id="bad-yaml"),
        pytest.param("- renames\n", 1, "expected a mapping with sections", id="not-a-mapping"),
        pytest.param("pins: {}\nrename: {a: b}\n", 2,
                     "unknown key 'rename' (did you mean 'renames'?)", id="unknown-section"),
        pytest.param("renames:\n  'a, b': ''\n", 2, "key 'renames.a, b': expected non-empty",
                     id="empty"),
        pytest.param("renames: [a, b]\n", 1,
                     "key 'renames': expected a mapping of theme key to value", id="not-a-table"),
        pytest.param("renames:\n  'a, b': x\n  'b, a': y\n", 3,
                     "key 'renames.b, a': theme key 'b, a' is given twice", id="key-twice"),
        pytest.param("renames:\n  a: x\n  a: y\n", 3,
                     "key 'renames.a': written twice (first at line 2)", id="yaml-key-twice"),
        pytest.param("merges:\n  - [a, b]\n  - [a]\n", 3, "key 'merges[1]': ['a'] needs two",
                     id="merge-of-one"),
        pytest.param("merges:\n  - [a, b]\n  - [c,\n     b]\n", 4,
                     "key 'merges[1][1]': theme key 'b' is in two merges", id="two-merges"),
        pytest.param("pins:\n\n  a: outdated macro\n", 3, "key 'pins.a': 'outdated macro' is not",
                     id="bad-pin"),
        pytest.param("signatures: {a: [x]}\n", 1, "key 'signatures.a': expected a list of numbers",
                     id="bad-signature"),
    ],
)  # fmt: skip
def test_invalid_curation_file_gives_a_one_line_error(tmp_path, text, line, fragment):
    path = tmp_path / "curation.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_curation(path)
    assert str(info.value).startswith(f"{path}, line {line}: ") and "\n" not in str(info.value)
    assert fragment in str(info.value)


def test_registry_keys_name_their_theme_by_id_whatever_its_keywords(run, taxonomy):
    """A ``theme:<id>`` key and a key linked to a registry id apply to that id only."""
    from rca.themes.curation_file import registry_id_of, registry_key

    assert registry_key(2) == "theme:2" and registry_id_of(" Theme:2 ") == 2
    assert registry_id_of(MACRO) is None
    curation = rename(rename(Curation(), registry_key(2), "Resend does nothing"), RUDE, "Tone")
    # RUDE's keywords belong to theme 3, but an earlier run tied the key to registry theme 1
    result = apply(run, curation, taxonomy=taxonomy, links={RUDE: 1})
    assert label(result, 2) == "Resend does nothing"
    assert label(result, 1) == "Tone" and label(result, 3) == "Rude / tone / empathy"
    assert result.matches == {RUDE: 1, "theme:2": 2} and not result.unmatched


def test_a_registry_key_whose_theme_is_absent_is_reported(run, taxonomy):
    result = apply(run, rename(Curation(), "theme:9", "Gone theme"), taxonomy=taxonomy)
    assert [u.key for u in result.unmatched] == ["theme:9"]
    assert "registry theme 9 has no texts" in result.unmatched[0].reason
