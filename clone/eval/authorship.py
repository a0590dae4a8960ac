"""Authorship: does a reply pass as the person's?

- A classifier trained on the training split, the person's replies against everything the other people wrote,
  gives P(person) for any text. A generated reply "passes" when P(person) >= 0.5. The person's own held-out
  replies give the rate to aim for, the other people's held-out messages the rate of a false pass.
- A discriminator learns to tell the real held-out replies from one contender's replies, with cross-validation
  over items (the real and the generated reply to the same context always fall in the same fold). Its accuracy
  is 50% when the two cannot be told apart and 100% when they always can.

Both are character n-gram TF-IDF + logistic regression (scikit-learn): casing, punctuation, emoji and spelling
are what tells a person's messages apart, and they live below the word level.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from clone.errors import CloneError

THRESHOLD = 0.5
FOLDS = 5


def _pipeline(seed: int):
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
    except ImportError:
        raise CloneError("the authorship score needs scikit-learn: `pip install scikit-learn`") from None
    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), lowercase=False, sublinear_tf=True),
        LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, random_state=seed),
    )


class AuthorshipClassifier:
    """P(person) for a text, learned from the person's training replies and the other people's messages."""

    def __init__(self, person: Sequence[str], others: Sequence[str], seed: int = 0) -> None:
        if not person or not others:
            raise CloneError("the authorship classifier needs replies of the person and messages of someone else")
        self.counts = {"person": len(person), "others": len(others)}
        self.model = _pipeline(seed).fit([*person, *others], [1] * len(person) + [0] * len(others))

    def probability(self, texts: Sequence[str]) -> np.ndarray:
        """P(person) for each text."""
        if not texts:
            return np.zeros(0)
        return self.model.predict_proba(list(texts))[:, 1]


def passes(probabilities: np.ndarray) -> np.ndarray:
    return (np.asarray(probabilities) >= THRESHOLD).astype(float)


def discriminator(
    real: Sequence[str], generated: Sequence[str], seed: int = 0, folds: int = FOLDS
) -> np.ndarray | None:
    """Per item, the share of its two replies (real, generated) the discriminator labels right, with k-fold
    cross-validation over items: 1.0 both right, 0.5 one, 0.0 none. Its mean is the discriminator accuracy.
    None when there are too few items to cross-validate."""
    n = len(real)
    if len(generated) != n:
        raise ValueError("real and generated replies must pair up")
    k = min(folds, n)
    if k < 2:
        return None
    fold_of = np.random.default_rng(seed).permutation(n) % k
    texts = np.asarray([*real, *generated], dtype=object)
    labels = np.asarray([1] * n + [0] * n)
    fold = np.concatenate([fold_of, fold_of])
    correct = np.zeros(2 * n)
    for f in range(k):
        test = fold == f
        model = _pipeline(seed).fit(list(texts[~test]), labels[~test])
        correct[test] = model.predict(list(texts[test])) == labels[test]
    return (correct[:n] + correct[n:]) / 2
