"""Conversations, turns, samples and splits, on messages built in the test."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from clone.dataset.build import DatasetOptions, build_dataset, load_dataset_dict, split_by_time
from clone.dataset.conversations import build_conversations, merge_turns, split_sessions
from clone.dataset.samples import to_messages
from clone.errors import CloneError
from clone.identity import close_matches, names, resolve_me
from clone.messages import Kind, Message
from clone.workspace import Workspace

T0 = datetime(2025, 3, 1, 18, 0)


def msg(minute: float, sender: str | None, text: str, chat: str = "Sam", kind: Kind = Kind.TEXT) -> Message:
    return Message("whatsapp", chat, sender, T0 + timedelta(minutes=minute), text, kind, "chat.txt", 1)


def test_sessions_split_on_silence_longer_than_gap():
    history = [msg(0, "Sam", "a"), msg(30, "Me", "b"), msg(200, "Sam", "c"), msg(201, "Me", "d")]
    sessions = split_sessions(history, timedelta(minutes=60))
    assert [[m.text for m in s] for s in sessions] == [["a", "b"], ["c", "d"]]


def test_bursts_merge_into_one_turn_and_media_system_deleted_are_left_out():
    session = [
        msg(0, "Sam", "hey"),
        msg(1, "Sam", "you there?"),
        msg(2, "Me", "yes"),
        msg(2.5, "Me", "<Media omitted>", kind=Kind.MEDIA),
        msg(3, "Me", "sorry 😭"),
        msg(4, None, "Sam changed the subject", kind=Kind.SYSTEM),
        msg(5, "Sam", "This message was deleted", kind=Kind.DELETED),
    ]
    turns = merge_turns(session, me={"Me"})
    assert [(t.speaker, t.text) for t in turns] == [("Sam", "hey\nyou there?"), ("Me", "yes\nsorry 😭")]


def test_one_to_one_sample_has_person_as_assistant():
    history = [msg(0, "Sam", "dinner?"), msg(1, "Me", "omg yes"), msg(2, "Sam", "7pm"), msg(3, "Me", "ok!!")]
    [conversation] = build_conversations(history, {"Me"}, timedelta(minutes=60))
    rows = to_messages(conversation, "Me")
    assert rows[0]["role"] == "system" and "Me" in rows[0]["content"] and "Sam" in rows[0]["content"]
    assert rows[1:] == [
        {"role": "user", "content": "dinner?"},
        {"role": "assistant", "content": "omg yes"},
        {"role": "user", "content": "7pm"},
        {"role": "assistant", "content": "ok!!"},
    ]


def test_group_user_turns_carry_speaker_names():
    history = [
        msg(0, "Sam", "climbing?", chat="Crew"),
        msg(1, "Priya", "YES!!", chat="Crew"),
        msg(2, "Me", "im in", chat="Crew"),
    ]
    [conversation] = build_conversations(history, {"Me"}, timedelta(minutes=60))
    rows = to_messages(conversation, "Me")
    assert 'group "Crew"' in rows[0]["content"]
    assert rows[1] == {"role": "user", "content": "Sam: climbing?\nPriya: YES!!"}
    assert rows[2] == {"role": "assistant", "content": "im in"}


def test_conversations_without_the_person_are_not_samples():
    history = [msg(0, "Sam", "hi"), msg(1, "Priya", "hello")]
    assert build_conversations(history, {"Me"}, timedelta(minutes=60)) == []


def test_time_split_holds_out_newest_conversations_whole():
    history = [
        m for day in range(10) for m in (msg(day * 1440, "Sam", f"q{day}"), msg(day * 1440 + 1, "Me", f"a{day}"))
    ]
    conversations = build_conversations(history, {"Me"}, timedelta(minutes=60))
    train, test = split_by_time(conversations, 0.2)
    assert len(train) == 8 and len(test) == 2
    assert max(c.start for c in train) < min(c.start for c in test)
    assert not {id(c) for c in train} & {id(c) for c in test}


def test_resolve_me_lists_senders_when_missing():
    history = [msg(0, "Sam", "a"), msg(1, "Sam", "b"), msg(2, "Maya Chen", "c")]
    with pytest.raises(CloneError, match=r"(?s)me=NAME.*2  Sam.*1  Maya Chen"):
        resolve_me(history, [])
    assert resolve_me(history, ["maya  chen"]) == {"Maya Chen"}
    with pytest.raises(CloneError, match=r"me='Bob' matches no sender\. Senders found"):
        resolve_me(history, ["Bob"])


def test_resolve_me_suggests_close_matches():
    history = [msg(0, "Emily Wade", "a"), msg(1, "Sam", "b"), msg(2, "Emilie Ward", "c")]
    with pytest.raises(CloneError, match="Did you mean 'Emily Wade'\\?"):
        resolve_me(history, ["emily"])  # a first name, any case
    with pytest.raises(CloneError, match="Did you mean 'Emily Wade'\\?"):
        resolve_me(history, ["Emily Wadee"])  # a near spelling
    assert close_matches(["nobody"], ["Emily Wade", "Sam"]) == []


def test_names_takes_one_string_or_several():
    assert names("Maya Chen") == ["Maya Chen"]
    assert names(["Maya Chen", "Maya"]) == ["Maya Chen", "Maya"]
    assert names(None) == []


def test_build_dataset_saves_splits_and_keeps_text_exact(tmp_path):
    texts = ["Ça va? 🙃", "lowkey  tired\tngl", "OK."]
    history = [
        m
        for day in range(10)
        for m in (msg(day * 1440, "Sam", f"how r u {day}"), msg(day * 1440 + 1, "Me", texts[day % 3]))
    ]
    workspace = Workspace(tmp_path / "ws")
    summary = build_dataset(history, ["Me"], workspace, DatasetOptions(test_fraction=0.2))
    assert summary.samples == {"train": 8, "test": 2}
    data = load_dataset_dict(workspace)
    replies = [
        r["content"]
        for split in ("train", "test")
        for s in data[split]
        for r in s["messages"]
        if r["role"] == "assistant"
    ]
    assert replies == [texts[day % 3] for day in range(10)]
    assert workspace.read_manifest()["me"] == "Me"


def test_build_dataset_without_replies_is_a_clear_error(tmp_path):
    with pytest.raises(CloneError, match="nothing to train on"):
        build_dataset([msg(0, "Me", "talking to myself")], ["Me"], Workspace(tmp_path))


def test_quality_filters_drop_copies_and_walls_of_text_with_reasons(tmp_path):
    chain = "Forward this to 10 friends or have bad luck for seven years!!! 🍀🍀🍀"
    history = []
    for day in range(6):
        history += [
            msg(day * 1440, "Sam", chain if day < 3 else f"news {day}"),
            msg(day * 1440 + 1, "Me", f"lol {day}"),
        ]
    history.append(msg(9000, "Sam", "long?"))
    history.append(msg(9001, "Me", "x" * 3000))
    history.append(msg(9002, "Me", "ok that was a paste"))
    summary = build_dataset(history, ["Me"], Workspace(tmp_path), DatasetOptions(test_fraction=0))
    assert summary.dropped == {"forwarded or copy-pasted text seen before": 2, "longer than max_turn_chars": 1}
    user_turns = [
        r["content"]
        for s in load_dataset_dict(Workspace(tmp_path))["train"]
        for r in s["messages"]
        if r["role"] == "user"
    ]
    assert user_turns.count(chain) == 1
    card = (tmp_path / "dataset" / "README.md").read_text()
    assert "forwarded or copy-pasted text seen before: 2" in card and "# Conversation dataset: Me" in card


def test_redaction_replaces_private_data_and_keeps_everything_else(tmp_path):
    history = [
        msg(0, "Sam", "my new number is +44 7700 900123, mail sam@example.com"),
        msg(1, "Me", "saved!! 🙃 my iban is DE89 3704 0044 0532 0130 00 ok"),
        msg(2, "Sam", "call +44 7700 900123 tmrw"),
        msg(3, "Me", "will do"),
    ]
    summary = build_dataset(history, ["Me"], Workspace(tmp_path), DatasetOptions(test_fraction=0))
    rows = load_dataset_dict(Workspace(tmp_path))["train"][0]["messages"]
    assert rows[1]["content"] == "my new number is <PHONE_1>, mail <EMAIL_1>"
    assert rows[2]["content"] == "saved!! 🙃 my iban is <IBAN_1> ok"
    assert rows[3]["content"] == "call <PHONE_1> tmrw"  # the same number keeps the same placeholder
    assert summary.redacted["PHONE"] == 2 and summary.redacted["EMAIL"] == 1


def test_redact_names_and_exclude(tmp_path):
    history = [
        msg(0, "Sam", "Priya said hi"),
        msg(1, "Me", "tell Priya hi back"),
        msg(2, "Priya", "hey", chat="Priya"),
        msg(3, "Me", "yo", chat="Priya"),
    ]
    options = DatasetOptions(test_fraction=0, redact_names=True, exclude=["Priya"])
    summary = build_dataset(history, ["Me"], Workspace(tmp_path), options)
    rows = load_dataset_dict(Workspace(tmp_path))["train"][0]["messages"]
    assert [r["content"] for r in rows[1:]] == ["<NAME_1> said hi", "tell <NAME_1> hi back"]
    assert "Sam" not in rows[0]["content"] and "<NAME_" in rows[0]["content"]
    assert summary.dropped == {"chat with an excluded person": 2}


def test_language_filter_keeps_only_chosen_languages(tmp_path):
    history = [
        msg(0, "Sam", "how are you?"),
        msg(1, "Me", "good thanks, just tired from work today"),
        msg(500, "Sam", "wie geht's?"),
        msg(501, "Me", "mir geht es gut, ich bin nur müde von der Arbeit"),
    ]
    summary = build_dataset(history, ["Me"], Workspace(tmp_path), DatasetOptions(test_fraction=0, languages=["de"]))
    assert summary.samples["train"] == 1 and summary.dropped == {"conversation not in the chosen languages": 1}


def test_person_text_is_byte_identical_to_the_demo_export_apart_from_redactions(tmp_path):
    from clone.dataset.redact import Redactor
    from clone.importers import load
    from tests.conftest import EXAMPLES

    messages = load(sorted(EXAMPLES.glob("*.txt"))).messages
    build_dataset(messages, ["Maya Chen"], Workspace(tmp_path), DatasetOptions(min_copy_chars=10_000))
    data = load_dataset_dict(Workspace(tmp_path))
    replies = {
        r["content"] for split in data.values() for s in split for r in s["messages"] if r["role"] == "assistant"
    }
    redactor = Redactor([k for k in ("URL", "EMAIL", "IBAN", "CARD", "PHONE", "ADDRESS")])
    mine = [redactor.redact(m.text) for m in messages if m.sender == "Maya Chen" and m.kind is Kind.TEXT]
    # Each reply is a burst of the person's messages joined by newlines, each exactly as exported.
    pieces = {piece for reply in replies for piece in reply.split("\n")}
    assert pieces <= {line for text in mine for line in text.split("\n")}
    assert len(pieces) > 250


def test_replies_to_older_messages_bring_them_along_as_context():
    question = msg(0, "Sam", "what was the ramen place called?")
    question.id = "m1"
    answer = msg(600, "Me", "hoshi!! sorry just saw this")
    answer.reply_to = "m1"
    same_session = msg(601, "Sam", "Thanks")
    same_session.reply_to = "m2"  # not a known message: nothing to add
    [conversation] = build_conversations(
        [question, answer, same_session, msg(602, "Me", "np")], {"Me"}, timedelta(minutes=60)
    )
    rows = to_messages(conversation, "Me")
    assert rows[1:3] == [
        {"role": "user", "content": "> Sam: what was the ramen place called?"},
        {"role": "assistant", "content": "hoshi!! sorry just saw this"},
    ]
    assert rows[3] == {"role": "user", "content": "Thanks"}


def test_windows_cut_long_conversations_between_turns_by_turns_and_tokens():
    from clone.dataset.build import TURN_OVERHEAD, windows

    history = [msg(i, "Sam" if i % 2 == 0 else "Me", "word " * 10) for i in range(10)]
    [conversation] = build_conversations(history, {"Me"}, timedelta(minutes=60))
    assert [len(w.turns) for w in windows(conversation, max_turns=4)] == [4, 4, 2]
    by_words = windows(conversation, max_turns=24, max_tokens=3 * (10 + TURN_OVERHEAD), count=lambda t: len(t.split()))
    assert [len(w.turns) for w in by_words] == [3, 3, 3, 1]
    assert all(t.text == "word " * 10 for w in by_words for t in w.turns)  # turns are never cut


def test_national_and_international_forms_of_a_phone_share_a_placeholder(tmp_path):
    """Senders shown as +44 numbers tell the redactor the chat's region: 07700 900123 is then +44 7700 900123."""
    unsaved = "+44 7700 900111"
    history = [
        msg(0, unsaved, "new number: 07700 900123", chat=unsaved),
        msg(1, "Me", "saved +44 7700 900123 thanks", chat=unsaved),
        msg(2, unsaved, "cool", chat=unsaved),
    ]
    build_dataset(history, "Me", Workspace(tmp_path), DatasetOptions(test_fraction=0))
    texts = [m["content"] for m in load_dataset_dict(Workspace(tmp_path))["train"][0]["messages"]]
    assert "new number: <PHONE_1>" in texts and "saved <PHONE_1> thanks" in texts
