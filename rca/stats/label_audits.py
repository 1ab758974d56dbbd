"""Label audits: predicted labels against gold labels, with intervals and the confusions.

Used for the ``ai_labels`` table (``model_label`` vs ``gold_label``) and for ``feedback``
(``agent_label`` vs ``auditor_label``). Pure functions: DataFrames in, DataFrames out; the metrics
come from scikit-learn and statsmodels (Wilson interval via `rca.stats.primitives.wilson_interval`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from rca.core.argument_checks import check_fraction, require_columns
from rca.core.errors import ParameterError
from rca.stats.evidence import id_column, row_ids
from rca.stats.primitives import bh_qvalues, wilson_interval
from rca.stats.sample_size import sample_size_for_margin

__all__ = [
    "AI_TOLERANCE",
    "NO_LABEL",
    "LabelAudit",
    "binomial_p",
    "confused_pairs",
    "confusion",
    "disagreements",
    "label_accuracy",
    "label_audit",
    "per_class",
    "sample_size_for_margin",
]

#: Label given by `label_audit` to rows without a prediction (counted as wrong).
NO_LABEL = "(no label)"
#: Share of a gold label's items a confusion may take by chance before it is worth a finding
#: (`confused_pairs` tests each pair's share against it).
AI_TOLERANCE = 0.05
#: The ``test`` of `label_accuracy` (vs the target) and of `confused_pairs` (vs the tolerance).
ACCURACY_TEST = "exact binomial vs target"
PAIR_TEST = "exact binomial vs tolerance"


def binomial_p(k: int, n: int, p: float, alternative: str) -> float:
    """One-sided exact binomial p-value (scipy ``binomtest``); NaN without items."""
    return float(binomtest(int(k), int(n), p, alternative=alternative).pvalue) if n > 0 else np.nan


def _labels(df: pd.DataFrame, pred: str, gold: str) -> tuple[pd.Series, pd.Series, list[str]]:
    """Return the gold and predicted labels as strings, and every label seen, sorted."""
    require_columns(df, [pred, gold], "labels")
    for column in (gold, pred):
        missing = int(df[column].isna().sum())
        if missing:
            raise ParameterError(
                f"labels: {missing} rows have no {column!r}; drop or fill them first "
                "(label_audit does, and reports how many)"
            )
    y_true, y_pred = df[gold].astype(str), df[pred].astype(str)
    return y_true, y_pred, sorted(set(y_true) | set(y_pred))


def label_accuracy(
    df: pd.DataFrame,
    pred: str = "model_label",
    gold: str = "gold_label",
    *,
    target: float | None = None,
    alpha: float = 0.05,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Share of rows whose predicted label equals the gold label, with a Wilson interval.

    Method: accuracy = correct / n; the (1 − alpha) Wilson score interval (statsmodels, via
    `rca.stats.primitives.wilson_interval`). ``meets_target`` is ``"yes"`` when the lower bound is
    at least ``target``, ``"no"`` when the upper bound is below it, otherwise ``"inconclusive"``
    (more data needed: see `rca.stats.sample_size.audit_sample_size`). ``p_below_target`` is
    the one-sided exact binomial p-value of H0: accuracy >= ``target`` (scipy ``binomtest``,
    ``alternative="less"``): small when the accuracy is credibly below the target.

    Parameters
    ----------
    df
        Rows with a predicted and a gold label.
    pred, gold
        The predicted and gold label columns.
    target
        Accuracy target, e.g. 0.9; None leaves ``meets_target`` empty.
    alpha
        1 − confidence level of the interval.
    by
        Column(s) to report per group (e.g. ``"market"``); None for one overall row.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``n``, ``correct``, ``accuracy``, ``ci_lo``, ``ci_hi``,
        ``target``, ``meets_target``, ``p_below_target`` (NaN without a target), ``test``.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    JASA 22(158), 209-212.
    Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial limits illustrated
    in the case of the binomial. Biometrika 26(4), 404-413 (the exact binomial test).
    """
    alpha = check_fraction("alpha", alpha)
    if target is not None:
        target = check_fraction("target", target, closed=True)
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    require_columns(df, keys, "labels")
    y_true, y_pred, _ = _labels(df, pred, gold)
    frame = df[keys].assign(_correct=(y_true == y_pred).astype(int))
    if keys:
        out = frame.groupby(keys, dropna=False, observed=True)["_correct"].agg(["size", "sum"])
        out = out.reset_index()
    else:
        out = pd.DataFrame({"size": [len(frame)], "sum": [int(frame["_correct"].sum())]})
    out = out.rename(columns={"size": "n", "sum": "correct"})
    out["accuracy"] = out["correct"] / out["n"].replace(0, np.nan)
    out["ci_lo"], out["ci_hi"] = wilson_interval(out["correct"], out["n"], alpha)
    out["target"] = np.nan if target is None else target
    verdict = np.select(
        [out["ci_lo"] >= out["target"], out["ci_hi"] < out["target"]], ["yes", "no"], "inconclusive"
    )
    out["meets_target"] = verdict if target is not None else None
    out["p_below_target"] = [
        np.nan if target is None else binomial_p(k, n, target, "less")
        for k, n in zip(out["correct"], out["n"], strict=True)
    ]
    out["test"] = ACCURACY_TEST if target is not None else None
    columns = ["n", "correct", "accuracy", "ci_lo", "ci_hi", "target", "meets_target"]
    return out[[*keys, *columns, "p_below_target", "test"]]


