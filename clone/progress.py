"""Progress for long work: rich bars in a terminal, plain periodic lines (with a rate and an ETA) elsewhere.

A log file, CI or a notebook cell gets no redrawn bar, so `bar()` there prints one line per task every
``PLAIN_EVERY`` seconds and one when it ends: long work never sits silent for minutes.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

console = Console(stderr=True)
# tqdm.auto (imported by datasets and transformers) warns in a notebook without ipywidgets; our bars need none
warnings.filterwarnings("ignore", message="IProgress not found")
PLAIN_EVERY = 10.0  # seconds between two plain progress lines of one task


def bar() -> Progress | PlainProgress:
    """A progress display with rich's interface (add_task, update, advance; a context manager)."""
    if not console.is_terminal:
        return PlainProgress()
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[status]}"),
        console=console,
        transient=False,
    )


@dataclass
class _PlainTask:
    description: str
    total: float | None
    status: str = ""
    completed: float = 0
    started: float = field(default_factory=time.monotonic)
    printed: float = field(default_factory=time.monotonic)


class PlainProgress:
    """rich.Progress's interface for output that is not a terminal: plain lines, at most one per task every
    ``PLAIN_EVERY`` seconds, e.g. ``held-out loss: 12/40 (30%) 2.1/s, about 13 s left``."""

    def __init__(self) -> None:
        self.tasks: list[_PlainTask] = []

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> None:
        pass

    def stop(self) -> None:
        for task in self.tasks:
            if task.total and task.completed < task.total:
                self._print(task)  # where it stopped, if it did not finish

    def add_task(self, description: str, total: float | None = None, **fields: Any) -> int:
        self.tasks.append(_PlainTask(description, total, str(fields.get("status", ""))))
        return len(self.tasks) - 1

    def advance(self, task_id: int, advance: float = 1) -> None:
        self.update(task_id, advance=advance)

    def update(
        self,
        task_id: int,
        *,
        completed: float | None = None,
        advance: float | None = None,
        total: float | None = None,
        description: str | None = None,
        status: str | None = None,
        **_: Any,
    ) -> None:
        task = self.tasks[task_id]
        if description is not None and description != task.description:
            task.description, task.started = description, time.monotonic()
            self._print(task)  # a new stage is worth a line
        if total is not None:
            task.total = total
        if status is not None:
            task.status = status
        if completed is not None:
            task.completed = completed
        if advance:
            task.completed += advance
        finished = bool(task.total) and task.completed >= (task.total or 0)
        if finished or time.monotonic() - task.printed >= PLAIN_EVERY:
            self._print(task)

    def _print(self, task: _PlainTask) -> None:
        task.printed = time.monotonic()
        console.print(
            progress_line(task.description, task.completed, task.total, task.printed - task.started, task.status),
            highlight=False,
            soft_wrap=True,
        )


def progress_line(what: str, done: float, total: float | None, elapsed: float, status: str = "") -> str:
    """``what: done/total (pct) rate/s, about N s left status`` for a log."""
    parts = [f"{what}: {done:g}" + (f"/{total:g} ({done / total:.0%})" if total else "")]
    if done and elapsed >= 1:  # a rate over less than a second says nothing
        rate = done / elapsed
        parts.append(f"{rate:.2f}/s" if rate < 10 else f"{rate:.0f}/s")
        if total and done < total:
            parts.append(f"about {_duration((total - done) / rate)} left")
        elif total:
            parts.append(f"in {_duration(elapsed)}")
    if status:
        parts.append(status)
    return " ".join(parts)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


