"""The evaluation run: answer the held-out contexts with every contender, score, resample, collect."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from typing import Any

import numpy as np

from clone.eval import authorship, style
from clone.eval.generate import generate
from clone.eval.items import choose, has_memory, items_of, load_splits, other_texts, without_memory
from clone.eval.perplexity import perplexity, reply_losses
from clone.eval.probe import RARE_SHARE, Probe, fact_probe
from clone.eval.retrieval import Retrieval
from clone.eval.stats import Estimate, bootstrap, difference
from clone.eval.stats import resamples as draw
from clone.generation import GenerationSettings
from clone.workspace import Workspace

GENERATED = ("clone", "base")
SFT = "sft"  # the clone before `clone improve`, when it was improved (kept in clone-sft/)
MEMORY = "memory"  # the clone told what it remembers, as in training (a dataset built with --memory-tokens)


def contenders(workspace: Workspace, model: Any) -> tuple[str, ...]:
    """The model contenders; an improved clone is also compared with its SFT self, loaded as a second adapter."""
    sft = workspace.root / "clone-sft" / "adapter"
    if not sft.exists():
        return GENERATED
    model.load_adapter(str(sft), adapter_name=SFT)
    return ("clone", SFT, "base")


@contextmanager
def stage(model: Any, name: str, label: str, total: int, progress, timings: dict[str, float]):
    """One contender's pass over the items (its replies, its perplexity): the model answers as ``name``, a
    progress task counts, the time goes into ``timings[label]``. Yields the function that advances by k."""
    begun = time.time()
    task = progress.add_task(f"{name} {label}", total=total, status="") if progress else None
    with answering_as(model, name):
        yield (lambda k=1: progress.advance(task, k)) if progress else (lambda k=1: None)
    timings[f"{'generate' if label == 'replies' else label} {name}"] = round(time.time() - begun, 1)


@contextmanager
def answering_as(model: Any, name: str) -> Iterator[None]:
    """The shared weights answering as one contender: the clone's adapter, the SFT one, or none (the base)."""
    if name == "base":
        with model.disable_adapter():
            yield
        return
    model.set_adapter(SFT if name == SFT else "default")
    try:
        yield
    finally:
        model.set_adapter("default")