def per_class(
    df: pd.DataFrame, pred: str = "model_label", gold: str = "gold_label"
) -> pd.DataFrame:
    """Precision, recall, F1 and support of every label (scikit-learn).

    Method: ``precision_recall_fscore_support`` over every label seen in gold or predictions;
    precision is NaN for a label never predicted, recall and F1 NaN for a label never in gold
    (undefined, instead of sklearn's warning and 0).

    Returns
    -------
    DataFrame
        ``label``, ``support`` (gold rows), ``n_predicted``, ``precision``, ``recall``, ``f1``;
        largest support first.

    References
    ----------
    Pedregosa, F. et al. (2011). Scikit-learn: Machine Learning in Python. JMLR 12, 2825-2830.
    """
    y_true, y_pred, labels = _labels(df, pred, gold)
    columns = ["label", "support", "n_predicted", "precision", "recall", "f1"]
    if not labels:
        return pd.DataFrame(columns=columns)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=np.nan
    )
    out = pd.DataFrame(
        {
            "label": labels,
            "support": support,
            "n_predicted": y_pred.value_counts().reindex(labels, fill_value=0).to_numpy(),
            "precision": precision,
            "recall": recall,
            "f1": f1,
        }
    )
    return out.sort_values(["support", "label"], ascending=[False, True], ignore_index=True)


def confusion(
    df: pd.DataFrame, pred: str = "model_label", gold: str = "gold_label"
) -> pd.DataFrame:
    """Confusion matrix: gold labels as rows, predicted labels as columns, counts in cells.

    Method: scikit-learn's ``confusion_matrix`` over every label seen, sorted by name.

    Returns
    -------
    DataFrame
        Index named ``gold``, columns named ``predicted``; empty for an empty input.
    """
    y_true, y_pred, labels = _labels(df, pred, gold)
    matrix = np.zeros((0, 0), dtype=int)
    if labels:
        with warnings.catch_warnings():  # one label only: the shape is fixed by ``labels``
            warnings.filterwarnings("ignore", message="A single label was found")
            matrix = confusion_matrix(y_true, y_pred, labels=labels)
    return pd.DataFrame(
        matrix, index=pd.Index(labels, name="gold"), columns=pd.Index(labels, name="predicted")
    )


def confused_pairs(
    df: pd.DataFrame,
    pred: str = "model_label",
    gold: str = "gold_label",
    top_n: int | None = 10,
    *,
    tolerance: float = AI_TOLERANCE,
) -> pd.DataFrame:
    """Return the most frequent confusions: gold label X predicted as label Y, each tested.

    Method: off-diagonal cells of `confusion`; ``support`` is the number of rows of gold label
    X, ``share`` n / support (the share of X predicted as Y), ``share_of_errors`` n over all wrong
    rows. Each pair is tested against ``tolerance``, the share a confusion may take by chance:
    one-sided exact binomial test of H0: share <= tolerance (scipy ``binomtest``,
    ``alternative="greater"``) and Benjamini-Hochberg q-values over every off-diagonal pair of a
    gold label present (pairs never confused count, with p = 1: the family is every confusion
    that could have been found, not only those seen), computed before the ``top_n`` cut.
    ``example_ids`` lists the ids of the rows so confused, in their order in ``df``, at most
    `rca.stats.evidence.MAX_EVIDENCE_IDS`: the first id column of
    `rca.stats.evidence.ID_COLUMNS` that ``df`` has (``item_id`` for AI labels,
    ``feedback_id`` for feedback); empty lists without one.

    Parameters
    ----------
    df, pred, gold
        Rows with a predicted and a gold label, and their columns.
    top_n
        Pairs kept, most frequent first; None keeps every off-diagonal pair of a gold label
        present, never-confused ones included (n = 0, p = 1), as the month's family needs.
    tolerance
        Share of a gold label's rows a confusion may have by chance (default `AI_TOLERANCE`).

    Returns
    -------
    DataFrame
        ``gold``, ``predicted``, ``n``, ``support``, ``share``, ``share_of_errors``,
        ``tolerance``, ``p_value``, ``q_value``, ``test``, ``example_ids``; most frequent first.

    References
    ----------
    Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57(1),
    289-300.
    """
    if top_n is not None and (isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1):
        raise ParameterError(f"top_n must be a whole number >= 1 or None, got {top_n!r}")
    tolerance = check_fraction("tolerance", tolerance)
    matrix = confusion(df, pred, gold)
    cells = matrix.melt(ignore_index=False, value_name="n").reset_index()
    support = cells.groupby("gold")["n"].transform("sum")
    cells = cells.assign(support=support, share=cells["n"] / support.where(support > 0))
    cells = cells[(cells["gold"] != cells["predicted"]) & (cells["support"] > 0)]
    pairs = zip(cells["n"], cells["support"], strict=True)
    p = [binomial_p(k, m, tolerance, "greater") for k, m in pairs]
    cells = cells.assign(tolerance=tolerance, p_value=p, q_value=bh_qvalues(np.asarray(p)),
                         test=PAIR_TEST)  # fmt: skip
    if top_n is not None:  # the most frequent confusions; None: every pair tested
        cells = cells[cells["n"] > 0]
    cells = cells.assign(share_of_errors=cells["n"] / max(int(cells["n"].sum()), 1))
    cells = cells.sort_values(
        ["n", "share", "gold", "predicted"], ascending=[False, False, True, True]
    )
    columns = ["gold", "predicted", "n", "support", "share", "share_of_errors", "tolerance",
               "p_value", "q_value", "test"]  # fmt: skip
    out = (cells[columns] if top_n is None else cells[columns].head(top_n)).reset_index(drop=True)
    out[["n", "support"]] = out[["n", "support"]].astype("int64")
    y_true, y_pred, _ = _labels(df, pred, gold)
    column = id_column(df)
    out["example_ids"] = [
        row_ids(df[(y_true == g) & (y_pred == p)], column)
        for g, p in zip(out["gold"], out["predicted"], strict=True)
    ]
    return out


