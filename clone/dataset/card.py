"""The dataset card: a README.md saved beside the dataset, saying what went in and how it was filtered."""

from __future__ import annotations

from typing import Any

# What each redaction kind covers, as a reader of the card would say it (clone/dataset/redact.py has the rules).
KIND_LABELS = {
    "URL": "links",
    "EMAIL": "email addresses, spelled-out ones included",
    "CRYPTO": "crypto wallet addresses",
    "IBAN": "IBANs",
    "CARD": "payment card numbers",
    "POSTCODE": "postcodes and ZIP codes",
    "SECRET": "PINs, passwords, API keys and tokens",
    "NATIONAL_ID": "national ID, social security and passport numbers",
    "BANK_ACCOUNT": "bank account, routing and sort code numbers",
    "BIRTHDATE": "dates of birth",
    "COORDINATES": "map coordinates",
    "IP": "IP addresses",
    "PHONE": "phone numbers",
    "PLATE": "licence plates",
    "ADDRESS": "street addresses",
    "NAME": "other people's names",
}


def _redacted(counts: dict[str, int]) -> str:
    """One line per kind found: "- phone numbers (`<PHONE_n>`): 12", then the kinds looked for and not found."""
    if not counts:
        return "- nothing: redaction was off"
    rows = [f"- {KIND_LABELS.get(kind, kind)} (`<{kind}_n>`): {n}" for kind, n in counts.items() if n]
    if none := [KIND_LABELS.get(kind, kind) for kind, n in counts.items() if not n]:
        rows.append(f"- looked for, none found: {'; '.join(none)}")
    return "\n".join(rows)


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
{_redacted(summary["redacted"])}
"""
