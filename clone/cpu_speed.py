"""CPU speed-ups for LoRA training: the same losses and gradients as trl's own path, less work on a CPU.

bench/train_bench.py measures them; tests/test_train_speed.py checks each changes no loss, gradient or metric.
"""

from __future__ import annotations

import functools
import inspect
import logging
from pathlib import Path

from clone.recipes import Recipe


def cpu_has_bf16_units() -> bool:
    """True on x86 CPUs with bf16 matrix instructions (AMX on Xeon 4th gen+, AVX512-BF16 on Cooper Lake, Zen 4+),
    where bf16 matrix products run 3-4x faster than fp32; elsewhere bf16 is emulated and slower."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    flags = next((line.split(":", 1)[1].split() for line in cpuinfo.splitlines() if line.startswith("flags")), [])
    return "amx_bf16" in flags or "avx512_bf16" in flags


def cpu_bf16(recipe: Recipe) -> bool:
    """Whether this run trains in bf16 on a CPU: the frozen base weights in bf16 and bf16 autocast (the LoRA
    weights and the optimizer stay in fp32), when the recipe allows it and the CPU computes bf16 natively."""
    import torch

    return recipe.cpu_bf16 and not torch.cuda.is_available() and not recipe.qlora and cpu_has_bf16_units()


# Settings that change the LM head's logits; trl's own fused head handles them, the compact one below does not.
_LOGIT_TRANSFORMS = (
    "final_logit_softcapping",
    "logit_scale",
    "output_multiplier",
    "lm_head_multiplier",
    "logits_scaling",
)
_VOCAB_TILE = 32768  # vocabulary columns per projection tile, as in trl
# What compact_lm_head relies on in trl 1.16: the kernel's arguments, the fused forward's keywords, the output.
_KERNEL_ARGS = (
    "hidden",
    "weight",
    "bias",
    "targets",
    "temperature",
    "chunk_size",
    "final_logit_softcapping",
    "logit_scale",
    "outputs",
)
_FUSED_FORWARD_ARGS = ("fused_lm_head", "labels", "shift_labels", "num_items_in_batch")
_OUTPUT_FIELDS = ("loss", "log_probs", "entropy", "is_top1", "label_mask")

logger = logging.getLogger(__name__)


def _unknown_trl(trl_forward) -> str | None:
    """Why this trl is not the one compact_lm_head was written against (None when it is): a version outside the
    bounds clone declares, or internals that moved or changed. ``trl_forward``: the forward trl installed."""
    import trl

    from clone.doctor import declared_requirements

    tested = declared_requirements().get("trl")
    if tested is not None and not tested.specifier.contains(trl.__version__, prereleases=True):
        return f"trl {trl.__version__} is outside the tested {tested.specifier}"
    try:
        from trl.kernels import ChunkedLogProbFunction
        from trl.trainer.utils import FusedCausalLMOutput
    except ImportError as error:
        return f"trl {trl.__version__}: {error}"
    kernel_args = tuple(inspect.signature(ChunkedLogProbFunction.forward).parameters)[1:]  # after ctx
    forward_args = inspect.signature(trl_forward, follow_wrapped=False).parameters  # wraps() shows the model's own
    output_fields = getattr(FusedCausalLMOutput, "__dataclass_fields__", {})
    changes = {
        "ChunkedLogProbFunction's arguments": kernel_args != _KERNEL_ARGS,
        "the fused forward's keywords": not set(_FUSED_FORWARD_ARGS) <= set(forward_args),
        "FusedCausalLMOutput's fields": not set(_OUTPUT_FIELDS) <= set(output_fields),
    }
    changed = [what for what, differs in changes.items() if differs]
    return f"trl {trl.__version__} changed {', '.join(changed)}" if changed else None


@functools.cache  # once per process and reason
def _notice(message: str) -> None:
    logger.warning(message)


def compact_lm_head(model) -> bool:
    """Project only the labelled positions through the LM head when it runs on a CPU; True when installed.

    trl's fused LM head (``model(..., fused_lm_head=True)``, installed by ``SFTTrainer``) scores only the positions
    whose next token has a label on CUDA/XPU, but every position elsewhere, to keep tile shapes fixed for
    compilers; it zeroes the unlabelled ones afterwards. On a CPU nothing is compiled, and the person's replies are
    about a third of the tokens, so the 49k-wide projection and its softmax (run again in the backward) did three
    times the work needed. This puts a forward in front of trl's that takes trl's own compact path (its kernel,
    its outputs) on a CPU, and hands every other call (generation, CUDA, shifted labels, MoE, scaled logits) to
    trl's forward unchanged. ``model`` is the model trl patched (the PEFT model's base model)."""
    import types

    config = model.config.get_text_config()
    if any(getattr(config, name, None) not in (None, 1.0) for name in _LOGIT_TRANSFORMS):
        return False
    trl_forward = model.forward  # trl's fused forward, itself wrapping the model's own
    if reason := _unknown_trl(trl_forward):
        _notice(f"{reason}: training takes trl's own LM head path (same loss, slower on a CPU)")
        return False
    from trl.kernels import ChunkedLogProbFunction
    from trl.trainer.utils import FusedCausalLMOutput

    @functools.wraps(type(model).forward)  # generate() checks its kwargs against this signature
    def forward(self, *args, fused_lm_head=False, labels=None, shift_labels=None, num_items_in_batch=None, **kwargs):
        head = self.get_output_embeddings()
        if (
            not fused_lm_head
            or labels is None
            or shift_labels is not None
            or head.weight.device.type != "cpu"
            or kwargs.get("output_router_logits")
            or getattr(config, "output_router_logits", False)
        ):
            return trl_forward(
                *args,
                fused_lm_head=fused_lm_head,
                labels=labels,
                shift_labels=shift_labels,
                num_items_in_batch=num_items_in_batch,
                **kwargs,
            )
        kwargs["use_cache"] = False
        hidden = self.base_model(*args, **kwargs).last_hidden_state[:, :-1]
        labels = labels[:, 1:].to(hidden.device)
        mask = labels != -100
        per_token = ChunkedLogProbFunction.apply(
            hidden[mask],
            head.weight,
            head.bias,
            labels[mask],
            1.0,
            _VOCAB_TILE,
            None,
            1.0,
            ("log_probs", "entropy", "is_top1"),
        )
        # masked_scatter keeps the output connected to the model even when no position has a label
        log_probs, entropy, _, _, is_top1 = (
            None if x is None else x.new_zeros(mask.shape).masked_scatter(mask, x) for x in per_token
        )
        count = mask.sum().clamp(min=1) if num_items_in_batch is None else num_items_in_batch
        return FusedCausalLMOutput(
            loss=-log_probs.sum() / count, log_probs=log_probs, entropy=entropy, is_top1=is_top1, label_mask=mask
        )

    model.forward = types.MethodType(forward, model)
    return True


def bf16_adapter_inputs(peft_model) -> None:
    """Under bf16 autocast on a CPU, stop peft from casting each LoRA input up to the adapter's fp32.

    peft casts the input of every LoRA layer to its weights' dtype (fp32: the adapter is trained in fp32), and
    autocast casts it straight back to bf16 for the matrix product: two copies of every input, per layer, forward
    and backward, that change no value (bf16 -> fp32 -> bf16 is exact): about 7% of a CPU step.
    The casts are skipped only while autocast is on, so a forward without it still gets matching dtypes."""
    import torch

    layers = [module for module in peft_model.modules() if hasattr(module, "cast_input_dtype_enabled")]

    def set_casting(enabled: bool) -> None:
        for layer in layers:
            layer.cast_input_dtype_enabled = enabled

    peft_model.register_forward_pre_hook(lambda *_: set_casting(not torch.is_autocast_enabled("cpu")))
    peft_model.register_forward_hook(lambda *_: set_casting(True), always_call=True)
