"""`clone improve`: make the SFT clone closer to the person, after `clone train`.

Three methods on trl, all training the clone's LoRA adapter further:

- ``grpo`` (the default): sample several replies per training context and reinforce those the voice rewards
  (clone.improvement.rewards: authorship, style, length, no placeholders, no parroting) score above their siblings.
- ``spin`` (self-play, the SPIN idea): for training contexts, sample the clone's replies; the person's real
  reply is *chosen*, the clone's *rejected*; DPO against the previous round's adapter; repeat ``rounds`` times.
- ``feedback``: DPO on the pairs the person made in `clone talk --feedback`.

The SFT adapter is kept once as ``clone-sft/`` beside the clone, so `clone eval` can show what improving did;
the improved adapter replaces ``clone/`` (what `clone talk` loads), with every round's record in its run.json.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clone.errors import CloneError
from clone.improvement.config import (
    METHODS,
    FeedbackConfig,
    GRPOConfig,
    ImproveConfig,
    SpinConfig,
    config_class,
    improve_config,
)
from clone.improvement.pairs import feedback_pairs, self_play_pairs
from clone.workspace import Workspace, private


@dataclass
class ImproveResult:
    """A finished `clone improve`: the method's settings, every round's scores (round 0: the SFT clone), the time,
    and where the improved clone is."""

    config: ImproveConfig
    rounds: list[dict[str, Any]]
    seconds: float
    folder: Path


@private
def improve(
    workspace: Workspace | None = None,
    config: ImproveConfig | str | None = None,
    *,
    show_progress: bool = True,
) -> ImproveResult:
    """Improve the workspace's clone with ``config`` (settings, or a method name for its defaults); the SFT clone
    is kept in clone-sft/, the improved one replaces clone/."""
    from clone.eval.items import choose, items_of, load_splits, other_texts
    from clone.improvement import trainers

    workspace = workspace or Workspace()
    config = improve_config(config) if isinstance(config, str) or config is None else config
    if problems := config.problems():
        raise CloneError("; ".join(problems))
    workspace.require_model()
    keep_sft_copy(workspace)
    train_rows, test_rows = load_splits(workspace)
    session = trainers.Session(workspace, config, show_progress)
    heldout = choose(items_of(test_rows), config.eval_samples, config.seed) if config.eval_samples else []
    voice_texts = ([i.real for i in items_of(train_rows)], other_texts(train_rows))
    rounds = [{"round": 0, "what": "SFT clone", **session.score(heldout, *voice_texts)}] if heldout else []
    for record in rounds:
        session.report(record)
    started = time.time()
    for number in range(1, getattr(config, "rounds", 1) + 1):
        items = choose(items_of(train_rows), config.contexts, config.seed + number)
        if config.method == "spin":
            pairs = self_play_pairs(items, session.replies(items, f"round {number}: sampling the clone's replies"))
            logs = session.dpo(pairs, f"round {number}: DPO on {len(pairs)} pairs")
        elif config.method == "feedback":
            feedback = _feedback(workspace)
            pairs = feedback_pairs(feedback)
            logs = session.dpo(pairs, f"DPO on {len(pairs)} pairs from your feedback")
            logs["feedback_records"] = len(feedback)  # how much of feedback.jsonl this clone has learnt from
        else:
            logs = session.grpo(items, *voice_texts)
        record = {"round": number, "what": config.method, "contexts": len(items), **logs}
        if config.method != "grpo":
            record["pairs"] = len(pairs)
        if heldout:
            record |= session.score(heldout, *voice_texts)
        rounds.append(record)
        session.report(record)
    seconds = round(time.time() - started, 1)
    session.save(rounds, seconds)
    return ImproveResult(config, rounds, seconds, workspace.model)


def keep_sft_copy(workspace: Workspace) -> None:
    """Copy the SFT clone to ``clone-sft/`` the first time it is improved (later runs improve further)."""
    sft = workspace.root / "clone-sft"
    if not sft.exists():
        tmp = workspace.root / ".clone-sft.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(workspace.model, tmp)
        tmp.rename(sft)


def _feedback(workspace: Workspace) -> list[dict[str, Any]]:
    from clone.improvement.feedback import feedback_file, read_feedback

    records = read_feedback(workspace)
    if not records:
        raise CloneError(
            f"{feedback_file(workspace)}: no feedback yet; rate or edit some replies in "
            f"{workspace.command('talk --feedback')}"
        )
    return records


__all__ = [
    "METHODS",
    "FeedbackConfig",
    "GRPOConfig",
    "ImproveConfig",
    "ImproveResult",
    "SpinConfig",
    "config_class",
    "improve",
    "improve_config",
]
