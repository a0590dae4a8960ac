"""The clone being improved: its model and tokenizer, sampling, trl's DPO and GRPO trainers, scoring, saving."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from clone.chat import load_model
from clone.eval.generate import generate
from clone.eval.items import Item
from clone.generation import GenerationSettings
from clone.improvement.config import ImproveConfig
from clone.improvement.pairs import Pair
from clone.progress import bar, console
from clone.training import installed_trackers, read_run
from clone.workspace import Workspace, atomic_dir, write_json_atomic

REWARD_WINDOW = 5  # GRPO steps averaged for the reward at the start and at the end of training
CONTEXT_MESSAGES = 6  # messages of context kept before a reply: a long chat would crowd the reply out of max_length


def trim(context: list[dict[str, str]]) -> list[dict[str, str]]:
    """The system prompt and the last messages before the reply."""
    system = [m for m in context[:1] if m["role"] == "system"]
    return system + context[len(system) :][-CONTEXT_MESSAGES:]


def micro_batches(rows: int, config: ImproveConfig, sequences_per_row: int = 1) -> dict[str, int]:
    """trl batch settings for ``rows`` per optimizer step, fed ``config.micro_batch`` sequences at a time (the
    largest divisor of ``rows`` that fits) and the rest accumulated: the same update in less memory."""
    fits = max(1, config.micro_batch // sequences_per_row)
    micro = max(d for d in range(1, rows + 1) if rows % d == 0 and d <= fits)
    return {"per_device_train_batch_size": micro, "gradient_accumulation_steps": rows // micro * config.grad_accum}


class Session:
    """One `clone improve` run on a workspace's clone: the adapter is trainable and saved at the end."""

    def __init__(self, workspace: Workspace, config: ImproveConfig, show_progress: bool) -> None:
        self.workspace, self.config, self.show_progress = workspace, config, show_progress
        self.run = read_run(workspace)
        self.tokenizer, self.model = load_model(workspace, self.run, trainable=True)
        self.classifier = None

    # --- sampling and scoring ------------------------------------------------------------------------------

    def sampling(self, seed_offset: int = 0) -> GenerationSettings:
        c = self.config
        return GenerationSettings(c.max_new_tokens, c.temperature, seed=c.seed + seed_offset)

    def replies(self, items: Sequence[Item], label: str) -> list[str]:
        """The clone's reply to each item's context."""
        trimmed = [Item(i.sample, i.turn, trim(i.context), i.real) for i in items]
        progress = bar() if self.show_progress else None
        with progress or nullcontext():
            task = progress.add_task(label, total=len(items), status="") if progress else None
            self.model.eval()
            return generate(
                self.model,
                self.tokenizer,
                trimmed,
                self.sampling(),
                on_batch=(lambda k: progress.advance(task, k)) if progress else None,
            )

    def score(self, heldout: Sequence[Item], person: Sequence[str], others: Sequence[str]) -> dict[str, float]:
        """Quick held-out scores of the current clone: how often its replies pass as the person's, their mean
        P(person), and the style distance to the real replies (`clone eval` gives the full picture)."""
        from clone.eval.authorship import AuthorshipClassifier, passes
        from clone.eval.style import style_distance

        if self.classifier is None:
            self.classifier = AuthorshipClassifier(person, others, self.config.seed)
        generated = self.replies(heldout, f"scoring {len(heldout)} held-out replies")
        probability = self.classifier.probability(generated)
        return {
            "authorship_pass_rate": round(float(passes(probability).mean()), 4),
            "authorship_probability": round(float(probability.mean()), 4),
            "style_distance": round(style_distance(generated, [i.real for i in heldout]), 4),
        }

    # --- training ----------------------------------------------------------------------------------------------

    def _common(self) -> dict[str, Any]:
        import torch

        c, gpu = self.config, torch.cuda.is_available()
        return dict(
            output_dir=str(self.workspace.root / "improve-checkpoints"),
            learning_rate=c.learning_rate,
            seed=c.seed,
            logging_steps=1,
            save_strategy="no",
            report_to=installed_trackers(),
            use_cpu=not gpu,  # as in `clone train`: fp32 without checkpointing on a CPU
            bf16=gpu and torch.cuda.is_bf16_supported(),
            activation_checkpointing=False,
            gradient_checkpointing=False,
            disable_tqdm=True,
        )

    def dpo(self, pairs: list[Pair], label: str) -> dict[str, Any]:
        """One DPO pass over ``pairs``; the reference is the adapter as it was before (trl copies it)."""
        from clone.errors import CloneError

        if not pairs:
            raise CloneError("no preference pairs: the clone already gives the person's replies, or no feedback")
        from datasets import Dataset
        from trl import DPOConfig, DPOTrainer

        c = self.config
        rows = [{**p, "prompt": trim(p["prompt"])} for p in pairs]
        args = DPOConfig(
            **self._common(),
            **micro_batches(c.batch_size, c, sequences_per_row=2),
            num_train_epochs=c.epochs,
            beta=c.beta,
            max_length=c.max_length,
        )
        trainer = DPOTrainer(
            self.model,
            args=args,
            train_dataset=Dataset.from_list(rows),
            processing_class=self.tokenizer,
            callbacks=self._callbacks(label),
        )
        return self._train(trainer)

    def grpo(self, items: Sequence[Item], person: Sequence[str], others: Sequence[str]) -> dict[str, Any]:
        """GRPO with the voice rewards for ``config.steps`` steps over the items' contexts."""
        from datasets import Dataset
        from trl import GRPOConfig, GRPOTrainer

        from clone.improvement.rewards import Voice, reward_functions

        c = self.config
        voice = Voice(person, others, c.seed)
        rows = [{"prompt": trim(i.context), "reference": i.real} for i in items]
        replies = c.num_generations * max(1, c.batch_size // c.num_generations)  # whole groups per step
        args = GRPOConfig(
            **self._common(),
            **micro_batches(replies, c),
            max_steps=c.steps,
            num_generations=c.num_generations,
            beta=c.beta,
            max_completion_length=c.max_new_tokens,
            temperature=c.temperature,
            reward_weights=c.weights(),
        )
        trainer = GRPOTrainer(
            self.model,
            reward_funcs=reward_functions(c.reward_names(), voice),
            args=args,
            train_dataset=Dataset.from_list(rows),
            processing_class=self.tokenizer,
            callbacks=self._callbacks("GRPO"),
        )
        logs = self._train(trainer)
        rewards = [row["reward"] for row in trainer.state.log_history if "reward" in row]
        if rewards:  # the weighted voice reward of the sampled replies, as training began and as it ended
            head, tail = rewards[:REWARD_WINDOW], rewards[-REWARD_WINDOW:]
            logs |= {"reward_start": round(sum(head) / len(head), 4), "reward_end": round(sum(tail) / len(tail), 4)}
        return logs

    def _callbacks(self, label: str) -> list:
        from clone.progress import training_callback

        if not self.show_progress:
            return []
        console.print(f"[bold]{label}[/]")
        return [training_callback()]

    def _train(self, trainer: Any) -> dict[str, Any]:
        from transformers import PrinterCallback

        trainer.remove_callback(PrinterCallback)
        result = trainer.train()
        if "ref" in self.model.peft_config:  # trl's frozen copy of the previous adapter: not part of the clone
            self.model.delete_adapter("ref")
        self.model.set_adapter("default")
        losses = [row["loss"] for row in trainer.state.log_history if "loss" in row]
        return {
            "steps": trainer.state.global_step,
            "train_loss": round(float(result.training_loss), 4),
            "last_loss": round(float(losses[-1]), 4) if losses else None,
        }

    # --- reporting and saving --------------------------------------------------------------------------------

    def report(self, record: dict[str, Any]) -> None:
        if not self.show_progress:
            return
        shown = {k: v for k, v in record.items() if k not in ("what",)}
        console.print("  ".join(f"{k}={v}" for k, v in shown.items()))

    def save(self, rounds: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
        """Replace the workspace's clone with the improved adapter; its run.json keeps every improvement."""
        record = {"config": self.config.to_dict(), "rounds": rounds, "seconds": seconds}
        run = dict(self.run)
        run["improvements"] = [*run.get("improvements", []), record]
        with atomic_dir(self.workspace.model) as tmp:
            self.model.save_pretrained(tmp / "adapter", selected_adapters=["default"])
            self.tokenizer.save_pretrained(tmp / "tokenizer")
            write_json_atomic(tmp / "run.json", run)
            loss_plot = self.workspace.model / "loss.png"
            if loss_plot.exists():
                (tmp / "loss.png").write_bytes(loss_plot.read_bytes())
        return record
