"""Importing a newer export into a workspace adds only what is new, keeps the earlier split, holds out the newest
new conversations and says what it added."""

from __future__ import annotations

from clone.dataset.build import DatasetOptions, previous_split
from clone.importing import import_
from clone.workspace import Workspace
from tests.conftest import EXAMPLES

SAM = EXAMPLES / "WhatsApp Chat with Sam Okafor.txt"


def halves(tmp_path):
    """The example export cut in two at a message header: last year's export and this year's."""
    lines = SAM.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = next(i for i in range(len(lines) // 2, len(lines)) if lines[i][:2].isdigit() and " - " in lines[i][:30])
    older, newer = tmp_path / "older.txt", tmp_path / "newer.txt"
    older.write_text("".join(lines[:cut]), encoding="utf-8")
    newer.write_text("".join(lines[cut:]), encoding="utf-8")
    return older, newer


def test_a_newer_export_adds_only_what_is_new(tmp_path):
    older, newer = halves(tmp_path)
    workspace, options = Workspace(tmp_path / "ws"), DatasetOptions(test_fraction=0.2)
    first = import_(older, "Maya Chen", workspace, options)
    assert not first.added and first.next_step.startswith("train the clone")
    before = previous_split(workspace)

    second = import_([older, newer], "Maya Chen", workspace, options)  # the old export again, and the new one
    assert second.added and second.new_messages > 0 and second.known_messages == first.dataset.messages
    assert second.new_contacts == [] and second.new_samples > 0
    after = previous_split(workspace)
    assert all(after[key] == split for key, split in before.items() if key in after)  # the earlier split holds
    new_keys = sorted(after.keys() - before.keys(), key=lambda k: k.rsplit("|", 1)[1])
    assert after[new_keys[-1]] == "test" and "test" in {after[k] for k in new_keys}  # the newest new one is held out
    assert "--continue" in second.next_step

    third = import_(newer, "Maya Chen", workspace, options)  # nothing new
    assert third.new_messages == 0 and third.new_samples == 0 and previous_split(workspace) == after


def test_an_export_older_than_everything_stored_trains_and_says_so(tmp_path):
    older, newer = halves(tmp_path)
    workspace, options = Workspace(tmp_path / "ws"), DatasetOptions(test_fraction=0.2)
    import_(newer, "Maya Chen", workspace, options)
    before = previous_split(workspace)

    added = import_(older, "Maya Chen", workspace, options)  # last year's export, imported after this year's
    assert added.older_export and added.new_messages > 0 and added.new_samples > 0
    assert added.export_ends < added.stored_ends and "an older export: it ends" in added.older_note
    after = previous_split(workspace)
    assert all(after[key] == split for key, split in before.items())  # nothing stored was lost or moved
    assert {after[key] for key in after.keys() - before.keys()} == {"train"}  # the held-out split stays the newest

    again = import_(older, "Maya Chen", workspace, options)  # the same old export once more: nothing new
    assert (
        again.older_export
        and again.new_messages == 0
        and f"0 of its messages were new, {again.known_messages}" in (again.older_note)
    )
    assert not import_(newer, "Maya Chen", workspace, options).older_note  # an export as new as the store: no note
