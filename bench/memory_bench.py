"""Memory store: build rate, size, retrieval latency and peak memory on a generated history.

    python bench/memory_bench.py                      # 100,000 messages
    python bench/memory_bench.py --messages 1000000
    python bench/memory_bench.py --messages 1000000 --words zipf

The history: ``--contacts`` people in one-to-one chats plus groups of 3-6 of them, conversations of 4-16
messages, one conversation a day per chat on average. Their words: ``uniform`` draws each of 2,000 words
alike (every word is in ~4% of conversations: the worst case for the owner's word budget, which keeps a
query's rarest words), ``zipf`` draws from 20,000 words with frequency 1/rank, as natural language does. The
owner's results are also compared with a search of every query word (no budget): "agreement" is the share of
the top 3 both return. The build is the real
one (clone.dataset.build.redacted_history, then clone.memory.write_memory) with semantic search off; embeddings
are then filled with random unit vectors, because embedding every conversation with all-MiniLM-L6-v2 on 2 CPU
cores takes longer than this benchmark should (that rate is measured separately on ``--embed-sample``
conversations and reported as conversations/s). Retrieval is timed with the query's embedding precomputed
(reported apart: one embed call per query).
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from process_stats import cpu_and_memory, loadavg, rss_mb  # noqa: E402

from clone.dataset.build import DatasetOptions, redacted_history  # noqa: E402
from clone.memory import open_store, retrieve, write_memory  # noqa: E402
from clone.memory.store import DIMENSIONS, paths  # noqa: E402
from clone.messages import Kind, Message  # noqa: E402
from clone.workspace import Workspace  # noqa: E402

ME = "Maya"


def history(n_messages: int, n_contacts: int, words: str = "uniform", seed: int = 0) -> list[Message]:
    rng = random.Random(seed)
    size = 2000 if words == "uniform" else 20_000
    vocabulary = [f"w{i}" for i in range(size)] + ["trip", "hostel", "climbing", "quiz", "dinner", "work", "sister"]
    weights = None if words == "uniform" else list(itertools.accumulate(1 / r for r in range(1, len(vocabulary) + 1)))
    contacts = [f"Person {i}" for i in range(n_contacts)]
    groups = {f"Group {i}": rng.sample(contacts, rng.randint(2, 5)) for i in range(n_contacts // 5)}
    chats = [(name, [name]) for name in contacts] + list(groups.items())
    messages: list[Message] = []
    day = datetime(2020, 1, 1, 9)
    while len(messages) < n_messages:
        chat, people = rng.choice(chats)
        start = day + timedelta(minutes=rng.randint(0, 600))
        for i in range(rng.randint(4, 16)):
            sender = ME if i % 2 else rng.choice(people)
            text = " ".join(rng.choices(vocabulary, cum_weights=weights, k=rng.randint(3, 14)))
            messages.append(Message("whatsapp", chat, sender, start + timedelta(minutes=i), text, Kind.TEXT, "b", i))
        day += timedelta(minutes=len(chats) and 1440 // max(1, len(chats) // 4))
    return messages[:n_messages]


def fill_random_embeddings(store: Path, seed: int = 0) -> None:
    import sqlite3

    rng = np.random.default_rng(seed)
    with sqlite3.connect(store) as db:
        ids = [i for (i,) in db.execute("SELECT id FROM episodes")]
        vectors = rng.standard_normal((len(ids), DIMENSIONS)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        db.executemany(
            "UPDATE episodes SET embedding = ? WHERE id = ?",
            [(v.tobytes(), i) for i, v in zip(ids, vectors, strict=True)],
        )
        db.execute("UPDATE meta SET value = 'on' WHERE key = 'semantic'")


def percentiles(seconds: list[float]) -> str:
    ms = np.asarray(seconds) * 1000
    return f"p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms"


def agreement(memory, samples: list[Message], live: bool) -> float:
    """The share of the owner's top 3 that a search of every query word (no budget) also returns."""
    import clone.memory.search as search

    def top3(m: Message, postings: int) -> set[int]:
        search.POSTINGS = postings
        return {h.id for h in retrieve(memory, None, m.text, before=None if live else m.timestamp, scope="all", k=3)}

    budget, shared = search.POSTINGS, []
    try:
        for m in samples:
            budgeted, every_word = top3(m, budget), top3(m, 10**15)
            shared.append(len(budgeted & every_word) / max(1, len(every_word)))
    finally:
        search.POSTINGS = budget
    return float(np.mean(shared))