def run(
    workspace: Workspace,
    *,
    samples: int | None,
    settings: GenerationSettings,
    seed: int,
    batch_size: int,
    resamples: int,
    semantic: bool,
    show_progress: bool,
) -> dict[str, Any]:
    from transformers.utils import logging as transformers_logging

    from clone.chat import Clone
    from clone.progress import bar

    transformers_logging.disable_progress_bar()  # our bars only: no "Loading weights" bar per model

    started = time.time()
    train_rows, remembered_rows = load_splits(workspace)
    workspace.require_model()
    # A clone trained with memory answers twice: as trained (MEMORY) and with the blocks taken out ("clone")
    with_memory = has_memory(remembered_rows)
    train_rows, test_rows = without_memory(train_rows), without_memory(remembered_rows)
    every = items_of(test_rows)
    items = choose(every, samples, seed)
    rows_of = {MEMORY: remembered_rows} if with_memory else {}
    items_for = {MEMORY: choose(items_of(remembered_rows), samples, seed)} if with_memory else {}
    train_items = items_of(train_rows)
    if semantic:
        from clone.eval.semantic import embedder

        embedder()  # fail on a missing embedding model now, not after minutes of generating
    clone = Clone.load(workspace)
    generated = contenders(workspace, clone.model)
    if with_memory:
        generated = (generated[0], MEMORY, *generated[1:])
    progress = bar() if show_progress else None
    timings: dict[str, float] = {}
    replies: dict[str, list[str]] = {}
    with progress or nullcontext():
        for name in generated:
            asked = items_for.get(name, items)
            with stage(clone.model, name, "replies", len(asked), progress, timings) as advance:
                replies[name] = generate(
                    clone.model, clone.tokenizer, asked, settings, batch_size=batch_size, on_batch=advance
                )
        losses = {}
        for name in generated:
            rows = rows_of.get(name, test_rows)
            with stage(clone.model, name, "perplexity", len(rows), progress, timings) as advance:
                losses[name] = reply_losses(clone.model, clone.tokenizer, rows, on_row=advance)
    replies["retrieval"] = Retrieval(train_items).replies_to(items)
    real = [item.real for item in items]
    others = other_texts(train_rows)
    pieces = lambda word: clone.count_tokens(" " + word)  # noqa: E731 - the clone's tokenizer: how rare a word is
    probe = fact_probe(items, [m.real for m in train_items], [m.real for m in train_items] + others, pieces)

    scores = score(
        real,
        replies,
        person=[m.real for m in train_items],
        others=others,
        others_heldout=other_texts(test_rows),
        seed=seed,
        semantic=semantic,
        probe=probe,
    )
    draws = draw(len(items), resamples, seed)
    keys = [(item.sample, item.turn) for item in every]
    nll = {name: np.array([losses[name][k][0] for k in keys]) for name in generated}
    tokens = np.array([losses["clone"][k][1] for k in keys])
    ppl_draws = draw(len(keys), resamples, seed + 1)
    ppl = {name: (lambda idx, n=name: perplexity(nll[n][idx], tokens[idx])) for name in generated}

    metrics: dict[str, dict[str, Any]] = {}
    statistics = scores["statistics"]
    for name in (*replies, "person", "others"):
        row: dict[str, Any] = {}
        for metric, statistic in statistics.get(name, {}).items():
            n = len(scores["others_heldout"]) if name == "others" else len(items)
            row[metric] = bootstrap(statistic, draw(n, resamples, seed) if name == "others" else draws, n)
        if name in ppl:
            row["perplexity"] = bootstrap(ppl[name], ppl_draws, len(keys))
        metrics[name] = {k: v.to_dict() for k, v in row.items()}

    pairs = [("clone", other) for other in (*generated[1:], "retrieval") if other != MEMORY]
    if with_memory:
        pairs.insert(0, (MEMORY, "clone"))
    comparisons = {
        f"{first}_vs_{other}": compare(first, other, statistics, ppl, draws, ppl_draws, len(items), len(keys))
        for first, other in pairs
    }

    run_record = clone.run
    return {
        "me": clone.me,
        "workspace": str(workspace.root),
        "created": datetime.now().isoformat(timespec="seconds"),
        "base_model": run_record.get("base_model"),
        "settings": {
            "samples": samples,
            "seed": seed,
            "max_new_tokens": settings.max_new_tokens,
            "temperature": settings.temperature,
            "top_p": settings.top_p,
            "repetition_penalty": settings.repetition_penalty,
            "batch_size": batch_size,
            "resamples": resamples,
            "interval": "bootstrap 95% percentile interval over held-out replies",
            "semantic_model": "all-MiniLM-L6-v2" if semantic else None,
            "fact_probe": f"replies with words the person wrote before, in at most {RARE_SHARE:.0%} of training "
            "messages and not in the conversation so far; recalled when the answer has one of them",
        },
        "counts": {
            "heldout_conversations": len(test_rows),
            "heldout_replies": len(every),
            "evaluated_replies": len(items),
            "perplexity_replies": len(keys),
            "perplexity_tokens": int(tokens.sum()),
            "train_replies": len(train_items),
            "fact_probe_replies": int(probe.mask.sum()),
            "classifier_person_texts": scores["classifier"]["person"],
            "classifier_other_texts": scores["classifier"]["others"],
            "heldout_other_texts": len(scores["others_heldout"]),
        },
        "metrics": metrics,
        "comparisons": comparisons,
        "style": scores["style"],
        "lengths": {name: [len(t.strip()) for t in texts] for name, texts in {"person": real, **replies}.items()},
        "samples": [
            {
                "sample": item.sample,
                "turn": item.turn,
                "context": item.context,
                "real": item.real,
                "replies": {name: replies[name][i] for name in replies},
                "p_person": {name: round(float(p[i]), 4) for name, p in scores["p_person"].items()},
                "similarity": {name: round(float(s[i]), 4) for name, s in scores["similarity"].items()},
                "fact_words": probe.keys[i],
                "recalled": {name: bool(r[i]) for name, r in scores["recalled"].items()} if probe.keys[i] else {},
            }
            for i, item in enumerate(items)
        ],
        "seconds": {**timings, "total": round(time.time() - started, 1)},
    }


