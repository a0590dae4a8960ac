"""Recipes: every shipped YAML is valid, overrides are typed, bad values are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from clone.errors import CloneError
from clone.recipes import Recipe, available, load_recipe

PIPELINES = Path(__file__).resolve().parents[1] / "pipelines"


def test_every_shipped_recipe_is_valid():
    names = available()
    assert "smollm2-135m-cpu" in names and len(names) >= 15
    for name in names:
        recipe = load_recipe(name)
        assert recipe.problems() == [], name
        assert recipe.description, name


def test_recipes_are_the_pipelines_folder_installed_as_package_data(tmp_path, monkeypatch):
    assert set(available()) == {path.stem for path in PIPELINES.glob("*.yaml")}
    (tmp_path / "mine.yaml").write_text("description: mine\n")
    monkeypatch.setenv("CLONE_PIPELINES", str(tmp_path))
    assert available() == {"mine": tmp_path / "mine.yaml"}


def test_overrides_are_typed():
    recipe = load_recipe("smollm2-135m-cpu", ["epochs=1", "packing=false", "learning_rate=1e-4", "lora_targets=q_proj"])
    assert (recipe.epochs, recipe.packing, recipe.learning_rate, recipe.lora_targets) == (1.0, False, 1e-4, "q_proj")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("packing=maybe", "must be bool"),
        ("lora_r=many", "must be int"),
        ("epochz=1", "unknown key"),
        ("epochs", "key=value"),
    ],
)
def test_bad_overrides_are_clear_errors(override, message):
    with pytest.raises(CloneError, match=message):
        load_recipe("smollm2-135m-cpu", [override])


def test_problems_name_bad_values():
    assert Recipe(learning_rate=0.5, lora_dropout=1.0).problems() == [
        "learning_rate must be in (0, 0.01)",
        "lora_dropout must be in [0, 1)",
    ]
    assert Recipe(qlora=True).problems() == ["qlora needs a full-precision base model"]


def test_recipe_from_a_yaml_path(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("model: ./my-model\nepochs: 1\n")
    assert load_recipe(str(path)).model == "./my-model"
    path.write_text("model: [unclosed\n")
    with pytest.raises(CloneError, match="not valid YAML"):
        load_recipe(str(path))
