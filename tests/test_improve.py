"""clone improve: preference pairs, voice rewards on known cases, feedback, and one tiny round of each method."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from safetensors.torch import load_file
from test_training import _history

from clone.dataset import DatasetOptions, build_dataset
from clone.errors import CloneError
from clone.eval import evaluate
from clone.eval.items import Item
from clone.improvement import METHODS, config_class, improve, improve_config
from clone.improvement.feedback import add_feedback, feedback_file, preference, rating, read_feedback
from clone.improvement.pairs import feedback_pairs, self_play_pairs
from clone.improvement.rewards import Voice, reward_functions
from clone.improvement.trainers import micro_batches
from clone.recipes import Recipe
from clone.training import read_run, train
from clone.workspace import Workspace

CONTEXT = [{"role": "system", "content": "You are Maya."}, {"role": "user", "content": "How was the climbing gym?"}]
PERSON = ["omg so good ngl", "sent my first V4 🧗‍♀️", "ramen obviously 🍜", "lol yes", "nah too tired tbh"] * 4
OTHERS = ["How was the climbing gym?", "Impressive. Dinner after?", "Good evening, Maya.", "Shall we meet at 7?"] * 4


def _completion(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


def _score(name: str, texts: list[str], prompts: list | None = None) -> list[float]:
    (function,) = reward_functions([name], Voice(PERSON, OTHERS))
    return function(prompts=prompts or [CONTEXT] * len(texts), completions=[_completion(t) for t in texts])


# --- pairs -----------------------------------------------------------------------------------------------


def test_self_play_pairs_prefer_the_real_reply_and_skip_contexts_the_clone_already_gets_right():
    items = [Item(0, 2, CONTEXT, "omg so good ngl"), Item(1, 2, CONTEXT, "ramen obviously 🍜")]
    pairs = self_play_pairs(items, ["It was a pleasant visit.", "Ramen  obviously 🍜"])
    assert pairs == [
        {
            "prompt": CONTEXT,
            "chosen": _completion("omg so good ngl"),
            "rejected": _completion("It was a pleasant visit."),
        }
    ]
    with pytest.raises(ValueError):
        self_play_pairs(items, ["one reply only"])


def test_feedback_becomes_pairs_from_picks_edits_and_opposite_ratings():
    other = [*CONTEXT[:1], {"role": "user", "content": "dinner?"}]
    records = [
        preference(CONTEXT, "omg yes", "Indeed it was."),  # picked the better of two
        preference(CONTEXT, "ramen!!", "Let us dine.", edited=True),  # what I would have said
        rating(other, "yesss 🍜", good=True),
        rating(other, "Certainly.", good=False),
        rating(CONTEXT, "lonely rating", good=False),  # nothing to pair it with
    ]
    pairs = feedback_pairs(records)
    assert [(p["chosen"][0]["content"], p["rejected"][0]["content"]) for p in pairs] == [
        ("omg yes", "Indeed it was."),
        ("ramen!!", "Let us dine."),
        ("yesss 🍜", "Certainly."),
    ]
    assert pairs[2]["prompt"] == other


def test_feedback_file_round_trip_and_a_broken_line_names_file_and_line(tmp_path):
    workspace = Workspace(tmp_path)
    add_feedback(workspace, rating(CONTEXT, "lol yes", good=True))
    add_feedback(workspace, preference(CONTEXT, "lol yes", "Yes."))
    assert [r.get("rating") for r in read_feedback(workspace)] == [1, None]
    feedback_file(workspace).write_text(feedback_file(workspace).read_text() + "{not json\n")
    with pytest.raises(CloneError, match=r"feedback.jsonl:3: not a JSON line"):
        read_feedback(workspace)


# --- rewards -------------------------------------------------------------------------------------------------


def test_authorship_reward_prefers_the_persons_voice():
    person_like, formal = _score("authorship", ["lol so good ngl 🍜", "Good evening. Shall we dine at seven?"])
    assert person_like > 0.5 > formal


def test_style_reward_is_one_for_the_persons_usual_style_and_lower_otherwise():
    usual, shouting = _score("style", ["omg so good ngl", "WHAT A DAY."])
    assert usual == pytest.approx(1.0)
    assert shouting < 0.5


def test_length_prior_peaks_at_the_persons_typical_length():
    typical, long, empty = _score("length", ["ramen obviously", "so " * 200, ""])
    assert typical > 0.8
    assert long < 0.05 and empty < 0.05


def test_placeholder_and_repetition_penalties():
    assert _score("placeholders", ["call me on <PHONE_1>", "call me later"]) == [-1.0, 0.0]
    parrot, fresh = _score("repetition", ["how was the climbing gym", "sent a V4 lol"])
    assert parrot == -1.0 and fresh == 0.0


def test_custom_rewards_load_by_module_and_unknown_ones_are_clear_errors(tmp_path, monkeypatch):
    (tmp_path / "myrewards.py").write_text(
        "def short(prompts, completions, **kwargs):\n"
        "    return [1.0 if len(c[0]['content']) < 10 else 0.0 for c in completions]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _score("myrewards:short", ["lol", "a much longer reply"]) == [1.0, 0.0]
    sys.modules.pop("myrewards", None)
    with pytest.raises(CloneError, match="unknown reward 'vibes'"):
        _score("vibes", ["x"])
    with pytest.raises(CloneError, match="cannot import"):
        _score("nosuchmodule:f", ["x"])


def test_config_keys_are_checked():
    assert improve_config("grpo", ["steps=3", "num_generations=2"]).steps == 3
    assert improve_config().method == "grpo" and improve_config().learning_rate == 1e-4  # GRPO's own defaults
    assert improve_config("grpo", ["learning_rate=3e-5"]).learning_rate == 3e-5  # what the user sets wins
    assert improve_config("spin").learning_rate == 5e-5
    with pytest.raises(CloneError, match="unknown spin key"):
        improve_config("spin", ["epoch=1"])
    with pytest.raises(CloneError, match="method must be one of"):
        improve_config("magic")
    with pytest.raises(CloneError, match="one weight per reward"):
        improve_config("grpo", ["rewards=authorship,style", "reward_weights=1"])


def test_each_methods_dataclass_defaults_are_its_real_defaults():
    for method in METHODS:
        assert improve_config(method, gpu=False) == config_class(method)()
    assert improve_config("grpo", steps=5).steps == 5  # keyword overrides, as from a notebook


def test_a_gpu_gets_larger_defaults_and_the_users_settings_still_win():
    cpu, gpu = improve_config("grpo", gpu=False), improve_config("grpo", gpu=True)
    assert (cpu.contexts, cpu.num_generations, cpu.batch_size, cpu.micro_batch) == (32, 4, 8, 4)
    assert (gpu.contexts, gpu.num_generations, gpu.batch_size, gpu.micro_batch) == (128, 8, 16, 32)
    assert gpu.learning_rate == cpu.learning_rate == 1e-4  # the method's own defaults hold on both
    assert improve_config("spin", ["batch_size=2"], gpu=True).batch_size == 2


# --- one tiny round of each method ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained(tiny_model, tmp_path_factory) -> Workspace:
    workspace = Workspace(tmp_path_factory.mktemp("improve") / "ws")
    build_dataset(_history(), ["Maya"], workspace, DatasetOptions(test_fraction=0.2))
    # no dropout: two runs of the same update must give the same weights (micro-batch test)
    recipe = Recipe(
        model=str(tiny_model), max_steps=6, batch_size=2, learning_rate=5e-3, max_length=128, lora_dropout=0.0
    )
    train(workspace, recipe, show_progress=False)
    return workspace


def _copy(trained: Workspace, tmp_path) -> Workspace:
    shutil.copytree(trained.root, tmp_path / "ws")
    return Workspace(tmp_path / "ws")


def _adapter(workspace: Workspace, folder: str = "clone") -> dict:
    return load_file(workspace.root / folder / "adapter" / "adapter_model.safetensors")


def _changed(workspace: Workspace) -> bool:
    before, after = _adapter(workspace, "clone-sft"), _adapter(workspace)
    assert before.keys() == after.keys()
    return any(not before[k].equal(after[k]) for k in before)


TINY = ["contexts=4", "eval_samples=2", "max_new_tokens=6", "batch_size=2", "learning_rate=1e-3", "max_length=128"]


@pytest.mark.parametrize("method, extra", [("spin", ["rounds=2"]), ("grpo", ["steps=2", "num_generations=2"])])
def test_one_tiny_run_of_each_method_improves_the_adapter_and_records_rounds(trained, tmp_path, method, extra):
    workspace = _copy(trained, tmp_path)
    record = improve(workspace, improve_config(method, TINY + extra), show_progress=False)
    rounds = record.rounds
    assert [r["round"] for r in rounds] == list(range(len(rounds)))
    assert len(rounds) == (3 if method == "spin" else 2)  # the SFT clone's scores, then each round's
    assert all(0 <= r["authorship_pass_rate"] <= 1 and r["style_distance"] >= 0 for r in rounds)
    assert all(r["steps"] > 0 for r in rounds[1:])
    if method == "grpo":  # the voice reward as training began and ended
        assert all(-10 < rounds[-1][k] < 10 for k in ("reward_start", "reward_end"))
    assert _changed(workspace)
    assert read_run(workspace)["improvements"][-1]["config"]["method"] == method
    assert not (workspace.model / "adapter" / "ref").exists()  # trl's reference copy is not saved
    if method == "spin":  # clone eval then shows the improved clone beside its SFT self
        results = evaluate(workspace, samples=2, max_new_tokens=4, semantic=False, resamples=20, show_progress=False)
        assert {"clone", "sft", "base", "retrieval"} <= results.metrics.keys()
        assert "perplexity" in results.comparisons["clone_vs_sft"]
        assert set(results.samples[0]["replies"]) == {"clone", "sft", "base", "retrieval"}


def _two_feedback_pairs(workspace: Workspace) -> None:
    context = [{"role": "system", "content": "x"}, {"role": "user", "content": "How was the climbing gym?"}]
    for chosen, rejected in [("omg so good ngl", "It was fine."), ("ramen obviously 🍜", "Dinner is good.")]:
        add_feedback(workspace, preference(context, chosen, rejected, edited=True))


def test_micro_batches_split_each_step_into_forward_passes_that_fit():
    def split(rows, micro, pair=1, accum=1):
        config = improve_config("spin", [f"micro_batch={micro}", f"grad_accum={accum}"], gpu=False)
        settings = micro_batches(rows, config, sequences_per_row=pair)
        return settings["per_device_train_batch_size"], settings["gradient_accumulation_steps"]

    assert split(8, 4) == (4, 2)  # GRPO on a CPU: 8 replies a step, 4 per forward pass
    assert split(4, 4, pair=2) == (2, 2)  # DPO: a pair is two sequences
    assert split(6, 4) == (3, 2) and split(5, 4) == (1, 5)  # equal micro-batches only
    assert split(16, 32) == (16, 1) and split(8, 4, accum=3) == (4, 6)
    assert split(2, 1, pair=2) == (1, 2)  # never less than one row


@pytest.mark.parametrize("method, extra", [("feedback", []), ("grpo", ["steps=1", "num_generations=2"])])
def test_micro_batches_change_peak_memory_not_the_update(trained, tmp_path, method, extra):
    import torch

    adapters = []
    for micro in (4, 1):  # the whole batch (2 pairs, or 2 replies) in one forward pass; one row at a time
        workspace = _copy(trained, tmp_path / str(micro))
        _two_feedback_pairs(workspace)
        improve(workspace, improve_config(method, [*TINY, *extra, "eval_samples=0", f"micro_batch={micro}"]))
        assert _changed(workspace)
        adapters.append(_adapter(workspace))
    whole, one_by_one = adapters
    for name in whole:
        torch.testing.assert_close(whole[name], one_by_one[name], rtol=1e-4, atol=1e-6)


def test_feedback_method_trains_on_the_persons_own_pairs(trained, tmp_path):
    workspace = _copy(trained, tmp_path)
    with pytest.raises(CloneError, match="no feedback yet"):
        improve(workspace, improve_config("feedback", TINY), show_progress=False)
    _two_feedback_pairs(workspace)
    record = improve(workspace, improve_config("feedback", TINY), show_progress=False)
    assert record.rounds[-1]["pairs"] == 2
    assert _changed(workspace)
    assert json.loads((workspace.model / "run.json").read_text())["improvements"][0]["config"]["method"] == "feedback"


def test_talk_feedback_and_improve_from_feedback_on_the_command_line(trained, tmp_path):
    workspace = _copy(trained, tmp_path)

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "clone", *args, "--workspace", str(workspace.root)]
        return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=300)

    said = "How was the climbing gym?\n+\nDinner after?\ne\nramen obviously 🍜\nand then?\n2\n1\n/quit\n"
    talk = cli("talk", "--feedback", "--max-new-tokens", "6", "--seed", "0", stdin=said)
    assert talk.returncode == 0, talk.stderr
    records = read_feedback(workspace)
    assert [r.get("rating") for r in records] == [1, None, None]
    assert records[1]["chosen"] == "ramen obviously 🍜" and records[1]["edited"]
    assert records[1]["context"][-1] == {"role": "user", "content": "Dinner after?"}
    assert records[1]["context"][-2]["role"] == "assistant"  # the earlier exchange is part of the context
    assert records[2]["context"][-1] == {"role": "user", "content": "and then?"}
    assert records[2]["chosen"] != records[2]["rejected"]  # a second sample, not the first one again

    improved = cli("improve", "--from-feedback", *(f"--set={s}" for s in TINY))
    assert improved.returncode == 0, improved.stderr
    assert "saved the improved clone" in improved.stdout
    bad = cli("improve", "--set", "epoch=1")
    assert bad.returncode == 2 and "unknown grpo key(s) epoch" in bad.stderr and "Traceback" not in bad.stderr
