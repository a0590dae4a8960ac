"""Training on a tiny model built in the test: the loss mask, a few LoRA steps, and talking to the result."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from clone import templates
from clone.chat import Clone, GenerationSettings
from clone.dataset.build import DatasetOptions, build_dataset
from clone.messages import Kind, Message
from clone.recipes import Recipe
from clone.training import lora_config, sft_config, train
from clone.workspace import Workspace
from tests.conftest import CONVERSATION as CONVERSATION_WITH_SAM
from tests.conftest import SMOLLM2_TEMPLATE

CONVERSATION = CONVERSATION_WITH_SAM[:5]  # the shared chat's first two exchanges


def test_training_template_renders_like_the_inference_template(tiny_model):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    template = templates.training_template(SMOLLM2_TEMPLATE)
    assert "{% generation %}" in template and "{% generation %}" not in SMOLLM2_TEMPLATE
    for messages in (CONVERSATION, CONVERSATION[1:3], CONVERSATION[:2]):
        for prompt in (False, True):
            original = tokenizer.apply_chat_template(
                messages, chat_template=SMOLLM2_TEMPLATE, tokenize=False, add_generation_prompt=prompt
            )
            trained = tokenizer.apply_chat_template(
                messages, chat_template=template, tokenize=False, add_generation_prompt=prompt
            )
            assert trained == original


def test_labels_equal_the_assistant_mask(tiny_model, tmp_path):
    """The loss covers exactly the person's turns, end-of-turn token included, and nothing else."""
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTTrainer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    tokenizer.chat_template = templates.training_template(tokenizer.chat_template)
    recipe = Recipe(model=str(tiny_model), packing=False, max_length=256)
    trainer = SFTTrainer(
        model=AutoModelForCausalLM.from_pretrained(tiny_model),
        args=sft_config(recipe, tmp_path),
        train_dataset=Dataset.from_list([{"messages": CONVERSATION}]),
        processing_class=tokenizer,
        peft_config=lora_config(recipe),
    )
    batch = trainer.data_collator([trainer.train_dataset[0]])
    expected = tokenizer.apply_chat_template(
        CONVERSATION, tokenize=True, return_dict=True, return_assistant_tokens_mask=True
    )
    assert batch["input_ids"][0].tolist() == expected["input_ids"]
    trained = (batch["labels"][0] != -100).tolist()
    assert trained == [bool(m) for m in expected["assistant_masks"]]
    learned = tokenizer.decode([t for t, keep in zip(expected["input_ids"], trained, strict=True) if keep])
    assert learned == "omg yes 🍜<|im_end|>perfect see u there<|im_end|>"


def _history() -> list[Message]:
    start, rows = datetime(2025, 9, 1, 19, 0), []
    lines = [
        ("Sam", "How was the climbing gym?"),
        ("Maya", "omg so good ngl"),
        ("Maya", "sent my first V4 🧗‍♀️"),
        ("Sam", "Impressive. Dinner after?"),
        ("Maya", "ramen obviously 🍜"),
    ]
    for day in range(12):
        for i, (sender, text) in enumerate(lines):
            rows.append(
                Message(
                    "whatsapp",
                    "Sam",
                    sender,
                    start + timedelta(days=day, minutes=i),
                    text,
                    Kind.TEXT,
                    "chat.txt",
                    day * 5 + i + 1,
                )
            )
    return rows


