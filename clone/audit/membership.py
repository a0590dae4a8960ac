"""Membership inference: can the clone's loss tell the replies it was trained on from replies it never saw?

The attack of Yeom et al. (2018): a reply with a low loss is guessed to be a training member. Its AUC over
training vs held-out replies is 0.5 when the loss carries no membership signal. The held-out replies are the
newest conversations, so they can differ from the training ones by topic alone; the calibrated score (the
clone's loss minus the base model's, a reference-model attack) removes what the base model already found
hard or easy, and is the one the audit gates on.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from clone.eval.items import choose
from clone.eval.perplexity import reply_losses
from clone.eval.stats import Estimate, interval


def per_reply(losses: dict[tuple[int, int], tuple[float, int]]) -> np.ndarray:
    """Mean loss per token of every reply, in a stable order."""
    return np.array([nll / tokens for _, (nll, tokens) in sorted(losses.items()) if tokens])


def auc(members: np.ndarray, others: np.ndarray) -> float | None:
    """P(a member's loss is below a non-member's), ties counted half: the AUC of "low loss means member"."""
    if not len(members) or not len(others):
        return None
    from sklearn.metrics import roc_auc_score

    labels = np.r_[np.ones(len(members)), np.zeros(len(others))]
    return float(roc_auc_score(labels, -np.r_[members, others]))


def membership(
    model: Any, tokenizer: Any, train: list[dict[str, Any]], test: list[dict[str, Any]], limit: int, seed: int
) -> dict[str, Any]:
    """AUCs (raw and calibrated, each with a bootstrap 95% interval over the replies) of the loss attack on at most
    ``limit`` training and ``limit`` held-out conversations (0: all of them)."""
    train, test = choose(train, limit, seed), choose(test, limit, seed)
    scores = {}
    for split, rows in (("train", train), ("test", test)):
        clone = per_reply(reply_losses(model, tokenizer, rows))
        with model.disable_adapter():
            base = per_reply(reply_losses(model, tokenizer, rows))
        scores[split] = {"raw": clone, "calibrated": clone - base}
    result: dict[str, Any] = {"train_replies": len(scores["train"]["raw"]), "test_replies": len(scores["test"]["raw"])}
    for kind in ("raw", "calibrated"):
        result[f"{kind}_auc"] = auc_estimate(scores["train"][kind], scores["test"][kind], seed).to_dict()
    return result


def auc_estimate(members: np.ndarray, others: np.ndarray, seed: int, count: int = 1000) -> Estimate:
    """The AUC with a bootstrap interval that resamples members and non-members each within its own side."""
    value = auc(members, others)
    if value is None:
        return Estimate(None, None, None, len(members) + len(others))
    rng = np.random.default_rng(seed)
    values = np.array(
        [auc(rng.choice(members, len(members)), rng.choice(others, len(others))) for _ in range(count)], dtype=float
    )
    low, high = interval(values, value)
    return Estimate(value, low, high, len(members) + len(others))
