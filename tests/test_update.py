"""`clone update`: import newer exports, train on what is new, improve from new feedback, each step skipped with
a reason when it has nothing to do."""

from __future__ import annotations

from clone.importing import import_
from clone.improvement.feedback import add_feedback, preference
from clone.recipes import Recipe
from clone.training import read_run
from clone.updating import update
from clone.workspace import Workspace
from tests.test_incremental_import import halves


def test_update_runs_the_loop(tiny_model, tmp_path):
    older, newer = halves(tmp_path)
    workspace = Workspace(tmp_path / "ws")
    recipe = Recipe(model=str(tiny_model), max_steps=1, batch_size=2, max_length=128)
    import_(older, "Maya Chen", workspace)  # the first import says who "me" is; update remembers it
    first = update(older, workspace, recipe=recipe, show_progress=False)
    assert first.trained is not None and not first.trained.run["continued"]  # nothing trained yet: from scratch
    assert "improve: no new feedback" in first.skipped

    second = update([older, newer], workspace, recipe=recipe, show_progress=False)
    assert second.imported.new_messages > 0 and second.trained.run["continued"]
    assert second.trained.run["parent"] == first.trained.run["version"]

    context = [{"role": "system", "content": "You are Maya Chen."}, {"role": "user", "content": "climbing?"}]
    add_feedback(workspace, preference(context, "yes!! 7pm?", "I am an AI model.", edited=True))
    third = update(newer, workspace, recipe=recipe, show_progress=False)
    assert third.trained is None and "train: no new samples" in third.skipped
    assert third.improved is not None and third.improved.rounds[-1]["feedback_records"] == 1
    assert update(newer, workspace, recipe=recipe, show_progress=False).improved is None  # that feedback is learnt
    assert read_run(workspace)["version"] == second.trained.run["version"]
