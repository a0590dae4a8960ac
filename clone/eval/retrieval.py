"""The retrieval baseline: answer with the person's own past reply to the most similar message.

Every reply of the person in the training split is stored under what it answered: the last message someone
else sent before it (or, for a conversation the person opened, the system prompt: who, where, when). A held-out
context is answered with the stored reply whose key is closest in character n-gram TF-IDF. It sounds exactly
like the person, by construction; what it lacks is the link to the conversation at hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from clone.eval.items import Item


def key(item: Item) -> str:
    return item.last_user if item.last_user is not None else item.system


class Retrieval:
    def __init__(self, memory: Sequence[Item]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.replies = [item.real for item in memory]
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        self.keys = self.vectorizer.fit_transform([key(item) for item in memory]) if memory else None

    def reply(self, item: Item) -> str:
        return self.replies_to([item])[0]

    def replies_to(self, items: Sequence[Item]) -> list[str]:
        if self.keys is None:
            return ["" for _ in items]
        scores = (self.vectorizer.transform([key(i) for i in items]) @ self.keys.T).toarray()
        return [self.replies[int(row.argmax())] for row in scores]