def disagreements(
    df: pd.DataFrame,
    pred: str = "model_label",
    gold: str = "gold_label",
    text: str | None = "note",
) -> pd.DataFrame:
    """Return the rows whose predicted label differs from gold (to read or theme their notes).

    Returns
    -------
    DataFrame
        Those rows, all columns kept, ``gold``, ``pred`` and ``text`` first; original index.
    """
    y_true, y_pred, _ = _labels(df, pred, gold)
    first = [gold, pred] + ([text] if text is not None else [])
    require_columns(df, first, "labels")
    rest = [c for c in df.columns if c not in first]
    return df.loc[y_true != y_pred, [*first, *rest]]


@dataclass(frozen=True)
class LabelAudit:
    """Everything `label_audit` found, as tables, and what it left out.

    Attributes
    ----------
    n_rows
        Rows given.
    n_dropped
        Rows without a gold label, left out of every table.
    n_no_prediction
        Rows kept that had no prediction, counted as `NO_LABEL` (wrong).
    accuracy, per_class, confusion, confused_pairs, disagreements
        The tables of `label_accuracy`, `per_class`, `confusion`, `confused_pairs` and
        `disagreements` on the rows kept.
    """

    n_rows: int
    n_dropped: int
    n_no_prediction: int
    accuracy: pd.DataFrame
    per_class: pd.DataFrame
    confusion: pd.DataFrame
    confused_pairs: pd.DataFrame
    disagreements: pd.DataFrame

    def summary(self) -> str:
        """Return one line saying what was audited and what was left out."""
        kept = self.n_rows - self.n_dropped
        return (
            f"{kept:,} of {self.n_rows:,} rows audited; {self.n_dropped:,} without a gold "
            f"label dropped; {self.n_no_prediction:,} without a prediction counted as wrong"
        )


def label_audit(
    df: pd.DataFrame,
    pred: str = "model_label",
    gold: str = "gold_label",
    *,
    text: str | None = None,
    target: float | None = None,
    alpha: float = 0.05,
    by: str | Sequence[str] | None = None,
    top_n: int | None = 10,
) -> LabelAudit:
    """Audit ``pred`` against ``gold`` where a gold label exists (e.g. feedback labels).

    Method: rows without a gold label are dropped and counted (``n_dropped``); rows without a
    prediction are kept as `NO_LABEL`, a wrong prediction, and counted (``n_no_prediction``).
    The other functions of this module then run on the rows kept.

    Parameters
    ----------
    df
        Rows with a prediction column and a (partly empty) gold column.
    pred, gold
        E.g. ``"agent_label"`` and ``"auditor_label"`` for feedback.
    text
        Free-text column to put first in the disagreements (e.g. ``"text"``), if any.
    target, alpha, by
        As in `label_accuracy`.
    top_n
        As in `confused_pairs`.

    Returns
    -------
    LabelAudit
        The tables and the counts; ``summary()`` gives them in one line.
    """
    require_columns(df, [pred, gold], "labels")
    kept = df[df[gold].notna()]
    no_prediction = kept[pred].isna()
    kept = kept.assign(**{pred: kept[pred].astype(object).where(~no_prediction, NO_LABEL)})
    return LabelAudit(
        n_rows=len(df),
        n_dropped=len(df) - len(kept),
        n_no_prediction=int(no_prediction.sum()),
        accuracy=label_accuracy(kept, pred, gold, target=target, alpha=alpha, by=by),
        per_class=per_class(kept, pred, gold),
        confusion=confusion(kept, pred, gold),
        confused_pairs=confused_pairs(kept, pred, gold, top_n=top_n),
        disagreements=disagreements(kept, pred, gold, text=text),
    )
