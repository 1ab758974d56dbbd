"""Training packs: cases chosen to teach, answer keys from the expert, score sheets and scoring.

The pack tests read the sample's own export files (the calibration ratings as generated, the
ground truth's planted disputed item) as the independent reference, not the analysis tables.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from conftest import run_cli

from rca.core.errors import InputError
from rca.stats.training_cases import EXCLUSION_RULE, pick_cases
from rca.stats.training_scores import (
    SHEET_COLUMNS,
    check_sheet,
    normalise_answer,
    score_answers,
    score_sheet,
    sheet_name,
)

# -- the month's packs on the sample data ----------------------------------------------------


@pytest.fixture(scope="module")
def data(sample_analysis):
    folder = sample_analysis.path.parent / "data"
    truth = json.loads((folder / "ground_truth.json").read_text())
    ratings = pd.read_csv(folder / "calibration.csv")
    ratings["is_expert"] = ratings["is_expert"].astype(str).str.lower() == "true"
    audits = pd.read_csv(folder / "audits.csv", dtype=str, keep_default_na=False)
    return truth, ratings, audits


@pytest.fixture(scope="module")
def packs(sample_analysis):
    return sample_analysis.table("training_packs"), sample_analysis.table("training_cases")


def _auditor_sd(ratings: pd.DataFrame, item: str) -> pd.Series:
    """SD (ddof 0) of the auditors' ratings per session and case of one item, by numpy."""
    mine = ratings[(ratings["item"] == item) & ~ratings["is_expert"]]
    return mine.groupby(["session_id", "case_id"])["rating"].agg(lambda v: np.std(v.to_numpy()))


def test_the_planted_disputed_item_gets_a_pack_of_its_most_disputed_cases(packs, data):
    truth, ratings, _ = data
    disputed = next(c for c in truth["root_causes"] if c["type"] == "disputed_rubric_item")
    item = disputed["segment"]["item"]
    table, cases = packs
    row = table[table["subject"] == item]
    assert list(row["kind"]) == ["rubric item"] and float(row["alpha"].iloc[0]) < 0.667
    mine = cases[cases["pack_id"] == row["pack_id"].iloc[0]]
    assert len(mine) == 8 and set(mine["item"]) == {item}
    # the planted disagreement: the pack's cases spread far more than the item's typical case
    # and than the other 1-5 items' cases (noise sd 0.5 there)
    sd = _auditor_sd(ratings, item)
    chosen = sd.loc[list(zip(mine["session_id"], mine["case_id"], strict=True))]
    assert chosen.mean() > sd.mean()  # the most disputed first, within the pass/fail balance
    others = [i for i in ("policy accuracy", "resolution", "tone", "documentation") if i != item]
    typical = pd.concat([_auditor_sd(ratings, i) for i in others]).mean()
    assert chosen.mean() > 2 * typical
    assert all(max(r) - min(r) >= 2 for r in mine["auditor_ratings"])


def test_answer_keys_are_the_experts_ratings(packs, data):
    _, ratings, _ = data
    _, cases = packs
    expert = ratings[ratings["is_expert"]].set_index(["session_id", "case_id", "item"])["rating"]
    rated = cases[cases["question"] == "rate"]
    assert len(rated) >= 8
    for c in rated.itertuples(index=False):
        value = float(expert[(c.session_id, c.case_id, c.item)])
        want = ("pass" if value == 1 else "fail") if c.options == "pass / fail" else f"{value:g}"
        assert c.answer == want, (c.case_id, c.item)


def test_packs_balance_pass_and_fail_and_spread_over_queues_and_markets(packs):
    _, cases = packs
    for pack_id, mine in cases.groupby("pack_id"):
        verdicts = mine["verdict"].value_counts()
        assert abs(verdicts.get("pass", 0) - verdicts.get("fail", 0)) <= 1, pack_id
        assert mine["queue"].nunique() >= 3 and mine["market"].nunique() >= 4, pack_id
        assert mine["case_id"].is_unique and list(mine["case_no"]) == list(range(1, 9))


def test_a_team_pack_never_holds_that_teams_own_cases(packs, data):
    truth, _, audits = data
    table, cases = packs
    cohort = next(c for c in truth["root_causes"] if c["type"] == "new_agent_cohort")
    team = cohort["segment"]["team"]
    coaching = table[table["kind"] == "coaching"]
    assert team in set(coaching["team"])  # the planted cohort's need is clear and gets a pack
    for row in coaching.itertuples(index=False):
        mine = cases[cases["pack_id"] == row.pack_id]
        teams = audits.set_index("case_id").loc[mine["case_id"], "team"]
        assert row.team not in set(teams) and row.excluded_team == row.team
        fails = mine[mine["answer"] == "fail"]
        assert set(audits.set_index("case_id").loc[fails["case_id"], "error_category"]) == {
            row.subject
        }


