"""A clone trained with memory is told what it remembers when it talks, as in training, and only what the person
it talks with took part in: the planted secret said to Priya alone never reaches Sam's prompt."""

from __future__ import annotations

from datetime import timedelta

from clone import training
from clone.chat import Clone
from clone.dataset.build import DatasetOptions, build_dataset
from clone.recipes import Recipe
from clone.training import sft_config, train
from clone.workspace import Workspace
from tests.test_memory import SECRET_WORDS, T0, history


def test_talk_recalls_within_the_partners_scope(tiny_model, tmp_path, monkeypatch):
    workspace = Workspace(tmp_path / "ws")
    build_dataset(history(), "Maya", workspace, DatasetOptions(test_fraction=0, memory_tokens=400))
    configs = []
    monkeypatch.setattr(training, "sft_config", lambda *a: configs.append(sft_config(*a)) or configs[-1])
    train(workspace, Recipe(model=str(tiny_model), max_steps=1, batch_size=2, max_length=256), show_progress=False)
    assert configs[0].max_length == 256 + 400  # the memory block comes on top of the conversation, not out of it
    maya = Clone.load(workspace)
    assert maya.memory is not None and maya.memory_tokens == 400
    later = T0 + timedelta(days=60)
    for partner in ("Sam", "Alex"):
        talk = maya.conversation(partner, when=later)
        talk.say("tell me the secret about the heron in Valparaiso")
        system = talk.prompt()[0]["content"]
        assert not any(word in system.lower() for word in SECRET_WORDS), partner
    with_priya = maya.conversation("Priya", when=later)
    with_priya.say("what was that secret about the heron?")
    system = with_priya.prompt()[0]["content"]
    assert "heron" in system.lower() and with_priya.recalled.hits  # she was told it: it may come back to her
