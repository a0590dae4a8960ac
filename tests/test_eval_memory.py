"""`clone eval` with memory: the fact probe on cases whose answer is known, and the clone + memory contender
end to end on a tiny clone trained with memory blocks."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from clone.eval.items import Item, has_memory, without_memory, without_memory_text
from clone.eval.probe import fact_probe
from clone.memory.block import HEADER
from clone.workspace import Workspace

COMMON = {"asleep", "sofa", "shoe", "chewed", "walk", "park", "deal", "great", "thanks", "plans", "tonight"}


def pieces(word: str) -> int:
    """A stand-in tokenizer: the common words are one token, everything else two."""
    return 1 if word in COMMON else 2


def item(real: str, *said: str, system: str = "You are Maya, chatting with Sam.") -> Item:
    context = [{"role": "system", "content": system}]
    context += [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(said)]
    return Item(0, len(context), context, real)


EARLIER = ["my dog Biscuit chewed my shoe", "we fly to Lisbon on the 12th", "deal", "great thanks"]
MESSAGES = EARLIER + ["how's work?", "fine", "walk in the park?", "sure", "plans tonight?", "no"] * 5


def test_a_reply_is_a_probe_when_it_holds_a_rare_word_said_before_and_not_in_the_conversation():
    items = [
        item("Biscuit is asleep on the sofa", "how's the dog?"),  # the name, said before: a probe
        item("biscuit is fine", "is Biscuit ok?"),  # echoes the context: not a probe
        item("deal", "pizza?"),  # said before, but a common word
        item("the 12th!! so soon", "when do we fly?"),  # a number said before
        item("Valparaiso is lovely", "where next?"),  # rare, but never said before
    ]
    probe = fact_probe(items, EARLIER, MESSAGES, pieces)
    assert probe.keys == [["biscuit"], [], [], ["12th"], []]
    assert probe.mask.tolist() == [True, False, False, True, False]
    recalled = probe.recalled(["biscuit is snoring", "Biscuit!", "deal", "no idea", "Valparaiso"])
    assert recalled.tolist() == [True, False, False, False, False]  # only probes count
    statistic = probe.statistic(["biscuit is snoring", "", "", "no idea", ""])
    assert statistic(np.arange(5)) == 0.5
    assert statistic(np.array([1, 2, 4])) is None  # a resample without a probe has no fact recall


def test_a_word_in_most_messages_is_not_key_content():
    items = [item("Biscuit!!", "who's a good boy?")]
    assert fact_probe(items, EARLIER, ["Biscuit"] * 20 + MESSAGES, pieces).keys == [[]]
    assert fact_probe(items, EARLIER, MESSAGES, pieces, share=0.5).keys == [["biscuit"]]


def test_the_memory_block_is_not_context_the_reply_could_echo():
    system = f"You are Maya.\n\n{HEADER}\nAbout you: your dog is Biscuit."
    assert without_memory_text(system) == "You are Maya."
    probe = fact_probe([item("Biscuit is asleep", "how's the dog?", system=system)], EARLIER, MESSAGES, pieces)
    assert probe.keys == [["biscuit"]]
    rows = [{"messages": [{"role": "system", "content": system}, {"role": "user", "content": "hi"}]}]
    assert has_memory(rows) and not has_memory(without_memory(rows))
    assert without_memory(rows)[0]["messages"][1] == rows[0]["messages"][1]


# --- end to end ------------------------------------------------------------------------------------------------


def history():
    """Sam and Maya over six weeks: she tells him about her dog early; in the last ten days (held out) he asks
    after it by kind every other day."""
    from clone.messages import Kind, Message

    early = [("Sam", "how was your weekend?"), ("Maya", "my dog Biscuit chewed my shoe lol"), ("Sam", "classic")]
    filler = [("Sam", "pizza tonight?"), ("Maya", "yes pls"), ("Sam", "ok")]
    late = [("Sam", "how's the dog?"), ("Maya", "Biscuit is asleep on the sofa"), ("Sam", "cute")]
    rows, start = [], datetime(2025, 9, 1, 19, 0)
    for day in range(40):
        lines = early if day < 3 else late if day >= 30 and day % 2 else filler
        for i, (sender, text) in enumerate(lines):
            when = start + timedelta(days=day, minutes=i)
            rows.append(Message("whatsapp", "Sam", sender, when, text, Kind.TEXT, "chat.txt", day * 3 + i + 1))
    return rows


@pytest.fixture(scope="module")
def memory_workspace(tiny_model, tmp_path_factory) -> Workspace:
    from clone.dataset import DatasetOptions, build_dataset
    from clone.recipes import Recipe
    from clone.training import train

    workspace = Workspace(tmp_path_factory.mktemp("eval-memory") / "ws")
    options = DatasetOptions(test_fraction=0.25, memory_tokens=120, tokenizer=str(tiny_model))
    build_dataset(history(), ["Maya"], workspace, options)
    recipe = Recipe(model=str(tiny_model), max_steps=2, batch_size=2, learning_rate=5e-3, max_length=256)
    train(workspace, recipe, show_progress=False)
    return workspace


def test_clone_with_memory_is_a_contender_and_its_fact_recall_is_measured(memory_workspace, monkeypatch):
    """A stand-in clone that answers with the real reply only when it is told what it remembers: clone + memory
    then recalls every fact and the clone none, and the paired comparison says so."""
    import clone
    from clone.eval import run
    from clone.eval.report import render_html

    def answers(model, tokenizer, items, *args, **kwargs):
        return [i.real if HEADER in i.system else "hmm" for i in items]

    monkeypatch.setattr(run, "generate", answers)
    results = clone.evaluate(
        memory_workspace, samples=0, resamples=50, semantic=False, show_progress=False, write=False
    )
    metrics, counts = results.metrics, results.counts
    assert {"clone", "memory", "base", "retrieval"} <= set(metrics)
    assert counts["fact_probe_replies"] == sum(bool(s["fact_words"]) for s in results.samples) > 0
    assert metrics["memory"]["fact_recall"]["value"] == 1.0 and metrics["clone"]["fact_recall"]["value"] == 0.0
    compared = results.comparisons["memory_vs_clone"]
    assert compared["fact_recall"]["value"] == 1.0 and compared["fact_recall"]["verdict"] == "better"
    assert compared["style_distance"]["verdict"] == "better"  # the real replies against "hmm"
    assert "perplexity" in compared and "perplexity" in metrics["memory"]
    assert "clone_vs_memory" not in results.comparisons and "clone_vs_base" in results.comparisons
    probes = [s for s in results.samples if s["fact_words"]]
    assert all(s["recalled"]["memory"] and not s["recalled"]["clone"] for s in probes)
    assert all(s["fact_words"] == ["biscuit"] for s in probes)
    page = render_html(results.to_dict())
    assert "clone + memory" in page and "fact recall" in page and "recalls biscuit" in page


def test_a_clone_without_memory_has_no_memory_contender(tiny_model, tmp_path, monkeypatch):
    import clone
    from clone.dataset import DatasetOptions, build_dataset
    from clone.eval import run
    from clone.recipes import Recipe
    from clone.training import train

    workspace = Workspace(tmp_path / "ws")
    build_dataset(history(), ["Maya"], workspace, DatasetOptions(test_fraction=0.25))
    train(workspace, Recipe(model=str(tiny_model), max_steps=1, batch_size=2, max_length=128), show_progress=False)
    monkeypatch.setattr(run, "generate", lambda model, tokenizer, items, *a, **k: [i.real for i in items])
    results = clone.evaluate(workspace, samples=0, resamples=20, semantic=False, show_progress=False, write=False)
    assert "memory" not in results.metrics and "memory_vs_clone" not in results.comparisons
    assert results.metrics["clone"]["fact_recall"]["value"] == 1.0  # the real replies recall what was said before
