"""LoRA (or QLoRA) supervised fine-tuning on trl: the person's turns are the only tokens with a loss."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from clone import models, pretraining, templates, versions
from clone.cpu_speed import bf16_adapter_inputs, compact_lm_head, cpu_bf16
from clone.dataset import load_dataset_dict
from clone.dataset.samples import sample_key
from clone.errors import CloneError
from clone.progress import quiet_libraries
from clone.recipes import Recipe, from_dict, load_recipe
from clone.workspace import Workspace, atomic_dir, private, write_json_atomic


def lora_config(recipe: Recipe):
    from peft import LoraConfig

    targets = recipe.lora_targets
    return LoraConfig(
        r=recipe.lora_r,
        lora_alpha=recipe.lora_alpha,
        lora_dropout=recipe.lora_dropout,
        target_modules=targets if targets == "all-linear" else [t.strip() for t in targets.split(",")],
        task_type="CAUSAL_LM",
    )


def load_base_model(path: str, recipe: Recipe):
    import torch
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    kwargs: dict[str, Any] = {"dtype": torch.bfloat16 if cpu_bf16(recipe) else torch.float32}
    if torch.cuda.is_available():
        kwargs["dtype"] = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if recipe.qlora:
        if not torch.cuda.is_available():
            raise CloneError("qlora=true needs a CUDA GPU (bitsandbytes 4-bit); train without it on this machine")
        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=kwargs["dtype"],
        )
    return AutoModelForCausalLM.from_pretrained(path, **kwargs)


def installed_trackers() -> list[str]:
    """Log to tensorboard / trackio when the user has them; nothing is sent anywhere otherwise."""
    return [name for name in ("tensorboard", "trackio") if importlib.util.find_spec(name) is not None]


def sft_config(recipe: Recipe, output_dir: Path, memory_tokens: int = 0):
    """trl's config for the recipe. ``memory_tokens``: the memory block's budget of a dataset built with one
    (clone import --memory-tokens N), room added on top of ``max_length``: the block must not cut the
    conversation it comes with (measured: cut, the clone fits the replies worse than one trained without memory)."""
    import torch
    from trl import SFTConfig

    gpu = torch.cuda.is_available()
    evaluating = recipe.eval_steps > 0
    # Early stopping keeps the best evaluation's weights, so a checkpoint is saved at every evaluation.
    save_steps = recipe.eval_steps if recipe.early_stopping_patience else recipe.save_steps
    # Packing (bfd) is padding-free: a batch of packed rows becomes one long row, and on a CPU the attention over
    # it costs the whole row's length squared (the mask keeps the conversations apart, the work is still done).
    # So a CPU takes one packed row per forward and accumulates the same batch: the same tokens per optimizer step
    # and the same loss (normalised over the whole accumulated batch), with attention a batch_size-th as costly.
    rows = 1 if recipe.packing and not gpu else recipe.batch_size
    accumulate = recipe.grad_accum * recipe.batch_size // rows
    return SFTConfig(
        output_dir=str(output_dir),
        assistant_only_loss=True,  # loss on the person's turns only
        max_length=recipe.max_length + memory_tokens,
        packing=recipe.packing,
        num_train_epochs=recipe.epochs,
        max_steps=recipe.max_steps,
        per_device_train_batch_size=rows,
        per_device_eval_batch_size=recipe.batch_size,  # no backward: one pass, the loss averaged over all its tokens
        gradient_accumulation_steps=accumulate,
        learning_rate=recipe.learning_rate,
        lr_scheduler_type=recipe.lr_scheduler,
        warmup_steps=recipe.warmup,
        weight_decay=recipe.weight_decay,
        seed=recipe.seed,
        logging_steps=recipe.logging_steps,
        # trl's defaults (bf16, checkpointing) stop on a CPU. There, bf16 autocast where the CPU has bf16 matrix
        # units (cpu_bf16), fp32 elsewhere; no checkpointing.
        use_cpu=not gpu,
        bf16=(gpu and torch.cuda.is_bf16_supported()) or cpu_bf16(recipe),
        activation_checkpointing=recipe.activation_checkpointing,
        gradient_checkpointing=recipe.activation_checkpointing,
        eval_strategy="steps" if evaluating else "no",
        eval_steps=recipe.eval_steps or None,
        save_strategy="steps" if save_steps > 0 else "no",
        save_steps=save_steps or 500,
        save_total_limit=recipe.save_total_limit,
        load_best_model_at_end=recipe.early_stopping_patience > 0,
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        report_to=installed_trackers(),
        disable_tqdm=True,  # progress is drawn by RichProgressCallback
    )


@dataclass
class TrainResult:
    """A finished training run: the clone saved in ``folder``; ``run`` is its record (run.json)."""

    me: str
    base_model: str
    heldout_loss_before: float | None  # loss on the person's held-out replies (up to recipe.heldout_samples)
    heldout_loss_after: float | None
    seconds: float
    folder: Path
    run: dict[str, Any]


@private
def train(
    workspace: Workspace | None = None,
    recipe: Recipe | str | None = None,
    *,
    resume: bool = False,
    continue_training: bool = False,
    show_progress: bool = True,
) -> TrainResult:
    """Fine-tune the recipe's base model on the workspace dataset; saves the clone in the workspace, and keeps it
    as the next numbered version (clone.versions).

    ``recipe``: a Recipe, a recipe name or YAML path (default: the CPU recipe). With ``resume``, training continues
    from the newest checkpoint in the workspace (written every ``recipe.save_steps`` steps) with the same data order,
    as if it had never stopped. With ``continue_training``, the current clone's adapter trains on: on the samples it
    has not seen, plus ``recipe.replay_share`` of those it has (so it does not forget them), on its own base model."""
    workspace = workspace or Workspace()
    manifest = workspace.read_manifest()  # before any model loads: a clear error when nothing was imported
    parent = read_run(workspace) if continue_training else None
    checkpoint = latest_checkpoint(workspace) if resume else None
    if resume:
        if checkpoint is None:
            raise CloneError(f"{workspace.checkpoints}: no checkpoint to resume from (set save_steps in the recipe)")
        recipe = from_dict(json.loads((workspace.checkpoints / "recipe.json").read_text()))  # the same run goes on
    else:
        recipe = continued_recipe(parent, recipe) if parent else recipe
        recipe = load_recipe(recipe) if isinstance(recipe, str) or recipe is None else recipe
        if is_main_process():
            shutil.rmtree(workspace.checkpoints, ignore_errors=True)  # never pick up another run's checkpoints
        if recipe.save_steps > 0 and is_main_process():
            write_json_atomic(workspace.checkpoints / "recipe.json", recipe.to_dict())
    quiet_libraries()
    from transformers import AutoTokenizer, PrinterCallback
    from trl import SFTTrainer

    data = load_dataset_dict(workspace)
    model_path = models.resolve(recipe.model)
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    tokenizer.chat_template = templates.training_template(tokenizer.chat_template)
    train_rows, new, replayed = (
        continued_samples(data["train"], parent, recipe) if parent else (data["train"], len(data["train"]), 0)
    )
    eval_set = heldout(data, recipe)
    model = load_base_model(model_path, recipe)
    if parent:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, workspace.model / "adapter", is_trainable=True)
    pretrained = None
    if pretraining.wanted(recipe) and checkpoint is None:
        model, pretrained = pretraining.pretrain(workspace, model, tokenizer, recipe, parent, show_progress)
    elif pretraining.wanted(recipe):  # the checkpoint holds the adapter the stage trained, and SFT after it
        pretrained = {"skipped": "resumed from a checkpoint taken after the stage"}

    trainer = SFTTrainer(
        model=model,
        args=sft_config(recipe, workspace.checkpoints, manifest.get("options", {}).get("memory_tokens", 0)),
        train_dataset=train_rows.select_columns(["messages"]),
        eval_dataset=eval_set,
        processing_class=tokenizer,
        peft_config=None if parent or is_adapter(model) else lora_config(recipe),
        callbacks=callbacks(recipe, show_progress),
    )
    trainer.remove_callback(PrinterCallback)  # it prints raw log dicts; our callback reports instead
    compact_lm_head(trainer.model.get_base_model())
    if cpu_bf16(recipe):
        bf16_adapter_inputs(trainer.model)
    started = time.time()
    loss_before = trainer.evaluate()["eval_loss"] if eval_set else None
    trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    loss_after = trainer.evaluate()["eval_loss"] if eval_set else None
    run = {
        "base_model": recipe.model,
        "base_model_path": model_path,
        "recipe": recipe.to_dict(),
        "me": manifest["me"],
        "dataset": manifest,
        "heldout_loss_before": loss_before,
        "heldout_loss_after": loss_after,
        "heldout_conversations": len(eval_set) if eval_set else 0,
        "version": versions.next_number(workspace),
        "parent": parent.get("version") if parent else None,
        "continued": parent is not None,
        "created": datetime.now().isoformat(timespec="seconds"),
        "samples": len(train_rows),
        "new_samples": new,
        "replayed_samples": replayed,
        # what this adapter has learnt from, so a continued run knows what is new
        "improvements": (parent or {}).get("improvements", []),  # a continued clone keeps what it learnt from
        "trained_samples": sorted({*(parent or {}).get("trained_samples", []), *map(sample_key, data["train"])}),
        "pretrain": pretrained,  # the pre-training stage's record (None: no stage)
        "pretrained_documents": sorted(
            {*(parent or {}).get("pretrained_documents", []), *(pretrained or {}).pop("document_ids", [])}
        ),
        "seconds": round(time.time() - started, 1),
        "world_size": trainer.args.world_size,  # processes that trained together (DDP through torchrun)
        "log_history": trainer.state.log_history,
    }
    result = TrainResult(manifest["me"], recipe.model, loss_before, loss_after, run["seconds"], workspace.model, run)
    if not trainer.is_world_process_zero():
        return result  # one process writes the clone; the others only helped train it
    with atomic_dir(workspace.model) as tmp:
        trainer.model.save_pretrained(tmp / "adapter")
        tokenizer.save_pretrained(tmp / "tokenizer")
        write_json_atomic(tmp / "run.json", run)
        plot_losses(trainer.state.log_history, tmp / "loss.png")
    versions.save_version(workspace, run["version"])
    if not recipe.keep_checkpoints:
        shutil.rmtree(workspace.checkpoints, ignore_errors=True)  # the run is done: nothing to resume
    return result


def is_adapter(model) -> bool:
    """Whether ``model`` already carries a LoRA adapter (the parent's, or one the pre-training stage trained)."""
    from peft import PeftModel

    return isinstance(model, PeftModel)


def continued_recipe(parent: dict[str, Any], recipe: Recipe | str | None) -> Recipe | str:
    """The recipe of a continued run: the parent's own when none is given; a given one must name the base model
    the parent's adapter was trained on, since an adapter fits only its own base."""
    if recipe is None:
        return from_dict(parent["recipe"], "the current clone's recipe (run.json)")
    chosen = load_recipe(recipe) if isinstance(recipe, str) else recipe
    if chosen.model != parent["base_model"]:
        raise CloneError(
            f"the current clone (v{parent.get('version')}) was trained on {parent['base_model']}, and this recipe "
            f"names {chosen.model}: an adapter fits only its own base model. Continue it with "
            f"--set model={parent['base_model']}, or train {chosen.model} from scratch without --continue"
        )
    return chosen


def continued_samples(rows, parent: dict[str, Any], recipe: Recipe):
    """The samples a continued run trains on: those the parent never saw, plus ``recipe.replay_share`` of those it
    did (drawn with the recipe's seed). Returns (rows, new, replayed)."""
    import random

    seen = set(parent.get("trained_samples", []))
    if not seen:
        raise CloneError(
            "the current clone was trained before clone recorded its samples: train it once without --continue"
        )
    new = [i for i, row in enumerate(rows) if sample_key(row) not in seen]
    if not new:
        raise CloneError(f"no new samples since version {parent.get('version')}: import newer exports first")
    fresh = set(new)
    old = [i for i in range(len(rows)) if i not in fresh]
    replay = sorted(random.Random(recipe.seed).sample(old, round(recipe.replay_share * len(old))))
    return rows.select(sorted(new + replay)), len(new), len(replay)


def heldout(data, recipe: Recipe):
    """The held-out conversations whose loss is measured: all of them, or ``recipe.heldout_samples`` drawn with the
    recipe's seed (a real history holds hundreds: the full pass took longer than training)."""
    if "test" not in data:
        return None
    rows = data["test"].select_columns(["messages"])
    if 0 < recipe.heldout_samples < len(rows):
        rows = rows.shuffle(seed=recipe.seed).select(range(recipe.heldout_samples))
    return rows


def callbacks(recipe: Recipe, show_progress: bool) -> list:
    from transformers import EarlyStoppingCallback

    from clone.progress import training_callback

    chosen = [training_callback()] if show_progress else []
    if recipe.early_stopping_patience:
        chosen.append(EarlyStoppingCallback(early_stopping_patience=recipe.early_stopping_patience))
    return chosen


def plot_losses(log_history: list[dict[str, Any]], path: Path) -> None:
    """The loss curve: training loss per logging step, held-out loss per evaluation."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no window
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4), dpi=100)
    for key, label in (("loss", "training loss"), ("eval_loss", "held-out loss (your replies)")):
        points = [(row["step"], row[key]) for row in log_history if key in row]
        if points:
            axes.plot(*zip(*points, strict=True), marker="o" if key == "eval_loss" else None, label=label)
    axes.set_xlabel("step")
    axes.set_ylabel("loss")
    if axes.lines:  # a run shorter than logging_steps logs no loss
        axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def is_main_process() -> bool:
    """True in a plain run, and in the first process of a distributed one (torchrun / accelerate set RANK)."""
    return os.environ.get("RANK", "0") == "0"


def launch(processes: int, args: list[str]) -> None:
    """Run `clone train ARGS` in ``processes`` processes on this machine (DDP: gloo on CPU, NCCL on GPUs)."""
    from torch.distributed.run import main as torchrun

    torchrun([f"--nproc_per_node={processes}", "-m", "clone", "train", *args])


def latest_checkpoint(workspace: Workspace) -> Path | None:
    """The newest complete checkpoint: a run killed while saving leaves one without its trainer state."""
    complete = [p for p in workspace.checkpoints.glob("checkpoint-*") if (p / "trainer_state.json").exists()]
    return max(complete, key=lambda p: int(p.name.split("-")[-1]), default=None)


def read_run(workspace: Workspace | None = None) -> dict[str, Any]:
    """The record of the workspace's trained clone (run.json), or a clear error when there is none."""
    workspace = workspace or Workspace()
    return json.loads((workspace.require_model() / "run.json").read_text(encoding="utf-8"))
