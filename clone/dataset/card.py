"""The dataset card: a README.md saved beside the dataset, saying what went in and how it was filtered."""

from __future__ import annotations

from typing import Any


def _lines(counts: dict[str, int], empty: str) -> str:
    rows = [f"- {reason}: {n}" for reason, n in counts.items() if n]
    return "\n".join(rows) or f"- {empty}"


def dataset_card(summary: dict[str, Any]) -> str:
    options = summary["options"]
    samples, turns = summary["samples"], summary["my_turns"]
    return f"""# Conversation dataset: {summary["me"]}

Built by `clone import` from {summary["messages"]} imported messages, {summary["my_messages"]} of them written by
{summary["me"]} (aliases: {", ".join(summary["aliases"])}). Private: it holds real conversations; keep it on
your machine.

## Format
Hugging Face `datasets` DatasetDict, chat "messages" format. {summary["me"]} is the `assistant`; everyone else
is the `user` (in group chats each line starts with the speaker's name). The system prompt of each sample says
who the conversation is with, the platform, and when it happened.

| split | samples | replies by {summary["me"]} |
|---|---|---|
| train | {samples.get("train", 0)} | {turns.get("train", 0)} |
| test (newest conversations, held out whole) | {samples.get("test", 0)} | {turns.get("test", 0)} |

## How it was built
- Conversations end after {options["gap_minutes"]:g} minutes of silence ({summary["conversations"]} conversations);
  a speaker's consecutive messages are one turn; samples hold at most {options["max_turns"]} turns.
- Media, system and deleted messages are left out of turns. Nobody's text is normalised: apart from
  redactions it is byte-identical to the export.
- Languages kept: {", ".join(options["languages"]) or "all"}.
  Excluded people: {", ".join(options["exclude"]) or "none"}.

## Dropped
{_lines(summary["dropped"], "nothing")}

## Redacted (mentions replaced by stable placeholders such as `<PHONE_1>`)
{_lines(summary["redacted"], "nothing" if summary["redacted"] else "redaction was off")}
"""
