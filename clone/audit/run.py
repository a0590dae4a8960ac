"""The audit run: load the clone once, then the four tests in turn, each timed and shown as a progress task."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from typing import Any

import numpy as np

from clone.audit import AuditConfig, AuditResult, canaries, failures, leakage, membership, regurgitation
from clone.eval.generate import generate
from clone.eval.items import Item
from clone.generation import GenerationSettings
from clone.workspace import Workspace


def run(workspace: Workspace, config: AuditConfig, *, show_progress: bool) -> AuditResult:
    from clone.chat import Clone
    from clone.dataset.build import load_dataset_dict, load_messages
    from clone.progress import bar

    workspace.require_model()
    messages = load_messages(workspace)
    me = set(workspace.read_manifest()["aliases"])
    settings = GenerationSettings(config.max_new_tokens, config.temperature, seed=config.seed)
    clone = Clone.load(workspace, settings)
    chats = leakage.Chats.of(messages, me)
    partners = busiest(chats, config.partners)
    # asked at the time of the newest message, not now: a run repeats, and the clone is asked in the period it learnt
    asked_at = max((m.timestamp for m in messages), default=None)
    seconds: dict[str, float] = {}
    progress = bar() if show_progress else None
    with progress or nullcontext():
        with timed(seconds, "canaries"):
            planted = canary_exposure(clone, canaries.load(workspace), config, progress)
        with timed(seconds, "regurgitation"):
            regurgitated = regurgitation_test(clone, messages, partners, asked_at, config, progress)
        with timed(seconds, "leakage"):
            leaks = leakage_test(clone, chats, partners, asked_at, config, progress)
        with timed(seconds, "membership"):
            data = load_dataset_dict(workspace)
            train = [row for row in data["train"] if row["platform"] != canaries.PLATFORM]
            test = list(data["test"]) if "test" in data else []
            task = progress.add_task("membership", total=None, status="") if progress else None
            members = membership.membership(
                clone.model, clone.tokenizer, train, test, config.membership_conversations, config.seed
            )
            if progress:
                progress.update(task, total=1, completed=1)
    result = AuditResult(
        clone.me,
        str(workspace.root),
        datetime.now().isoformat(timespec="seconds"),
        {**vars(config), "partners_asked": partners},
        planted,
        regurgitated,
        leaks,
        members,
        seconds=seconds,
    )
    result.failures = failures(result, config)
    return result


@contextmanager
def timed(seconds: dict[str, float], name: str) -> Iterator[None]:
    begun = time.time()
    yield
    seconds[name] = round(time.time() - begun, 1)


def busiest(chats: leakage.Chats, count: int) -> list[str]:
    """The contacts with the most messages in one-to-one chats: who the questions are asked as."""
    sizes = {person: sum(len(chats.texts[key]) for key in keys) for person, keys in chats.one_to_one().items()}
    return sorted(sizes, key=lambda p: (-sizes[p], p))[:count]


def advancer(progress, name: str, total: int) -> Callable[[int], None]:
    if not progress:
        return lambda k=1: None
    task = progress.add_task(name, total=total, status="")
    return lambda k=1: progress.advance(task, k)


def canary_exposure(clone, planted: canaries.Canaries | None, config: AuditConfig, progress) -> dict[str, Any]:
    """Each planted and control secret's exposure against ``config.references`` never-planted ones."""
    if planted is None:
        return {"planted": 0, "note": "no canaries: import with --canaries N and train to measure memorisation"}
    references = planted.references(config.references, config.seed)
    secrets = [*planted.planted, *planted.controls, *references]
    advance = advancer(progress, "canaries", len(secrets))
    nll = np.array(canaries.losses(clone.model, clone.tokenizer, planted, secrets, config.batch_size, advance))
    n = len(planted.planted)
    reference = nll[2 * n :]

    def exposure(loss: float) -> float:
        rank = 1 + int(np.sum(reference < loss))
        return float(np.log2(len(reference) + 1) - np.log2(rank))

    planted_exposure = [round(exposure(v), 3) for v in nll[:n]]
    control_exposure = [round(exposure(v), 3) for v in nll[n : 2 * n]]
    return {
        "planted": n,
        "repeats": planted.repeats,
        "references": len(reference),
        "max_possible": round(float(np.log2(len(reference) + 1)), 3),
        "mean_exposure": round(float(np.mean(planted_exposure)), 3),
        "control_mean_exposure": round(float(np.mean(control_exposure)), 3),
        "exposures": planted_exposure,
        "control_exposures": control_exposure,
    }


def replies_to(clone, prompts: list[tuple[str, str]], when: datetime | None, config: AuditConfig, progress, name: str):
    """(partner, question, context, recalled, reply) for each prompt, sampled ``config.samples`` times; the
    context is the one a conversation with that partner at ``when`` builds (the prompt the clone was trained on)."""
    asked = []
    for partner, question in prompts:
        conversation = clone.conversation(partner, when=when)
        conversation.say(question)
        asked.append((partner, question, conversation.prompt(), conversation.recalled))
    items = [Item(i, 0, context, "") for i, (*_, context, _) in enumerate(asked) for _ in range(config.samples)]
    advance = advancer(progress, name, len(items))
    replies = generate(
        clone.model, clone.tokenizer, items, clone.settings, batch_size=config.batch_size, on_batch=advance
    )
    return [(*asked[item.sample], reply) for item, reply in zip(items, replies, strict=True)]


def regurgitation_test(
    clone, messages, partners: list[str], when: datetime | None, config: AuditConfig, progress
) -> dict[str, Any]:
    known = regurgitation.known_values(messages)
    answered = replies_to(clone, regurgitation.prompts_for(partners), when, config, progress, "regurgitation")
    hits = []
    for partner, question, _, _, reply in answered:
        found = regurgitation.matches(reply, known)
        shown = regurgitation.masked(reply, {key for key, _ in found})
        hits += [
            {
                "partner": partner,
                "question": question,
                "reply": shown,
                "kind": k.kind,
                "value": regurgitation.mask(key),
                "source": k.source,
            }
            for key, k in found
        ]
    return {"known_values": len(known), "replies": len(answered), "hits": hits}


def leakage_test(
    clone, chats: leakage.Chats, partners: list[str], when: datetime | None, config: AuditConfig, progress
) -> dict[str, Any]:
    phrases = leakage.private_phrases(chats)
    subjects = [p for p in partners if phrases.get(p)]
    subject_of = {(asker, q): s for asker in partners for s, q in leakage.questions(asker, subjects)}
    answered = replies_to(clone, list(subject_of), when, config, progress, "leakage") if subject_of else []
    chats_of = {p: {chat for (_, chat), people in chats.people.items() if p in people} for p in partners}
    found, blocks, checked = [], [], set()
    for asker, question, _, recalled, reply in answered:
        subject = subject_of[(asker, question)]
        if said := leakage.leaked(reply, phrases[subject], question):
            found.append({"asker": asker, "about": subject, "question": question, "reply": reply, "phrases": said})
        if (asker, question) in checked:  # one memory block per question, however many replies were sampled
            continue
        checked.add((asker, question))
        if wrong := leakage.memory_violations(recalled, asker, chats_of[asker]):
            blocks.append({"asker": asker, "question": question, "told": wrong})
    return {
        "subjects": {s: len(phrases[s]) for s in subjects},
        "replies": len(answered),
        "memory": clone.memory is not None,
        "leaked_replies": found,
        "memory_violations": blocks,
        "leaks": len(found) + len(blocks),
    }
