"""The registry's month rule (`rca.themes.registry_month`) on synthetic vectors: the report
month's texts are placed against the registry before the refit is consulted."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from rca.store.registry_frames import RegistryState
from rca.text.keys import text_key
from rca.themes.registry import assign_registry, state_after

DIM = 24
RNG = np.random.default_rng(0)


def direction(*axes: int) -> np.ndarray:
    v = np.zeros(DIM)
    v[list(axes)] = 1.0
    return v / np.linalg.norm(v)


def texts(name: str, month: str, n: int, centre: np.ndarray) -> pd.DataFrame:
    """``n`` texts of ``month`` around ``centre`` (cosine ~0.96 to it)."""
    noise = RNG.normal(0, 0.05, (n, DIM))
    vectors = centre + noise
    return pd.DataFrame({
        "key": [text_key(f"{name} {month} {i}") for i in range(n)], "month": month,
        "fitted": name, "vector": list(vectors / np.linalg.norm(vectors, axis=1, keepdims=True)),
    })  # fmt: skip


THEMES = {"a": direction(0), "b": direction(1), "c": direction(2), "d": direction(3),
          "e": direction(4)}  # fmt: skip
QUIET = ("2026-01", "2026-02", "2026-03")


def run(months: dict[str, pd.DataFrame]):
    """The registry month by month (windows of every month so far); return each match."""
    state, seen, frames = RegistryState.empty(), {}, []
    for month, frame in months.items():
        frames.append(frame)
        window = pd.concat(frames, ignore_index=True)
        names = sorted(set(window["fitted"]))
        ids = window["fitted"].map({n: i for i, n in enumerate(names)}).to_numpy()
        vectors = np.vstack(window["vector"].to_list())
        info = pd.DataFrame(
            {
                "theme_id": range(len(names)),
                "theme_label": names,
                "keywords": [[n] for n in names],
                "size": [int((ids == i).sum()) for i in range(len(names))],
            }
        )
        centroids = {i: vectors[ids == i].mean(axis=0) for i in range(len(names))}
        themes = SimpleNamespace(theme_ids=ids, theme_info=info,
                                 model=SimpleNamespace(centroids_=centroids))  # fmt: skip
        match, members = assign_registry(
            themes,
            window["key"].tolist(),
            state,
            month,
            vectors=vectors,
            months=window["month"].tolist(),
        )
        seen[month] = (match, members, state)
        state = state_after(state, match, members, month)
    return seen


def quiet(month: str) -> pd.DataFrame:
    return pd.concat([texts(n, month, 20, c) for n, c in THEMES.items()], ignore_index=True)


def statuses(match) -> dict[int, str]:
    return dict(zip(match.status["registry_id"], match.status["status"], strict=True))


def theme_of(state: RegistryState, name: str) -> int:
    """The registry id of the theme first fitted as ``name``."""
    return int(state.themes.set_index("label").at[name, "registry_id"])


def test_quiet_months_keep_every_theme_and_make_none():
    seen = run({m: quiet(m) for m in QUIET})
    for month in QUIET[1:]:
        match, members, before = seen[month]
        assert set(statuses(match).values()) == {"continuing"}
        assert match.lineage.empty
        # every text keeps the registry id it had; the new month's texts join their theme
        kept = before.members.index.intersection(members.index)
        assert (members.loc[kept] == before.members.loc[kept]).all()
        assert (members >= 0).all()


def test_a_split_and_a_merge_are_reported_in_their_month():
    months = {m: quiet(m) for m in QUIET}
    change = pd.concat([
        texts("a", "2026-04", 20, THEMES["a"]), texts("c", "2026-04", 20, THEMES["c"]),
        # b's texts come in two ways now, each still half like b
        texts("b call", "2026-04", 12, direction(1, 5)),
        texts("b written", "2026-04", 12, direction(1, 6)),
        # d and e are written one shared way
        texts("d+e", "2026-04", 30, direction(3, 4)),
    ], ignore_index=True)  # fmt: skip
    seen = run({**months, "2026-04": change})
    match, members, before = seen["2026-04"]
    a, b, c, d, e = (theme_of(before, n) for n in "abcde")
    got = statuses(match)
    assert {r: got[r] for r in (a, b, c, d, e)} == {
        a: "continuing",
        b: "split",
        c: "continuing",
        d: "merged",
        e: "merged",
    }  # the children (new ids) are listed as new
    assert sorted(s for r, s in got.items() if r not in (a, b, c, d, e)) == ["new"] * 3
    lin = match.lineage
    split = lin[lin["relation"] == "split"]
    assert set(split["parent_id"]) == {b} and split["child_id"].nunique() == 2
    merge = lin[lin["relation"] == "merge"]
    assert set(merge["parent_id"]) == {d, e} and merge["child_id"].nunique() == 1
    # the children are new ids holding the new ways of writing, the parents' texts go with them
    fresh = set(split["child_id"]) | set(merge["child_id"])
    assert fresh.isdisjoint(before.themes["registry_id"])
    assert members.loc[before.members.index[before.members == b]].isin(fresh).all()
    new_month = change.set_index("key")["fitted"]
    assert members.loc[new_month.index[new_month == "d+e"]].nunique() == 1
    assert members.loc[new_month.index[new_month.isin(["a", "c"])]].isin({a, c}).all()


def test_a_small_group_of_new_texts_is_not_a_new_theme():
    months = {m: quiet(m) for m in QUIET}
    odd = texts("odd", "2026-04", 4, direction(7))
    seen = run({**months, "2026-04": pd.concat([quiet("2026-04"), odd], ignore_index=True)})
    match = seen["2026-04"][0]
    assert set(statuses(match).values()) == {"continuing"}
    assert not (match.themes["status"] == "new").any()


def test_a_new_theme_of_enough_texts_is_new():
    months = {m: quiet(m) for m in QUIET}
    fresh = texts("fresh", "2026-04", 25, direction(8))
    seen = run({**months, "2026-04": pd.concat([quiet("2026-04"), fresh], ignore_index=True)})
    match, members, before = seen["2026-04"]
    got = statuses(match)
    assert {got[r] for r in before.themes["registry_id"]} == {"continuing"}
    new = match.themes.loc[match.themes["status"] == "new", "registry_id"].tolist()
    assert len(new) == 1
    assert (members.loc[fresh["key"]] == new[0]).all()


def test_the_month_rule_needs_vectors_and_months():
    seen = run({QUIET[0]: quiet(QUIET[0])})
    state = state_after(RegistryState.empty(), *seen[QUIET[0]][:2], QUIET[0])
    frame = quiet(QUIET[1])
    themes = SimpleNamespace(theme_ids=np.zeros(len(frame), dtype=int),
                             theme_info=pd.DataFrame({"theme_id": [0], "theme_label": ["x"],
                                                      "keywords": [["x"]], "size": [len(frame)]}),
                             model=SimpleNamespace(centroids_={0: np.ones(DIM)}))  # fmt: skip
    with pytest.raises(ValueError, match="one vector and one month per key"):
        assign_registry(themes, frame["key"].tolist(), state, QUIET[1], rule="month")
