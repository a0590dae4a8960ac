"""Shared test fixtures: the shared export folder, a chat, and a tiny model + tokenizer built in milliseconds."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures"
EXAMPLES = ROOT / "examples"

# SmolLM2-135M-Instruct's real chat template (ChatML with a default system prompt).
SMOLLM2_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# A one-to-one chat as training writes it: the system prompt, then the other person's and the person's turns.
CONVERSATION = [
    {"role": "system", "content": "You are Maya, chatting with Sam on WhatsApp."},
    {"role": "user", "content": "dinner tonight?"},
    {"role": "assistant", "content": "omg yes 🍜"},
    {"role": "user", "content": "7pm at Hoshi"},
    {"role": "assistant", "content": "perfect see u there"},
    {"role": "user", "content": "bring the book pls"},
    {"role": "assistant", "content": "ofc\nalready in my bag"},
]


def build_tiny_tokenizer(specials: list[str], chat_template: str, **special_tokens: str):
    """A byte-level BPE tokenizer trained on the demo export in milliseconds, with a model family's special tokens
    (``specials``), its roles (``bos_token="<s>"``, ...) and its chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE(unk_token=None))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    corpus = [p.read_text(encoding="utf-8") for p in EXAMPLES.glob("*.txt")]
    bpe.train_from_iterator(
        corpus,
        trainers.BpeTrainer(
            vocab_size=600, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
        ),
    )
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, **special_tokens)
    tokenizer.chat_template = chat_template
    return tokenizer


def build_tiny_model(folder: Path, initializer_range: float = 0.02) -> Path:
    """A byte-level BPE tokenizer trained on the demo export and a 2-layer random Llama, saved to ``folder``.
    At the usual ``initializer_range`` its tied embeddings keep every logit near zero, so LoRA (which leaves them
    frozen) cannot make it confident; a test that needs it to memorise asks for a wider one."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = build_tiny_tokenizer(
        ["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        SMOLLM2_TEMPLATE,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<|im_end|>",
        unk_token="<|endoftext|>",
    )
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
        initializer_range=initializer_range,
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


def import_senders(*exports: Path) -> tuple[set[str], str]:
    """`clone import EXPORT... --list-senders` run as a user runs it: its sender lines and its report (stderr),
    printed wide enough that the report's table is not wrapped."""
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "clone", "import", *map(str, exports), "--list-senders"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "COLUMNS": "250"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {line.split(None, 1)[1] for line in done.stdout.strip().splitlines()}, done.stderr