class Stages:
    """One bar for work in named stages (loading, saving, writing N tensors): `step(what)` starts a stage,
    `count(done, total)` shows how far a counted stage is. Disabled, it does nothing."""

    def __init__(self, description: str, enabled: bool = True) -> None:
        self.description, self.enabled = description, enabled
        self.display: Progress | PlainProgress | None = None
        self.task: Any = None

    def __enter__(self) -> Stages:
        if self.enabled:
            self.display = bar()
            self.display.start()
            self.task = self.display.add_task(self.description, total=None, status="")
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.display is not None:
            if exc[0] is None:
                self.display.update(self.task, description=f"{self.description}: done", status="")
            self.display.stop()

    def step(self, what: str) -> None:
        if self.display is not None:
            self.display.update(self.task, description=what, status="", total=None)

    def count(self, done: int, total: int) -> None:
        if self.display is not None:
            self.display.update(self.task, total=total, completed=done)


def training_callback():
    """A trainer callback that replaces tqdm with one bar (built here to keep transformers lazy)."""
    from transformers import TrainerCallback

    class ProgressCallback(TrainerCallback):
        """Replaces the trainer's tqdm bars: one bar for training, losses printed as they come."""

        def __init__(self) -> None:
            self.display: Progress | PlainProgress | None = None  # the training bar, in a terminal
            self.evaluating: Progress | PlainProgress | None = None  # the held-out pass's display
            self.task = self.eval_task = None
            self.started, self.first_step = 0.0, 0

        def on_train_begin(self, args, state, control, **kwargs):
            if not state.is_world_process_zero:
                return  # in a distributed run one process reports for all
            self.started, self.first_step = time.monotonic(), state.global_step
            if console.is_terminal:
                self.display = bar()
                self.display.start()
                self.task = self.display.add_task("training", total=state.max_steps, status="")
            else:
                console.print(f"training: {state.max_steps} steps", highlight=False)

        def on_step_end(self, args, state, control, **kwargs):
            if self.display is not None:
                self.display.update(self.task, completed=state.global_step)

        def on_log(self, args, state, control, logs=None, **kwargs):
            if not logs or "loss" not in logs or not state.is_world_process_zero:
                return
            if self.display is not None:
                self.display.update(self.task, status=f"loss {logs['loss']:.3f}")
                return
            # a log gets one line per logging step: `step N/M loss L`, then the rate and what is left
            elapsed = time.monotonic() - self.started
            done = state.global_step - self.first_step
            line = f"step {state.global_step}/{state.max_steps} loss {logs['loss']:.3f}"
            if done and elapsed > 0:
                left = (state.max_steps - state.global_step) * elapsed / done
                line += f" ({elapsed / done:.1f} s/step, about {_duration(left)} left)"
            console.print(line, highlight=False)

        def on_prediction_step(self, args, state, control, eval_dataloader=None, **kwargs):
            """The held-out loss pass (before, during and after training) gets its own bar or lines."""
            if not state.is_world_process_zero:
                return
            if self.evaluating is None:
                total = len(eval_dataloader) if eval_dataloader is not None else None
                # inside a live training bar a second live display is not allowed: the task joins it
                self.evaluating = self.display or bar()
                if self.display is None:
                    self.evaluating.start()
                self.eval_task = self.evaluating.add_task("held-out loss", total=total, status="")
            self.evaluating.advance(self.eval_task)

        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            if self.evaluating is None:
                return
            if self.evaluating is self.display:
                self.display.remove_task(self.eval_task)
            else:
                self.evaluating.stop()
            self.evaluating = None
            if metrics and "eval_loss" in metrics and state.is_world_process_zero and self.display is None:
                console.print(f"held-out loss {metrics['eval_loss']:.3f}", highlight=False)

        def on_train_end(self, args, state, control, **kwargs):
            if self.display is not None:
                self.display.stop()
                self.display = None

    return ProgressCallback()


def quiet_libraries() -> None:
    """Keep the terminal for what matters: bitsandbytes warns about optional CPU kernels on import,
    datasets draws a bar for every quick map, transformers one for every model load."""
    import logging
    import warnings

    import datasets
    from transformers.utils import logging as transformers_logging

    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    transformers_logging.disable_progress_bar()  # a "Loading weights" bar per model load: ours say more
    warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*")  # trl still calls the old name
    datasets.disable_progress_bars()
