"""The `clone` command as a user meets it: help, one-line errors with exit code 2, sender listing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

SAM = EXAMPLES / "WhatsApp Chat with Sam Okafor.txt"


def clone(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clone", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_help_lists_the_verbs():
    result = clone("--help")
    assert result.returncode == 0
    for verb in ("import", "train", "talk", "recipes"):
        assert verb in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02binary\xff\xfe" * 50, "chat.txt"),
        (b"just some notes\nno chat here\n", "chat.txt"),
    ],
)
def test_bad_export_is_one_line_error_exit_2(tmp_path, content, expected):
    export = tmp_path / "chat.txt"
    export.write_bytes(content)
    result = clone("import", str(export), "--me", "x", "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and expected in lines[0]
    assert str(export) in lines[0]


def test_missing_file_is_a_clear_error(tmp_path):
    result = clone("import", str(tmp_path / "nope.txt"), "--me", "x")
    assert result.returncode == 2 and "no such file" in result.stderr and "Traceback" not in result.stderr


def test_missing_me_lists_senders_with_counts(tmp_path):
    result = clone("import", str(SAM), "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 2
    assert "me=NAME" in result.stderr
    assert "Maya Chen" in result.stderr and "Sam Okafor" in result.stderr
    assert not (tmp_path / "ws").exists()  # a failed import leaves no half-made workspace


def test_a_first_name_is_suggested(tmp_path):
    result = clone("import", str(SAM), "--me", "maya", "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 2 and "Did you mean 'Maya Chen'?" in result.stderr


def test_list_senders(tmp_path):
    result = clone("import", str(SAM), "--list-senders")
    assert result.returncode == 0
    rows = [line.split(None, 1) for line in result.stdout.strip().splitlines()]
    counts = {name: count for count, name in rows}
    assert set(counts) == {"Maya Chen  (whatsapp)", "Sam Okafor  (whatsapp)"}
    counts = {name.split("  (")[0]: count for name, count in counts.items()}
    assert int(counts["Maya Chen"]) > int(counts["Sam Okafor"]) > 100


def test_import_builds_the_workspace(tmp_path):
    workspace = tmp_path / "ws"
    result = clone("import", str(EXAMPLES), "--me", "maya chen", "--workspace", str(workspace))
    assert result.returncode == 0, result.stderr
    assert "training samples" in result.stdout
    assert f"next: train the clone: `clone train --workspace {workspace}`" in result.stdout
    assert (workspace / "dataset" / "dataset_dict.json").exists()
    assert (workspace / "import-report.json").exists()
    assert workspace.stat().st_mode & 0o777 == 0o700  # other people's messages: private to the owner


def test_me_is_remembered_in_the_workspace(tmp_path):
    workspace = tmp_path / "ws"
    assert clone("import", str(SAM), "--me", "Maya Chen", "--workspace", str(workspace)).returncode == 0
    assert json.loads((workspace / "identity.json").read_text()) == {"me": ["Maya Chen"]}
    again = clone("import", str(SAM), "--workspace", str(workspace))
    assert again.returncode == 0, again.stderr
    assert "Maya Chen:" in again.stdout


def test_talk_without_a_trained_clone_says_what_to_do(tmp_path):
    result = clone("talk", "--prompt", "hi", "--workspace", str(tmp_path))
    assert result.returncode == 2 and f"`clone train --workspace {tmp_path}`" in result.stderr


def test_train_before_import_fails_at_once_naming_the_workspace(tmp_path):
    result = clone("train", "--workspace", str(tmp_path / "empty"))
    assert result.returncode == 2 and "no dataset here yet" in result.stderr
    assert f"--workspace {tmp_path / 'empty'}" in result.stderr and "training" not in result.stdout


def test_version_and_recipe_keys():
    from importlib.metadata import version

    assert clone("--version").stdout.strip() == f"clone {version('clone')}"
    keys = clone("recipes", "--keys")
    assert keys.returncode == 0 and "learning_rate" in keys.stdout and "heldout_samples" in keys.stdout
    grpo = clone("improve", "--keys")
    assert grpo.returncode == 0 and "num_generations" in grpo.stdout


def test_help_shows_no_type_placeholders():
    for command in ("import", "train", "talk", "eval", "improve", "export", "recipes", "inspect"):
        # typer's own --help line keeps its placeholder; every flag of ours shows none
        text = "\n".join(
            line for line in clone(command, "--help").stdout.splitlines() if "Show this message" not in line
        )
        assert "<bool>" not in text and "<list[str]>" not in text and "{paths}" not in text, command


def test_unknown_recipe_key_is_a_clear_error(tmp_path):
    result = clone("train", "--set", "epoch=1", "--workspace", str(tmp_path))
    assert result.returncode == 2 and "unknown key(s) epoch" in result.stderr