def test_train_and_talk_end_to_end_on_a_tiny_model(tiny_model, tmp_path):
    workspace = Workspace(tmp_path / "ws")
    build_dataset(_history(), ["Maya"], workspace, DatasetOptions(test_fraction=0.2))
    recipe = Recipe(
        model=str(tiny_model), max_steps=8, batch_size=2, learning_rate=5e-3, max_length=128, logging_steps=2
    )
    run = train(workspace, recipe, show_progress=False)
    assert run.heldout_loss_after < run.heldout_loss_before
    assert (workspace.model / "adapter" / "adapter_config.json").exists()
    assert (workspace.model / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "{% generation %}" in (workspace.model / "tokenizer" / "chat_template.jinja").read_text()
    assert not workspace.checkpoints.exists()  # removed after a successful run (keep_checkpoints=false)
    modes = {path: path.stat().st_mode & 0o777 for path in [workspace.root, *workspace.root.rglob("*")]}
    assert {m for p, m in modes.items() if p.is_dir()} == {0o700} and {m for p, m in modes.items() if p.is_file()} == {
        0o600
    }  # other people's messages: every folder and file private to the owner

    maya = Clone.load(workspace, GenerationSettings(max_new_tokens=8, seed=0))
    with_sam, with_lea = maya.conversation("Sam"), maya.conversation("Lea", platform="telegram")
    pieces = list(with_sam.stream("How was the climbing gym?"))
    assert with_sam.history[-1] == {"role": "assistant", "content": "".join(pieces).strip()}
    assert with_lea.history == []  # one loaded clone, conversations apart
    with_lea.reply("hi")
    assert [m["role"] for m in with_lea.history] == ["user", "assistant"] and len(with_sam.history) == 2
    assert "Lea" in with_lea.prompt()[0]["content"] and "Telegram" in with_lea.prompt()[0]["content"]

    stream = with_sam.stream("and tomorrow?")
    next(stream, None)
    stream.close()  # what Ctrl-C does in `clone talk`: the generation stops, the reply is kept as far as it got
    assert with_sam.history[-2]["content"] == "and tomorrow?" and with_sam.history[-1]["role"] == "assistant"


def test_talk_builds_the_same_system_prompt_as_training(tmp_path):
    """The clone must see at inference the context it saw in training: who, relationship, platform, time."""
    from clone.dataset import load_dataset_dict
    from clone.dataset.samples import Context, system_prompt

    workspace = Workspace(tmp_path / "ws")
    workspace.root.mkdir()
    workspace.contacts.write_text("Sam: friend\n")
    build_dataset(_history(), ["Maya"], workspace, DatasetOptions(test_fraction=0.2))
    sample = load_dataset_dict(workspace)["test"][0]
    trained = sample["messages"][0]["content"]
    assert trained == (
        "You are Maya, chatting with Sam (friend) on WhatsApp. It is Thursday evening, 11 September 2025."
        " Reply as Maya would."
    )

    unloaded = Clone(workspace, {"me": "Maya"}, tokenizer=None, model=None)  # the prompt logic only
    talk = unloaded.conversation("Sam", when=datetime.fromisoformat(sample["start"]))  # "friend" from contacts
    assert talk.prompt()[0]["content"] == trained
    assert system_prompt(Context("Maya", "Sam", "friend", when=talk.when)) == trained


def test_evaluation_during_training_and_early_stopping(tiny_model, tmp_path):
    workspace = Workspace(tmp_path / "ws")
    build_dataset(_history(), ["Maya"], workspace, DatasetOptions(test_fraction=0.2))
    # A learning rate this high makes the held-out loss stall and climb: early stopping must end the run.
    recipe = Recipe(
        model=str(tiny_model),
        max_steps=40,
        batch_size=2,
        learning_rate=0.3,
        max_length=128,
        eval_steps=2,
        early_stopping_patience=2,
        lr_scheduler="constant",
        warmup=0,
        cpu_bf16=False,  # in bf16 this tiny model's held-out loss keeps creeping down by 0.001: no stall to stop on
    )
    run = train(workspace, recipe, show_progress=False)
    evals = [row for row in run.run["log_history"] if "eval_loss" in row and "step" in row]
    assert len(evals) >= 3 and evals[0]["step"] == 2 and evals[1]["step"] == 4
    assert evals[-1]["step"] < 40  # stopped early
    best = min(row["eval_loss"] for row in evals)
    assert run.heldout_loss_after == pytest.approx(best, abs=1e-4)  # the best weights are the ones kept


def test_qlora_without_cuda_is_a_clear_error(tiny_model):
    import torch

    from clone.errors import CloneError
    from clone.training import load_base_model

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(CloneError, match="needs a CUDA GPU"):
        load_base_model(str(tiny_model), Recipe(qlora=True))