def test_no_personal_data_in_the_cases(packs):
    _, cases = packs
    assert "agent" not in cases and "auditor" not in cases
    text = " ".join(cases["comment"].dropna())
    assert not re.search(r"[\w.]+@[\w.]+\.\w+", text)  # e-mails are redacted to [EMAIL]


# -- selection rule on a small table ---------------------------------------------------------


def _candidates(n: int = 12) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case_id": [f"C{i}" for i in range(n)],
            "verdict": ["fail"] * (n // 3) + ["pass"] * (n - n // 3),
            "disagreement": np.linspace(1, 0.1, n),
            "queue": ["q1"] * (n // 2) + ["q2"] * (n - n // 2),
            "market": [f"m{i % 3}" for i in range(n)],
        }
    )


def test_pick_cases_alternates_verdicts_spreads_and_is_seeded():
    df = _candidates()
    picked = pick_cases(df, 6, seed=0, pack_id="p")
    assert list(picked["verdict"]) == ["fail", "pass"] * 3
    assert set(picked["queue"]) == {"q1", "q2"} and set(picked["market"]) == {"m0", "m1", "m2"}
    assert picked["case_no"].tolist() == [1, 2, 3, 4, 5, 6]
    # when one verdict runs out the other fills in
    assert len(pick_cases(df, 12, seed=0, pack_id="p")) == 12
    # ties are broken by the seed: equal disagreement everywhere
    flat = df.assign(disagreement=0.5, queue="q", market="m")
    first = pick_cases(flat, 4, seed=1, pack_id="p")["case_id"].tolist()
    assert pick_cases(flat, 4, seed=1, pack_id="p")["case_id"].tolist() == first
    others = {tuple(pick_cases(flat, 4, seed=s, pack_id="p")["case_id"]) for s in range(2, 8)}
    assert len(others | {tuple(first)}) > 1


# -- score sheets and scoring ----------------------------------------------------------------

KEY = pd.DataFrame(
    {
        "pack_id": ["item-tone"] * 3 + ["coaching-x"] * 2,
        "case_no": [1, 2, 3, 1, 2],
        "case_id": ["C1", "C2", "C3", "C4", "C5"],
        "item": ["tone"] * 3 + ["missed verification"] * 2,
        "options": ["1 / 2 / 3 / 4 / 5"] * 3 + ["pass / fail"] * 2,
        "answer": ["4", "2", "5", "fail", "pass"],
        "comment": ["secret reason"] * 5,
    }
)


def _sheet(answers: list[str]) -> pd.DataFrame:
    sheets = [score_sheet(KEY, p, "2026-10") for p in ("item-tone", "coaching-x")]
    return pd.concat(sheets, ignore_index=True).assign(trainee_answer=answers).astype(str)


def test_the_score_sheet_holds_no_answer():
    sheet = score_sheet(KEY, "item-tone", "2026-10")
    assert list(sheet.columns) == list(SHEET_COLUMNS)
    assert (sheet["trainee_answer"] == "").all() and "answer" not in sheet
    assert "secret reason" not in sheet.to_csv() and sheet_name("p") == "score-sheet-p.csv"


def test_scoring_gives_the_hand_computed_percentages():
    # tone: 4 right, 3 wrong, 5 right -> 2 of 3 = 66.7 %; coaching: blank, pass -> 1 of 2 = 50 %
    checked = check_sheet(_sheet(["4", "3", "5.0", "", "Yes"]), KEY, "s.csv")
    per_item, missed = score_answers(checked, KEY)
    assert per_item.set_index("item")["percent"].round(1).to_dict() == {
        "tone": 66.7, "missed verification": 50.0
    }  # fmt: skip
    assert missed[["case_id", "given", "answer"]].values.tolist() == [
        ["C2", "3", "2"], ["C4", None, "fail"]
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    [("4", "1 / 2 / 3 / 4 / 5", "4"), ("4.0", "1 / 2 / 3 / 4 / 5", "4"),
     ("6", "1 / 2 / 3 / 4 / 5", None), ("FAIL", "pass / fail", "fail"),
     ("1", "pass / fail", "pass"), ("maybe", "pass / fail", None)],
)  # fmt: skip
def test_answers_are_read_in_the_keys_form(value, options, expected):
    assert normalise_answer(value, options) == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.drop(columns="trainee_answer"), "column 'trainee_answer': missing column"),
        (lambda s: s.assign(trainee_answer=["4", "x", "5", "", ""]),
         "column 'trainee_answer', row 3: answer 'x' is not allowed; expected one of 1 / 2"),
        (lambda s: s.assign(pack_id=["item-tone"] * 4 + ["nope"]),
         "column 'pack_id', row 6: unknown pack 'nope'"),
        (lambda s: s.assign(case_no=["1", "2", "9", "1", "2"]),
         "column 'case_no', row 4: case number '9' is not in pack item-tone; expected one of 1"),
        (lambda s: s.assign(case_no=["1", "1", "3", "1", "2"]),
         "column 'case_no', row 3: case 1 of pack item-tone is listed twice"),
    ],
)  # fmt: skip
def test_a_malformed_sheet_gives_one_line_naming_file_row_and_column(change, message):
    with pytest.raises(InputError) as err:
        check_sheet(change(_sheet([""] * 5)), KEY, "s.csv")
    assert str(err.value).startswith("s.csv, ") and message in str(err.value)
    assert "\n" not in str(err.value)


