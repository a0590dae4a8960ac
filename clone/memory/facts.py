"""Personal facts: what the person says about themself ("I work at ...", "my sister Ana", "my dog Biscuit").

Patterns over first-person sentences, offline and cheap. Work, home and favourites hold one value at a time
(the newest statement wins); family and pets are many (a second sister is not a contradiction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FAMILY = (
    "sister|brother|mum|mom|mother|dad|father|wife|husband|partner|girlfriend|boyfriend|son|daughter|cousin|aunt"
    "|uncle|grandma|granny|grandpa|grandad|niece|nephew|flatmate|roommate|boss"
)
PETS = "dog|cat|puppy|kitten|rabbit|bunny|hamster|parrot|horse|tortoise|guinea pig"
NAME = r"(?P<value>[A-Z][\w'-]+)"  # a capitalised name right after the relation
PLACE = r"(?P<value>[^.,!?;:\n()]{2,60})"  # up to the end of the clause, trimmed by clause_value()

# (kind, subject or None to take it from the match, pattern); (?i:...) keeps names case-sensitive
PATTERNS = [
    ("work", "", re.compile(rf"\b(?i:i(?:'m| am)? work(?:ing)? (?:at|for)) {PLACE}")),
    ("work", "", re.compile(rf"\b(?i:i(?:'ve| have)? (?:just )?started (?:a new job )?at) {PLACE}")),
    ("job", "", re.compile(rf"\b(?i:i work as an?|my job is an?|i'm an? (?=\w+ by trade)) {PLACE}")),
    ("home", "", re.compile(rf"\b(?i:i live in|i(?:'ve| have)? (?:just )?moved to|i'm living in) {PLACE}")),
    ("from", "", re.compile(rf"\b(?i:i(?:'m| am) from|i grew up in) {PLACE}")),
    ("family", None, re.compile(rf"\b(?i:my (?P<subject>{FAMILY}))(?:'s name is|,| is called| called| named)? {NAME}")),
    ("pet", None, re.compile(rf"\b(?i:my (?P<subject>{PETS}))(?:'s name is|,| is called| called| named)? {NAME}")),
    ("favourite", None, re.compile(rf"\b(?i:my fav(?:ou?rite)? (?P<subject>\w+) is) {PLACE}")),
]
SINGLE = {"work", "job", "home", "from", "favourite"}  # one value at a time: newest wins
CLAUSE_END = re.compile(
    r"\s+(?:and|but|so|because|since|now|lol|haha|tho|though|too|anymore|again|already|today|yesterday|these"
    r"|this|next|last|for|with|if|when|which|who|rn|btw|tbh|atm|not|anyway)\b.*$",
    re.IGNORECASE,
)
NOT_NAMES = {"I", "Is", "And", "The", "A", "An", "Just", "Lol", "Haha", "Was", "Has", "Had", "Will", "Can", "Says"}


@dataclass(frozen=True)
class Statement:
    kind: str
    subject: str
    value: str
    sentence: str


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


def clause_value(raw: str) -> str:
    """The value of a place or workplace: the clause, cut before a conjunction or filler, at most 5 words."""
    value = CLAUSE_END.sub("", raw.strip()).strip(" '\"")
    return " ".join(value.split()[:5])


def statements(text: str) -> list[Statement]:
    """The personal facts stated in one of the person's messages."""
    found = []
    for sentence in sentences(text):
        for kind, subject, pattern in PATTERNS:
            for match in pattern.finditer(sentence):
                value = match["value"] if kind in ("family", "pet") else clause_value(match["value"])
                if not value or value in NOT_NAMES:
                    continue
                found.append(Statement(kind, match["subject"].lower() if subject is None else subject, value, sentence))
    return found


def describe(kind: str, subject: str, value: str) -> str:
    """A fact as the memory block says it, in the second person: the clone is told who it is."""
    return {
        "work": f"you work at {value}",
        "job": f"you work as {value}",
        "home": f"you live in {value}",
        "from": f"you are from {value}",
        "family": f"your {subject} is {value}",
        "pet": f"your {subject} is {value}",
        "favourite": f"your favourite {subject} is {value}",
    }.get(kind, f"{kind} {subject}: {value}")
