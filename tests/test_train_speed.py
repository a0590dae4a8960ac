"""The CPU speed-ups in clone.cpu_speed change no loss, gradient or metric (bench/train_bench.py measures them)."""

from __future__ import annotations

import logging

import pytest

from clone import cpu_speed, templates
from clone.cpu_speed import bf16_adapter_inputs, compact_lm_head
from clone.recipes import Recipe
from clone.training import lora_config, sft_config
from tests.test_training import CONVERSATION


def _trainer(tiny_model, tmp_path, **recipe_values):
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTTrainer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    tokenizer.chat_template = templates.training_template(tokenizer.chat_template)
    recipe = Recipe(model=str(tiny_model), max_length=256, lora_dropout=0.0, cpu_bf16=False, **recipe_values)
    rows = [{"messages": CONVERSATION}, {"messages": CONVERSATION[:3]}, {"messages": CONVERSATION[2:]}]
    trainer = SFTTrainer(
        model=AutoModelForCausalLM.from_pretrained(tiny_model),
        args=sft_config(recipe, tmp_path),
        train_dataset=Dataset.from_list(rows),
        processing_class=tokenizer,
        peft_config=lora_config(recipe),
    )
    torch.manual_seed(0)
    for name, parameter in trainer.model.named_parameters():
        if "lora_B" in name:  # zero at init: give every adapter a gradient path
            torch.nn.init.normal_(parameter, std=0.1)
    return trainer


def _loss_and_gradients(trainer, batch):
    trainer.model.zero_grad()
    trainer._metrics["train"].clear()
    loss = trainer.compute_loss(trainer.model, dict(batch))
    loss.backward()
    gradients = {n: p.grad.clone() for n, p in trainer.model.named_parameters() if p.requires_grad}
    metrics = {k: v[-1] for k, v in trainer._metrics["train"].items() if k != "num_tokens"}
    return loss.item(), gradients, metrics


def test_compact_lm_head_gives_trls_loss_gradients_and_metrics(tiny_model, tmp_path):
    import torch

    trainer = _trainer(tiny_model, tmp_path, packing=True)
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(len(trainer.train_dataset))])
    assert "position_ids" in batch and (batch["labels"] == -100).any()  # packed, with unlabelled positions
    expected = _loss_and_gradients(trainer, batch)
    assert compact_lm_head(trainer.model.get_base_model())
    loss, gradients, metrics = _loss_and_gradients(trainer, batch)
    assert loss == pytest.approx(expected[0], rel=1e-6)
    assert metrics == pytest.approx(expected[2], rel=1e-6)
    assert gradients.keys() == expected[1].keys()
    for name, gradient in gradients.items():
        torch.testing.assert_close(gradient, expected[1][name], msg=name)


def _hide_chunked_log_prob(monkeypatch):
    import trl.kernels

    monkeypatch.delattr(trl.kernels, "ChunkedLogProbFunction")


def _change_kernel_arguments(monkeypatch):
    """trl.kernels exports a kernel with other arguments (trl's own path keeps its reference to the real one)."""
    import torch
    import trl.kernels

    class ChangedKernel(torch.autograd.Function):
        @staticmethod
        def forward(ctx, hidden, weight):
            return hidden @ weight.T

    monkeypatch.setattr(trl.kernels, "ChunkedLogProbFunction", ChangedKernel)


@pytest.mark.parametrize(
    ("unknown_trl", "notice"),
    [
        (lambda monkeypatch: monkeypatch.setattr("trl.__version__", "1.17.0"), "outside the tested <1.17,>=1.16"),
        (_hide_chunked_log_prob, "cannot import name 'ChunkedLogProbFunction'"),
        (_change_kernel_arguments, "changed ChunkedLogProbFunction's arguments"),
    ],
    ids=["version", "missing-kernel", "kernel-arguments"],
)
def test_an_unknown_trl_keeps_trls_own_path_with_one_notice(
    tiny_model, tmp_path, monkeypatch, caplog, unknown_trl, notice
):
    trainer = _trainer(tiny_model, tmp_path, packing=True)
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(len(trainer.train_dataset))])
    expected = _loss_and_gradients(trainer, batch)  # trl's own path
    unknown_trl(monkeypatch)
    cpu_speed._notice.cache_clear()  # the notice is printed once per process
    model = trainer.model.get_base_model()
    trl_forward = model.forward
    with caplog.at_level(logging.WARNING, logger="clone.cpu_speed"):
        assert compact_lm_head(model) is False
        assert compact_lm_head(model) is False
    assert model.forward == trl_forward
    (record,) = caplog.records  # once
    assert notice in record.getMessage() and "trl's own LM head path" in record.getMessage()
    loss, gradients, _ = _loss_and_gradients(trainer, batch)
    assert loss == pytest.approx(expected[0], rel=1e-6)
    assert gradients.keys() == expected[1].keys()


def test_a_forward_trl_did_not_fuse_is_left_alone(tiny_model, caplog):
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_model)  # no SFTTrainer: no fused_lm_head keyword
    cpu_speed._notice.cache_clear()
    with caplog.at_level(logging.WARNING, logger="clone.cpu_speed"):
        assert compact_lm_head(model) is False
    assert "changed the fused forward's keywords" in caplog.text


def test_bf16_adapter_inputs_change_nothing_and_only_under_autocast(tiny_model, tmp_path):
    import torch

    trainer = _trainer(tiny_model, tmp_path, packing=False)
    model, batch = trainer.model, trainer.data_collator([trainer.train_dataset[0]])
    inputs = {k: batch[k] for k in ("input_ids", "attention_mask")}
    with torch.autocast("cpu", dtype=torch.bfloat16):
        expected = model(**inputs).logits
    bf16_adapter_inputs(model)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        torch.testing.assert_close(model(**inputs).logits, expected, rtol=0, atol=0)
    model(**inputs)  # without autocast the adapters cast their inputs again (no dtype mismatch)
    assert all(m.cast_input_dtype_enabled for m in model.modules() if hasattr(m, "cast_input_dtype_enabled"))


def test_cpu_takes_one_packed_row_per_forward_and_keeps_the_batch(tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("the CPU layout only")
    packed = sft_config(Recipe(packing=True, batch_size=4, grad_accum=2), tmp_path)
    assert (packed.per_device_train_batch_size, packed.gradient_accumulation_steps) == (1, 8)
    padded = sft_config(Recipe(packing=False, batch_size=4, grad_accum=2), tmp_path)
    assert (padded.per_device_train_batch_size, padded.gradient_accumulation_steps) == (4, 2)