def test_rca_training_score_prints_percentages_and_missed_cases(monkeypatch, capsys, tmp_path):
    sheet, key = tmp_path / "sheet.csv", tmp_path / "key.csv"
    _sheet(["4", "3", "5", "", "pass"]).to_csv(sheet, index=False)
    KEY.to_csv(key, index=False)
    code, out, _ = run_cli(monkeypatch, capsys, "training", "score", str(sheet), "--key", str(key))
    assert code == 0, out
    assert re.search(r"tone\s+3\s+2\s+67 %", out) and re.search(r"verification\s+2\s+1\s+50 %", out)
    assert "Cases missed" in out and re.search(r"C4\s+missed verification\s+\(blank\)\s+fail", out)
    # the key found from the sheet's month in the private working area
    tables = tmp_path / "work" / "2026-10" / "analysis" / "tables"
    tables.mkdir(parents=True)
    KEY.to_parquet(tables / "training_cases.parquet")
    code, out2, _ = run_cli(
        monkeypatch, capsys, "training", "score", str(sheet), "--work", str(tmp_path / "work")
    )
    assert code == 0 and "67 %" in out2
    # a malformed sheet: exit 2, one line
    pd.read_csv(sheet, dtype=str).assign(trainee_answer="x").to_csv(sheet, index=False)
    code, _, err = run_cli(monkeypatch, capsys, "training", "score", str(sheet), "--key", str(key))
    assert code == 2 and "row 2" in err and "trainee_answer" in err and "Traceback" not in err


# -- the batch's sheets and the notebook ------------------------------------------------------


def test_the_batch_writes_one_sheet_per_pack_beside_the_quiz(sample_analysis, packs, tmp_path):
    from rca.batch.plan import PlannedReport
    from rca.batch.training_sheets import write_score_sheets

    table, cases = packs
    planned = [
        PlannedReport("training", "quiz", "training-quiz", "", {"mode": "quiz"}),
        PlannedReport("training", "key", "training-key", "", {"mode": "key"}),
        PlannedReport("executive", "x", "executive", "", {}),
    ]
    written = write_score_sheets(sample_analysis, tmp_path, planned)
    assert sorted(p.name for p in written) == sorted(sheet_name(p) for p in table["pack_id"])
    sheet = pd.read_csv(written[0], dtype=str, keep_default_na=False)
    assert list(sheet.columns) == list(SHEET_COLUMNS) and (sheet["trainee_answer"] == "").all()
    answers = {c for c in cases["comment"].dropna() if len(c) > 12}
    assert not any(a in written[0].read_text() for a in answers)


@pytest.mark.notebook
def test_the_quiz_and_the_key_run_and_the_quiz_shows_no_answer(sample_analysis, packs, tmp_path):
    from rca.batch.notebook_run import run_report

    _, cases = packs
    workspace = str(sample_analysis.path / "workspace")
    pages = {}
    for mode in ("quiz", "key"):
        result = run_report("training", {"workspace": workspace, "mode": mode}, tmp_path,
                            stem=f"training-{mode}")  # fmt: skip
        assert result.status == "ok", result.reason
        pages[mode] = result.html.read_text()
    quiz, key = pages["quiz"], pages["key"]
    assert EXCLUSION_RULE.split(";")[0] in quiz and EXCLUSION_RULE.split(";")[0] in key
    for pack_id in cases["pack_id"].unique():
        assert sheet_name(pack_id) in quiz and sheet_name(pack_id) not in key
    for case in cases.itertuples(index=False):
        assert case.case_id in quiz and case.case_id in key
    comments = [c for c in cases["comment"].dropna() if len(c) > 12]
    assert comments and all(c not in quiz for c in comments)  # the comment names the verdict
    assert sum(c in key for c in comments) >= len(comments) // 2  # escaped ones aside
    for marker in ("<b>Answer:", "(the expert's rating)", "Auditors rated:", "Audit comment"):
        assert marker not in quiz and marker in key, marker
    assert "Traceback" not in quiz + key and "js-plotly-plot" in quiz