def score(
    real: list[str],
    replies: dict[str, list[str]],
    *,
    person: list[str],
    others: list[str],
    others_heldout: list[str],
    seed: int,
    semantic: bool,
    probe: Probe | None = None,
) -> dict[str, Any]:
    """Per-item scores for every contender, and for each metric a statistic over item indices (for resampling)."""
    real_features = [style.features(t) for t in real]
    classifier = authorship.AuthorshipClassifier(person, others, seed)
    p_person = {"person": classifier.probability(real)}
    p_person |= {name: classifier.probability(texts) for name, texts in replies.items()}
    p_others = classifier.probability(others_heldout)
    similarity: dict[str, np.ndarray] = {}
    if semantic:
        from clone.eval.semantic import similarities

        similarity = {name: similarities(texts, real) for name, texts in replies.items()}
    statistics: dict[str, dict[str, Any]] = {}
    style_rows: dict[str, Any] = {"person": {"profile": style.profile(real_features)}}
    for name, texts in replies.items():
        feats = [style.features(t) for t in texts]
        judged = authorship.discriminator(real, texts, seed)
        stats = {
            "style_distance": lambda idx, f=feats: style.distance([f[i] for i in idx], [real_features[i] for i in idx]),
            "authorship_pass_rate": lambda idx, p=p_person[name]: float(authorship.passes(p[idx]).mean()),
            "authorship_probability": lambda idx, p=p_person[name]: float(p[idx].mean()),
        }
        if judged is not None:
            stats["discriminator_accuracy"] = lambda idx, j=judged: float(j[idx].mean())
        if probe is not None and probe.mask.any():
            stats["fact_recall"] = probe.statistic(texts)
        if name in similarity:
            stats["semantic_similarity"] = lambda idx, s=similarity[name]: float(s[idx].mean())
        for aspect in style.ASPECTS:
            stats[f"style_{aspect}"] = lambda idx, f=feats, a=aspect: style.aspects(
                [f[i] for i in idx], [real_features[i] for i in idx]
            )[a]
        statistics[name] = stats
        style_rows[name] = {"aspects": style.aspects(feats, real_features), "profile": style.profile(feats)}
    statistics["person"] = {
        "authorship_pass_rate": lambda idx, p=p_person["person"]: float(authorship.passes(p[idx]).mean()),
        "authorship_probability": lambda idx, p=p_person["person"]: float(p[idx].mean()),
    }
    if len(others_heldout):
        statistics["others"] = {
            "authorship_pass_rate": lambda idx: float(authorship.passes(p_others[idx]).mean()),
            "authorship_probability": lambda idx: float(p_others[idx].mean()),
        }
    return {
        "statistics": statistics,
        "p_person": p_person,
        "similarity": similarity,
        "recalled": {name: probe.recalled(texts) for name, texts in replies.items()} if probe is not None else {},
        "style": style_rows,
        "classifier": classifier.counts,
        "others_heldout": others_heldout,
    }


def compare(
    first: str,
    other: str,
    statistics: dict[str, dict[str, Any]],
    ppl: dict[str, Any],
    draws: np.ndarray,
    ppl_draws: np.ndarray,
    n: int,
    n_ppl: int,
) -> dict[str, Any]:
    """``first`` minus ``other`` on every metric both have, paired over the same resamples."""
    rows = {}
    for metric, statistic in statistics[first].items():
        if metric in statistics.get(other, {}):
            a, b = statistic, statistics[other][metric]
            if metric == "discriminator_accuracy":  # closer to 50% is better, on either side
                a, b = _from_half(a), _from_half(b)
            rows[metric] = _compare(metric, difference(a, b, draws, n))
    if first in ppl and other in ppl:
        rows["perplexity"] = _compare("perplexity", difference(ppl[first], ppl[other], ppl_draws, n_ppl))
    return rows


def _from_half(statistic):
    return lambda idx: abs(statistic(idx) - 0.5)


def _compare(metric: str, estimate: Estimate) -> dict[str, Any]:
    """The clone minus the other contender, and whether the interval says the clone is better."""
    from clone.eval import METRICS

    direction = METRICS[metric][1] if metric in METRICS else "lower"  # style aspects: lower is better
    row: dict[str, Any] = estimate.to_dict()
    low, high = estimate.low, estimate.high
    if low is None or high is None:
        row["verdict"] = "unknown"
    elif (direction == "lower" and high < 0) or (direction == "higher" and low > 0):
        row["verdict"] = "better"
    elif (direction == "lower" and low > 0) or (direction == "higher" and high < 0):
        row["verdict"] = "worse"
    else:
        row["verdict"] = "no clear difference"
    row["better_is"] = direction
    return row