def time_retrieval(workspace: Workspace, messages: list[Message], n_queries: int) -> dict[str, str]:
    import clone.eval.semantic as semantic

    rng = random.Random(1)
    memory = open_store(workspace)
    fixed = np.random.default_rng(2).standard_normal((1, DIMENSIONS)).astype(np.float32)
    real_embed, semantic.embed = semantic.embed, lambda texts: fixed / np.linalg.norm(fixed)  # precomputed query
    memory.vectors()  # loaded once per process, as `clone talk` would
    samples = rng.sample(messages, n_queries)
    results = {}
    # As a sample's block is built (before its own time), and as the owner talks now (after everything)
    for label, scope, live in (("contact", "contact", False), ("all", "all", False), ("all, live", "all", True)):
        times = []
        for m in samples:
            partner = m.chat if not m.chat.startswith("Group") else "Person 0"
            start = time.perf_counter()
            retrieve(memory, partner, m.text, before=None if live else m.timestamp, scope=scope, k=3)
            times.append(time.perf_counter() - start)
        results[label] = percentiles(times)
        if scope == "all":
            results[label] += f", agreement {agreement(memory, samples, live):.2f}"
    semantic.embed = real_embed
    memory.close()
    return results


def time_embedding(sample: int) -> str:
    from clone.eval.semantic import embed, embedder

    embedder()
    texts = [" ".join(f"we should plan trip {i} to the mountains and book a hostel" for i in range(6))] * sample
    start = time.perf_counter()
    embed(texts)
    rate = sample / (time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(20):
        embed(["are we still on for the climbing trip?"])
    return f"{rate:.1f} conversations/s; one query {1000 * (time.perf_counter() - start) / 20:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=200)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--embed-sample", type=int, default=128, help="conversations embedded to time the model")
    parser.add_argument("--words", choices=("uniform", "zipf"), default="uniform", help="how words are drawn")
    args = parser.parse_args()

    messages = history(args.messages, args.contacts, args.words)
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace(Path(folder) / "ws").create()
        start = time.perf_counter()
        h = redacted_history(messages, {ME}, DatasetOptions(), Counter())
        summary = write_memory(workspace, h.conversations, h.people, ME, semantic=False)
        build = time.perf_counter() - start
        store = paths(workspace)[0]
        lexical_mb = store.stat().st_size / 1e6
        fill_random_embeddings(store)
        size_mb = store.stat().st_size / 1e6
        latency = time_retrieval(workspace, messages, args.queries)
    embedding = time_embedding(args.embed_sample) if args.embed_sample else "not measured"
    cpu, ram = cpu_and_memory()
    print(f"machine: {cpu}, {ram}, load {loadavg()}")
    print(
        f"{args.messages:,} messages ({args.words} words) -> {summary.episodes:,} conversations, "
        f"{summary.facts} facts, {summary.people} people"
    )
    print(f"build (redaction + store, no embeddings): {build:.1f} s, {args.messages / build:,.0f} messages/s")
    print(f"size: {lexical_mb:.1f} MB without embeddings, {size_mb:.1f} MB with ({DIMENSIONS} float32 each)")
    print(
        f"retrieval (query embedding apart), scope contact: {latency['contact']}; scope all: {latency['all']}; "
        f"scope all, after the last conversation: {latency['all, live']}"
    )
    print(f"embedding (all-MiniLM-L6-v2, CPU): {embedding}")
    print(f"peak RSS: {rss_mb('VmHWM'):.0f} MB")


if __name__ == "__main__":
    main()
