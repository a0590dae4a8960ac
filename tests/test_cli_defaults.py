"""The CLI is a skin over the library: every flag's default is the library's own, and cli.py writes no file."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import typer

import clone.cli
from clone.chat import Clone
from clone.dataset.build import DatasetOptions
from clone.eval import evaluate
from clone.exporting import export
from clone.generation import GenerationSettings
from clone.improvement import improve_config
from clone.recipes import DEFAULT_RECIPE
from clone.settings import default_of
from clone.workspace import DEFAULT_WORKSPACE

COMMANDS = typer.main.get_command(clone.cli.app).commands


def cli_defaults(command: str) -> dict[str, object]:
    return {p.name: p.default for p in COMMANDS[command].params}


def signature_defaults(function) -> dict[str, object]:
    return {n: p.default for n, p in inspect.signature(function).parameters.items() if p.default is not p.empty}


def test_import_flags_default_to_the_dataset_options():
    flags = cli_defaults("import")
    renamed = {"language": "languages"}
    mirrored = [name for name in flags if renamed.get(name, name) in DatasetOptions.__dataclass_fields__]
    assert len(mirrored) == len(DatasetOptions.__dataclass_fields__)  # every option has its flag
    for name in mirrored:
        expected = default_of(DatasetOptions, renamed.get(name, name))
        assert flags[name] == expected or (expected == [] and flags[name] in (None, [], ())), name
    assert flags["workspace"] == DEFAULT_WORKSPACE


def test_talk_flags_default_to_the_generation_settings_and_the_conversation():
    flags = cli_defaults("talk")
    for name in ("temperature", "max_new_tokens", "seed"):
        assert flags[name] == default_of(GenerationSettings, name), name
    assert flags["platform"] == signature_defaults(Clone.conversation)["platform"]


def test_eval_flags_default_to_evaluate():
    flags, library = cli_defaults("eval"), signature_defaults(evaluate)
    for name in ("samples", "seed", "max_new_tokens", "temperature", "resamples", "semantic"):
        assert flags[name] == library[name], name


def test_train_export_and_improve_defaults_are_the_librarys():
    assert cli_defaults("train")["recipe"] == DEFAULT_RECIPE
    flags, library = cli_defaults("export"), signature_defaults(export)
    for name in ("gguf_type", "platform", "gguf", "include_notes"):
        assert flags[name] == library[name], name
    assert cli_defaults("improve")["method"] == signature_defaults(improve_config)["method"]


def test_the_cli_module_writes_no_file():
    source = Path(clone.cli.__file__).read_text(encoding="utf-8")
    writes = re.findall(r"write_\w+|\.write_text|\.write_bytes|open\(|mkdir|rmtree|\.unlink", source)
    assert writes == [], "cli.py should only parse flags and print; the library writes"
