"""Score sheets of training packs: the empty sheet a trainer fills in, and scoring it.

`score_sheet` builds a pack's sheet from its cases (``training_cases``, `rca.stats.training_cases`):
one row per case with the pack, the case number and id, the rubric item or coaching theme, the
allowed answers and an empty ``trainee_answer`` column; no answer, no name, no text of the case.
`check_sheet` reads a filled sheet back (one-line errors naming file, row, column and what was
expected) and `score_answers` compares it with the answer key: percent correct per item, and the
cases missed.
"""

from __future__ import annotations

import pandas as pd

from rca.core.errors import InputError

__all__ = [
    "ANSWER",
    "SHEET_COLUMNS",
    "check_sheet",
    "normalise_answer",
    "score_answers",
    "score_sheet",
    "sheet_name",
]

#: The column a trainer fills in.
ANSWER = "trainee_answer"
#: Columns of a score sheet, in order.
SHEET_COLUMNS: tuple[str, ...] = (
    "month", "pack_id", "case_no", "case_id", "item", "options", ANSWER,
)  # fmt: skip
#: Columns a filled sheet must keep to be scored.
_REQUIRED = ("pack_id", "case_no", ANSWER)
_WORDS = {"pass": "pass", "p": "pass", "yes": "pass", "y": "pass", "true": "pass", "1": "pass",
          "1.0": "pass", "fail": "fail", "f": "fail", "no": "fail", "n": "fail", "false": "fail",
          "0": "fail", "0.0": "fail"}  # fmt: skip


def sheet_name(pack_id: str) -> str:
    """Return the file name of a pack's score sheet, written beside the quiz."""
    return f"score-sheet-{pack_id}.csv"


def score_sheet(cases: pd.DataFrame, pack_id: str, month: str) -> pd.DataFrame:
    """Return the empty score sheet of one pack (`SHEET_COLUMNS`, one row per case in order)."""
    mine = cases[cases["pack_id"] == pack_id].sort_values("case_no")
    sheet = pd.DataFrame(
        {
            "month": month,
            "pack_id": pack_id,
            "case_no": mine["case_no"].astype(int),
            "case_id": mine["case_id"],
            "item": mine["item"],
            "options": mine["options"],
            ANSWER: "",
        }
    )
    return sheet[list(SHEET_COLUMNS)].reset_index(drop=True)


def normalise_answer(value: object, options: str) -> str | None:
    """Return an answer in the key's form (``pass``/``fail`` or a rating like ``4``), or None.

    ``options`` is the case's allowed answers (``"pass / fail"`` or ``"1 / 2 / 3 / 4 / 5"``);
    pass/fail also accepts yes/no, true/false, p/f and 1/0. None when the value is not allowed.
    """
    text = str(value).strip().lower()
    allowed = [o.strip() for o in options.split("/")]
    if allowed == ["pass", "fail"]:
        return _WORDS.get(text)
    try:
        number = f"{float(text):g}"
    except ValueError:
        return None
    return number if number in allowed else None


def check_sheet(sheet: pd.DataFrame, key: pd.DataFrame, source: object) -> pd.DataFrame:
    """Check a filled score sheet against the key and return it with ``answer`` normalised.

    Parameters
    ----------
    sheet
        The CSV as read, every cell as text.
    key
        The ``training_cases`` table holding the sheet's packs.
    source
        The sheet's file, named in errors.

    Returns
    -------
    DataFrame
        ``pack_id``, ``case_no``, ``given`` (the answer normalised, None when blank) and
        ``row`` (spreadsheet row number: the header is row 1).

    Raises
    ------
    InputError
        One line with file, row, column and what was expected: a missing column, an empty or
        non-numeric case number, a pack or case not in the key, a case listed twice, or an
        answer that is not one of the case's options. A blank answer is allowed (scored wrong).
    """
    missing = [c for c in _REQUIRED if c not in sheet]
    if missing:
        raise InputError(source, f"missing column; expected columns {', '.join(_REQUIRED)}",
                         column=missing[0])  # fmt: skip
    options = key.set_index(["pack_id", "case_no"])["options"]
    packs = set(key["pack_id"])
    rows = []
    for i, r in enumerate(sheet.to_dict("records"), start=2):
        pack = str(r["pack_id"]).strip()
        if pack not in packs:
            expected = ", ".join(sorted(packs))
            raise InputError(source, f"unknown pack {pack!r}; expected one of {expected}",
                             column="pack_id", rows=[i])  # fmt: skip
        raw_no = str(r["case_no"]).strip()
        if not raw_no.isdigit() or (pack, int(raw_no)) not in options.index:
            known = ", ".join(str(n) for n in sorted(key.loc[key["pack_id"] == pack, "case_no"]))
            raise InputError(source, f"case number {raw_no!r} is not in pack {pack}; expected "
                             f"one of {known}", column="case_no", rows=[i])  # fmt: skip
        allowed = str(options[(pack, int(raw_no))])
        value = r[ANSWER]
        blank = pd.isna(value) or not str(value).strip()
        given = None if blank else normalise_answer(value, allowed)
        if not blank and given is None:
            raise InputError(source, f"answer {str(value).strip()!r} is not allowed; expected "
                             f"one of {allowed} (or blank)", column=ANSWER, rows=[i])  # fmt: skip
        rows.append({"pack_id": pack, "case_no": int(raw_no), "given": given, "row": i})
    out = pd.DataFrame(rows, columns=["pack_id", "case_no", "given", "row"])
    twice = out.duplicated(["pack_id", "case_no"], keep="first")
    if twice.any():
        first = out[twice].iloc[0]
        raise InputError(source, f"case {first['case_no']} of pack {first['pack_id']} is listed "
                         "twice; expected one row per case", column="case_no",
                         rows=[int(first["row"])])  # fmt: skip
    return out


def score_answers(checked: pd.DataFrame, key: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score a checked sheet (`check_sheet`) against the answer key.

    Method: an answer is correct when it equals the key's ``answer`` (the expert's rating
    exactly, or the audit's verdict); a blank answer is wrong. Percent correct is per pack and
    rubric item (or coaching theme), over the sheet's rows.

    Returns
    -------
    per_item, missed
        ``pack_id``, ``item``, ``cases``, ``correct``, ``percent``; and the cases answered
        wrongly or left blank: ``pack_id``, ``case_no``, ``case_id``, ``item``, ``given``,
        ``answer``.
    """
    cols = ["pack_id", "case_no", "case_id", "item", "answer"]
    merged = checked.merge(key[cols], on=["pack_id", "case_no"], how="left")
    merged["correct"] = merged["given"].notna() & (merged["given"] == merged["answer"])
    per_item = (
        merged.groupby(["pack_id", "item"], sort=False)
        .agg(cases=("correct", "size"), correct=("correct", "sum"))
        .reset_index()
    )
    per_item["percent"] = 100.0 * per_item["correct"] / per_item["cases"]
    missed = merged.loc[~merged["correct"], ["pack_id", "case_no", "case_id", "item", "given",
                                             "answer"]]  # fmt: skip
    missed["given"] = missed["given"].astype(object).where(missed["given"].notna(), None)
    return per_item, missed.reset_index(drop=True)
