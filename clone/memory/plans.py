"""Plans and dates mentioned in conversations: "Lisbon on the 12th of March?", "dinner saturday", "let's book it".

Offline patterns over the stored (redacted) lines. A date phrase is resolved against the day its conversation
began: a weekday or "the 12th" is the next one after it, "12 March" the next 12 March. A plan is still *open*
when the date it names is on or after the person's last conversation (what memory knows of "now" with them),
or, naming no date, when it was made within ``OPEN_DAYS`` of that last conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

OPEN_DAYS = 14  # a plan without a date stays open this long after it was made
MAX_PLANS = 6
MONTHS = {
    m: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for m in names
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
DATE = re.compile(
    rf"\b(?:(?:the )?{DAY}(?: of)? (?P<month>{MONTH})\b"
    rf"|(?P<month2>{MONTH}) (?P<day2>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
    rf"|the (?P<day3>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\b|(?:in|this|next|early|late|end of) (?P<month3>{MONTH})\b"
    rf"|(?P<next>next )?(?P<weekday>{'|'.join(WEEKDAYS)})\b|(?P<relative>today|tonight|tomorrow|next week|this weekend"
    r"|next weekend|next month))",
    re.IGNORECASE,
)
PLAN = re.compile(
    r"\b(?:let'?s|we should|shall we|we could|wanna|plan(?:s|ning|ned)?|book(?:ed|ing)?|going to|gonna|trip"
    r"|fly(?:ing)?|flight|visit(?:ing)?|meet(?:ing)? up|see (?:you|u)|holiday|party|dinner|lunch|drinks)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Plan:
    """A line that makes a plan or names a date, with the date resolved (None: no date named)."""

    said: datetime  # when its conversation began
    chat: str
    line: str  # "Speaker: words", as stored
    phrase: str  # the date as written ("the 12th of March", "saturday"); "" when none
    when: date | None


def resolve(match: re.Match[str], said: date) -> date | None:
    """The day a date phrase names, the first such day after ``said`` (a month alone: its first day)."""
    g = match.groupdict()
    day, month = g["day"] or g["day2"] or g["day3"], g["month"] or g["month2"] or g["month3"]
    if month:
        number, first = MONTHS[month.lower()], int(day) if day else 1
        for year in (said.year, said.year + 1):
            try:
                candidate = date(year, number, first)
            except ValueError:  # 31 February
                return None
            earliest = said if day else said.replace(day=1)  # "in March" said on 5 March: this March
            if candidate >= earliest:
                return candidate
        return None
    if day:  # "the 12th": this month's, or the next month's when it has passed
        for ahead in range(0, 3):
            year, number = divmod(said.month - 1 + ahead, 12)
            try:
                candidate = date(said.year + year, number + 1, int(day))
            except ValueError:
                continue
            if candidate > said:
                return candidate
        return None
    if g["weekday"]:
        days = (WEEKDAYS.index(g["weekday"].lower()) - said.weekday() - 1) % 7 + 1
        return said + timedelta(days=days + (7 if g["next"] else 0))
    relative = g["relative"].lower()
    if relative in ("today", "tonight"):
        return said
    if relative == "tomorrow":
        return said + timedelta(days=1)
    if relative.endswith("weekend"):
        saturday = said + timedelta(days=(5 - said.weekday()) % 7)
        return saturday + timedelta(days=7 if relative.startswith("next") else 0)
    if relative == "next week":
        return said + timedelta(days=7)
    return (said.replace(day=1) + timedelta(days=32)).replace(day=1)  # next month


def plans_in(text: str, said: datetime, chat: str) -> list[Plan]:
    """Every line of a stored conversation that names a date or makes a plan."""
    found = []
    for line in text.split("\n"):
        words = line.split(": ", 1)[-1]
        match, plan = DATE.search(words), PLAN.search(words)
        when = resolve(match, said.date()) if match else None
        if when is not None or plan:  # a date that is no day ("31 February") alone is no plan
            found.append(Plan(said, chat, line, match.group(0) if match and when else "", when))
    return found


def open_plans(plans: list[Plan], last: datetime, limit: int = MAX_PLANS) -> list[Plan]:
    """The plans still open at ``last`` (the last conversation): dated on or after it, or undated and recent;
    one per date (the newest mention), soonest first, the undated last."""
    keep: dict[object, Plan] = {}
    for plan in sorted(plans, key=lambda p: p.said):
        if plan.when is not None and plan.when >= last.date():
            keep[plan.when] = plan
        elif plan.when is None and plan.said >= last - timedelta(days=OPEN_DAYS):
            keep[plan.line] = plan
    return sorted(keep.values(), key=lambda p: (p.when is None, p.when or date.min, p.said))[:limit]
