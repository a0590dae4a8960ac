"""Conversations, turns, samples and splits, on messages built in the test."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from clone.dataset.build import DatasetOptions, build_dataset, load_dataset_dict, split_by_time
from clone.dataset.conversations import build_conversations, merge_turns, split_sessions
from clone.dataset.samples import to_messages
from clone.errors import CloneError
from clone.identity import resolve_me
from clone.messages import Kind, Message, Source
from clone.workspace import Workspace

T0 = datetime(2025, 3, 1, 18, 0)


def msg(minute: float, sender: str | None, text: str, chat: str = "Sam", kind: Kind = Kind.TEXT) -> Message:
    return Message(
        "whatsapp", chat, sender, T0 + timedelta(minutes=minute), text, kind, Source("chat.txt", 1)
    )


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
        m
        for day in range(10)
        for m in (msg(day * 1440, "Sam", f"q{day}"), msg(day * 1440 + 1, "Me", f"a{day}"))
    ]
    conversations = build_conversations(history, {"Me"}, timedelta(minutes=60))
    train, test = split_by_time(conversations, 0.2)
    assert len(train) == 8 and len(test) == 2
    assert max(c.start for c in train) < min(c.start for c in test)
    assert not {id(c) for c in train} & {id(c) for c in test}


def test_resolve_me_lists_senders_when_missing():
    history = [msg(0, "Sam", "a"), msg(1, "Sam", "b"), msg(2, "Maya Chen", "c")]
    with pytest.raises(CloneError, match=r"(?s)--me NAME.*2  Sam.*1  Maya Chen"):
        resolve_me(history, [])
    assert resolve_me(history, ["maya  chen"]) == {"Maya Chen"}
    with pytest.raises(CloneError, match="None of --me Bob"):
        resolve_me(history, ["Bob"])


def test_build_dataset_saves_splits_and_keeps_text_exact(tmp_path):
    texts = ["Ça va? 🙃", "lowkey  tired\tngl", "OK."]
    history = [
        m
        for day in range(10)
        for m in (msg(day * 1440, "Sam", f"how r u {day}"), msg(day * 1440 + 1, "Me", texts[day % 3]))
    ]
    workspace = Workspace(tmp_path / "ws")
    summary = build_dataset(history, ["Me"], workspace, DatasetOptions(test_fraction=0.2))
    assert summary["samples"] == {"train": 8, "test": 2}
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
