"""Nothing leaves the machine: import -> train -> talk -> eval run with no network (a fresh network namespace
where `unshare -n` works) while an audit hook records every connection and name lookup the process attempts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import yaml

from tests.conftest import EXAMPLES

# Runs `clone ARGS` with an audit hook that writes each socket connect / getaddrinfo target to LOG.
WATCHED_CLI = """
import json, sys
log = open(sys.argv[1], "a")
def watch(event, args):
    if event == "socket.connect":
        log.write(json.dumps(["connect", repr(args[1])]) + "\\n"); log.flush()
    elif event == "socket.getaddrinfo":
        log.write(json.dumps(["lookup", repr(args[0])]) + "\\n"); log.flush()
sys.addaudithook(watch)
from clone.cli import main
sys.argv = ["clone", *sys.argv[2:]]
main()
"""
LOCAL = ("127.", "'localhost'", "::1", "'/")  # loopback and unix sockets (tokenizers' and torch's own)


def run_offline(log, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", WATCHED_CLI, str(log), *args]
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        command = ["unshare", "-n", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def test_the_whole_flow_attempts_no_connection_beyond_loopback(tiny_model, tmp_path):
    log, workspace = tmp_path / "net.log", tmp_path / "ws"
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(yaml.safe_dump({"model": str(tiny_model), "max_steps": 2, "batch_size": 2, "max_length": 128}))
    steps = [
        ["import", str(EXAMPLES / "WhatsApp Chat with Sam Okafor.txt"), "--me", "Maya Chen", "-w", str(workspace)],
        ["train", "--recipe", str(recipe), "-w", str(workspace)],
        ["talk", "--prompt", "hi", "--max-new-tokens", "4", "-w", str(workspace)],
        ["eval", "--samples", "2", "--max-new-tokens", "4", "--resamples", "20", "--no-semantic", "-w", str(workspace)],
    ]
    for args in steps:
        result = run_offline(log, *args)
        assert result.returncode == 0, f"clone {args[0]}: {result.stderr[-2000:]}"
    attempts = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    outside = [a for a in attempts if not any(a[1].strip("(\"'").startswith(p.strip("'")) for p in LOCAL)]
    assert outside == [], f"network attempts: {outside}"


def test_library_telemetry_is_off_once_clone_is_imported():
    check = "import clone, huggingface_hub.constants as c; print(c.HF_HUB_DISABLE_TELEMETRY)"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, env={"PATH": "/usr/bin"})
    assert result.stdout.strip() == "True", result.stderr
