"""Rich progress for long work: a bar for training steps, with the latest loss beside it."""

from __future__ import annotations

import os
import time

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
STEP_DELAY = float(os.environ.get("CLONE_TEST_STEP_DELAY", "0"))  # tests slow steps down to kill a run mid-way


def bar(description: str = "") -> Progress:
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


def training_callback():
    """A trainer callback that replaces tqdm with one rich bar (built here to keep transformers lazy)."""
    from transformers import TrainerCallback

    class RichProgressCallback(TrainerCallback):
        """Replaces the trainer's tqdm bars: one bar for training, losses printed as they come."""

        def __init__(self) -> None:
            self.progress: Progress | None = None
            self.task = None

        def on_train_begin(self, args, state, control, **kwargs):
            if not state.is_world_process_zero:
                return  # in a distributed run one process reports for all
            self.progress = bar()
            self.progress.start()
            self.task = self.progress.add_task("training", total=state.max_steps, status="")

        def on_step_end(self, args, state, control, **kwargs):
            if STEP_DELAY:
                time.sleep(STEP_DELAY)
            if self.progress is not None:
                self.progress.update(self.task, completed=state.global_step)

        def on_log(self, args, state, control, logs=None, **kwargs):
            if not logs or "loss" not in logs or not state.is_world_process_zero:
                return
            if self.progress is not None:
                self.progress.update(self.task, status=f"loss {logs['loss']:.3f}")
            if not console.is_terminal:  # a log file gets one line per logging step instead of a redrawn bar
                console.print(f"step {state.global_step}/{state.max_steps} loss {logs['loss']:.3f}")

        def on_train_end(self, args, state, control, **kwargs):
            if self.progress is not None:
                self.progress.stop()
                self.progress = None

    return RichProgressCallback()


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
