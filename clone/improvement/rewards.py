"""Voice rewards for GRPO: how much a sampled reply sounds like the person. Each scores a batch of replies.

A reward is any function with trl's reward signature, ``f(prompts, completions, **kwargs) -> list[float]``
(``completions`` are ``[{"role": "assistant", "content": text}]`` lists; ``kwargs`` hold the dataset's other
columns, here ``reference``: the person's real reply in that context). The built-in ones are made from the
person's training replies by name (``REWARDS``); your own go in the config as ``module:function``::

    # myrewards.py
    def no_formal_greetings(prompts, completions, **kwargs):
        return [-1.0 if c[0]["content"].startswith("Dear") else 0.0 for c in completions]

    clone improve --method grpo --set rewards=authorship,style,myrewards:no_formal_greetings \\
                                --set reward_weights=1,1,0.5
"""

from __future__ import annotations

import importlib
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from clone.errors import CloneError
from clone.eval.authorship import AuthorshipClassifier
from clone.eval.style import features
from clone.text import PLACEHOLDER

RewardFunc = Callable[..., list[float]]
_WORD = re.compile(r"\w+")


def text_of(completion: Any) -> str:
    """A completion's text, conversational (a list of messages) or plain."""
    if isinstance(completion, list):
        return "".join(m.get("content", "") for m in completion if m.get("role", "assistant") == "assistant")
    return str(completion)


@dataclass
class Voice:
    """What the rewards know about the person: their training replies and what everyone else wrote."""

    replies: Sequence[str]
    others: Sequence[str]
    seed: int = 0
    _classifier: AuthorshipClassifier | None = field(default=None, repr=False)

    @property
    def classifier(self) -> AuthorshipClassifier:
        if self._classifier is None:
            self._classifier = AuthorshipClassifier(self.replies, self.others, self.seed)
        return self._classifier

    def shares(self, aspect: str) -> Counter[str]:
        """How often each value of a style aspect (casing, ending, emoji) occurs in the person's replies."""
        return Counter(str(getattr(features(text), aspect)) for text in self.replies)

    def log_lengths(self) -> tuple[float, float]:
        """Mean and spread of log(1 + characters) of the person's replies."""
        values = [math.log1p(len(text.strip())) for text in self.replies] or [0.0]
        mean = sum(values) / len(values)
        spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        return mean, max(spread, 0.25)


def authorship(voice: Voice) -> RewardFunc:
    """P(person) from the authorship classifier, 0 to 1."""

    def reward(prompts: list, completions: list, **kwargs: Any) -> list[float]:
        return [float(p) for p in voice.classifier.probability([text_of(c) for c in completions])]

    return reward


def style(voice: Voice) -> RewardFunc:
    """How typical the reply's casing, ending and emoji use are for the person: for each aspect the share of
    their replies with the same value, relative to their most common value; 1 is their usual style."""
    tables = {aspect: voice.shares(aspect) for aspect in ("casing", "ending", "emoji")}

    def score(text: str) -> float:
        found = features(text)
        parts = [table[str(getattr(found, a))] / max(table.values()) for a, table in tables.items() if table]
        return sum(parts) / len(parts) if parts else 0.0

    def reward(prompts: list, completions: list, **kwargs: Any) -> list[float]:
        return [score(text_of(c)) for c in completions]

    return reward


def length(voice: Voice) -> RewardFunc:
    """A log-normal prior on length fitted to the person's replies: 1 at their typical length, falling off
    for replies much longer or shorter (an empty reply scores as zero characters)."""
    mean, spread = voice.log_lengths()

    def reward(prompts: list, completions: list, **kwargs: Any) -> list[float]:
        return [math.exp(-0.5 * ((math.log1p(len(text_of(c).strip())) - mean) / spread) ** 2) for c in completions]

    return reward


def placeholders(voice: Voice) -> RewardFunc:
    """-1 for a reply that writes a redaction placeholder (<PHONE_1>, <URL_2:example.com>): the person never
    typed one."""

    def reward(prompts: list, completions: list, **kwargs: Any) -> list[float]:
        return [-1.0 if PLACEHOLDER.search(text_of(c)) else 0.0 for c in completions]

    return reward


def repetition(voice: Voice) -> RewardFunc:
    """Minus the share of the reply's words that repeat the message it answers (parroting the context)."""

    def overlap(reply: str, prompt: Any) -> float:
        said = prompt[-1]["content"] if isinstance(prompt, list) and prompt else str(prompt)
        words = _WORD.findall(reply.lower())
        if not words:
            return 0.0
        before = set(_WORD.findall(said.lower()))
        return sum(w in before for w in words) / len(words)

    def reward(prompts: list, completions: list, **kwargs: Any) -> list[float]:
        return [-overlap(text_of(c), p) for c, p in zip(completions, prompts, strict=True)]

    return reward


REWARDS: dict[str, Callable[[Voice], RewardFunc]] = {
    "authorship": authorship,
    "style": style,
    "length": length,
    "placeholders": placeholders,
    "repetition": repetition,
}


def reward_functions(names: Sequence[str], voice: Voice) -> list[RewardFunc]:
    """The named built-in rewards (made for ``voice``) and ``module:function`` ones, in order."""
    functions = []
    for name in names:
        if name in REWARDS:
            function = REWARDS[name](voice)
            function.__name__ = name  # trl logs each reward under its function's name
        elif ":" in name:
            function = _imported(name)
        else:
            raise CloneError(f"unknown reward {name!r}; built in: {', '.join(REWARDS)}, or module:function")
        functions.append(function)
    return functions


def _imported(spec: str) -> RewardFunc:
    module_name, _, attribute = spec.partition(":")
    try:
        function = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise CloneError(f"reward {spec!r}: cannot import it ({error})") from None
    if not callable(function):
        raise CloneError(f"reward {spec!r} is not a function")
    return function
