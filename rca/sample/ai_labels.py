"""The ai_labels table: an AI moderation model's labels checked against human gold labels.

The model is right about 93% of the time on most categories and its mistakes fall on plausible
neighbours. Planted: ``RC5``, the model giving a share ``effects.ai_confusion`` of the plan's gold
label (``plan.ai_pair[0]``) the wrong label ``plan.ai_pair[1]``, which the labellers' notes keep
pointing out. With equal rates (``none``) the model is right `EQUAL_ACCURACY` of the time on
every gold label (above the analysis' default target of 0.9) and its mistakes spread evenly
over the other labels.
"""

from __future__ import annotations

from rca.sample.compose import Row, assign_ids, insert_pii, roughen
from rca.sample.org import Plan, random_day
from rca.sample.text import Dice, expand
from rca.sample.vocab import (
    AI_GOLD_WEIGHTS,
    AI_LABELLERS,
    AI_LABELS,
    AI_SURFACES,
    CONFUSABLE,
    MARKET_WEIGHTS,
    MARKETS,
)
from rca.sample.voices import AI_AGREE_NOTES, AI_DISAGREE_NOTES, confusion_note_bank

__all__ = ["AI_ITEMS_PER_MONTH", "EQUAL_ACCURACY", "MODEL_ACCURACY", "make_ai_labels"]

AI_ITEMS_PER_MONTH = 800
#: Accuracy of the model on every category but the planted confusion's gold label.
MODEL_ACCURACY = 0.93
#: Accuracy on every category under equal rates: comfortably above the analysis' default
#: ``target_accuracy`` of 0.9, so a "below target" finding on ``none`` is a false alarm.
EQUAL_ACCURACY = 0.95
_PII_NOTES: dict[str, tuple[str, ...]] = {
    "email": ("[posted|shared] {pii} in the [bio|comment|message]",),
    "phone": ("[phone number|number] {pii} [posted|shared] [in the bio|publicly|in the post]",),
    "handle": ("[reported|quoted|target] account {pii}", "[reporter|victim] [is|=] {pii}"),
    "account_number": ("[scammer asks for|mentions] {pii}",),
    "card_number": ("[card number|card details] {pii} [posted|shared] [publicly|in the comment]",),
}


def _model_label(dice: Dice, plan: Plan, gold: str) -> tuple[str, str | None]:
    """Return the model's label and the planted cause id, if the planted confusion struck."""
    if plan.effects.equal_rates:
        if dice.chance(EQUAL_ACCURACY):
            return gold, None
        return dice.pick([label for label in AI_LABELS if label != gold]), None
    if gold == plan.ai_pair[0] and dice.chance(plan.effects.ai_confusion):
        return plan.ai_pair[1], "RC5"
    if dice.chance(MODEL_ACCURACY):
        return gold, None
    return dice.pick(CONFUSABLE[gold]), None


def _note(dice: Dice, row: Row) -> str | None:
    if row["_cause"] == "RC5":
        bank, p = tuple(confusion_note_bank(row["gold_label"], row["model_label"])), 0.7
    elif row["model_label"] != row["gold_label"]:
        bank, p = AI_DISAGREE_NOTES, 0.55
    else:
        bank, p = AI_AGREE_NOTES, 0.08
    note = roughen(dice, expand(dice, dice.pick(bank)), 0.01, 0.3, 0.0) if dice.chance(p) else ""
    if dice.chance(0.02):
        note, row["_pii"] = insert_pii(dice, note, row["market"] or "US", _PII_NOTES)
    return note or None


def make_ai_labels(dice: Dice, plan: Plan) -> list[Row]:
    """Generate the AI-labelled items of every month of the plan.

    Parameters
    ----------
    dice
        Source of randomness for this table.
    plan
        Calendar, confused label pair and effect sizes of the sample.

    Returns
    -------
    list of dict
        Rows sorted by date with ``item_id`` assigned; ``_cause`` marks the planted confusion.
    """
    rows: list[Row] = []
    for month in plan.months:
        for _ in range(round(AI_ITEMS_PER_MONTH * plan.volume * (1.0 + dice.normal(0.0, 0.04)))):
            gold = dice.weighted(AI_LABELS, AI_GOLD_WEIGHTS)
            model, cause = _model_label(dice, plan, gold)
            row: Row = {
                "date": random_day(dice, month),
                "category": dice.pick(AI_SURFACES),
                "market": None if dice.chance(0.01) else dice.weighted(MARKETS, MARKET_WEIGHTS),
                "model_label": model,
                "gold_label": gold,
                "labeller": dice.pick(AI_LABELLERS),
                "_cause": cause,
            }
            row["note"] = _note(dice, row)
            rows.append(row)
    return assign_ids(rows, "date", "item_id", "AI")
