"""`clone update`: the loop a living clone goes round, as one verb. Import the new exports (only what is new is
added), train the current clone on: the new samples plus a replay of the old (`clone train --continue`; from
scratch when nothing is trained yet), improve it from the feedback given since it last learnt from feedback, and
optionally evaluate. Each step that has nothing to do is skipped and says so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clone.importing import ImportSummary, import_
from clone.recipes import Recipe
from clone.training import TrainResult, read_run, train
from clone.workspace import Workspace, private


@dataclass
class UpdateResult:
    imported: ImportSummary
    trained: TrainResult | None = None  # None: nothing new to learn
    improved: Any = None  # clone.improvement.ImproveResult, when there was new feedback
    evaluated: Any = None  # clone.eval.EvalResult, with ``evaluate_after``
    skipped: list[str] = field(default_factory=list)  # the steps that had nothing to do, and why


def feedback_learnt(run: dict[str, Any]) -> int:
    """How many feedback records the clone has been improved on (the largest count any improvement recorded)."""
    counts = [r.get("feedback_records", 0) for imp in run.get("improvements", []) for r in imp.get("rounds", [])]
    return max(counts, default=0)


@private
def update(
    paths: str | Path | Iterable[str | Path],
    workspace: Workspace | None = None,
    *,
    recipe: Recipe | str | None = None,
    evaluate_after: bool = False,
    show_progress: bool = True,
) -> UpdateResult:
    """Import ``paths`` into ``workspace`` (who "me" is comes from the earlier import), train on what is new,
    improve from new feedback, and evaluate when asked; see the module doc."""
    from clone.improvement import improve
    from clone.improvement.feedback import read_feedback

    workspace = workspace or Workspace()
    result = UpdateResult(import_(paths, (), workspace))
    trained_before = (workspace.model / "run.json").exists()
    if result.imported.new_samples or not trained_before:
        result.trained = train(workspace, recipe, continue_training=trained_before, show_progress=show_progress)
    else:
        result.skipped.append("train: no new samples")
    feedback, learnt = len(read_feedback(workspace)), feedback_learnt(read_run(workspace))
    if feedback > learnt:
        result.improved = improve(workspace, "feedback", show_progress=show_progress)
    else:
        result.skipped.append("improve: no new feedback")
    if evaluate_after:
        from clone.eval import evaluate

        result.evaluated = evaluate(workspace, show_progress=show_progress)
    return result
