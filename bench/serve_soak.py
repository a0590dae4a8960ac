"""`clone serve` soak check: many clients for a bounded time on loopback; no errors, no lost feedback, flat memory.

    python bench/serve_soak.py                          # 8 clients, 60 s, the bundled SmolLM2 trained 2 steps
    python bench/serve_soak.py --workspace WS --clients 16 --seconds 300

Each client is a thread with the real `openai` client and its own key, sending one request after another: streamed
replies it rates (thumbs up, or "what I would have said" every third), plain replies, seeded replies, and every
fifth stream it leaves after the first piece (a client gone mid-reply, whose generation must stop). The server's
resident memory is sampled every 2 s. The check fails (exit 1) on any error, on a feedback line missing from
feedback.jsonl, on a generation still running at the end, or when memory grows by more than --max-growth-mb
between the end of the first quarter (warm: caches, allocator pools) and the end.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from serve_bench import rss_mb, trained_workspace  # noqa: E402

MESSAGES = [{"role": "user", "content": "hey, how was the climbing gym? are you free for dinner after?"}]


@dataclass
class Tally:
    """What the clients did, counted under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + 1

    def fail(self, error: Exception) -> None:
        with self.lock:
            self.errors.append(repr(error))


def client_loop(url: str, key: str, until: float, tally: Tally) -> None:
    import httpx
    import openai

    api = openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=120)
    headers = {"Authorization": f"Bearer {key}"}
    turn = 0
    while time.monotonic() < until:
        turn += 1
        try:
            if turn % 4 == 2:
                api.chat.completions.create(model="clone", messages=MESSAGES, max_tokens=32)
                tally.add("plain")
            elif turn % 4 == 3:
                api.chat.completions.create(model="clone", messages=MESSAGES, max_tokens=32, seed=turn)
                tally.add("seeded")
            elif turn % 5 == 0:
                with httpx.stream(
                    "POST",
                    f"{url}/v1/chat/completions",
                    json={"messages": MESSAGES, "stream": True, "max_tokens": 64},
                    headers=headers,
                    timeout=120,
                ) as response:
                    response.raise_for_status()
                    next(response.iter_lines())  # then hang up
                tally.add("abandoned")
            else:
                reply_id = None
                for chunk in api.chat.completions.create(model="clone", messages=MESSAGES, max_tokens=64, stream=True):
                    reply_id = chunk.id
                judgement = {"better": "yes!! 7?"} if turn % 3 == 0 else {"good": True}
                httpx.post(
                    f"{url}/v1/feedback", json={"id": reply_id, **judgement}, headers=headers, timeout=60
                ).raise_for_status()
                tally.add("rated")
        except Exception as error:  # the soak counts every failure
            tally.fail(error)


def sample_memory(stop: threading.Event, samples: list[tuple[float, float]], started: float) -> None:
    while not stop.wait(2):
        samples.append((time.monotonic() - started, rss_mb()))


def soak(workspace, clients: int, seconds: float) -> dict:
    import httpx

    from clone.chat import Clone
    from clone.improvement.feedback import read_feedback
    from clone.serving import ServeSettings, add_key, create_app
    from tests.test_serve import Server

    keys = [add_key(workspace, f"Soak {i}")[1] for i in range(clients)]
    feedback_before = len(read_feedback(workspace))
    tally, samples, stop = Tally(), [], threading.Event()
    with Server(create_app(Clone.load(workspace), ServeSettings(requests_per_minute=100_000))) as server:
        started = time.monotonic()
        samples.append((0.0, rss_mb()))
        sampler = threading.Thread(target=sample_memory, args=(stop, samples, started), daemon=True)
        sampler.start()
        until = started + seconds
        threads = [threading.Thread(target=client_loop, args=(server.url, k, until, tally)) for k in keys]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stop.set()
        deadline = time.monotonic() + 30
        while (generating := httpx.get(f"{server.url}/health").json()["generating"]) and time.monotonic() < deadline:
            time.sleep(0.2)
        took = time.monotonic() - started
    lost = tally.counts.get("rated", 0) - (len(read_feedback(workspace)) - feedback_before)
    warm = next((rss for at, rss in samples if at >= seconds / 4), samples[-1][1])
    return {
        "clients": clients,
        "seconds": round(took, 1),
        "requests": tally.counts,
        "errors": len(tally.errors),
        "first_error": tally.errors[0] if tally.errors else None,
        "feedback_lost": lost,
        "generating_at_end": generating,
        "rss_mb": {
            "start": round(samples[0][1]),
            "warm": round(warm),
            "end": round(samples[-1][1]),
            "max": round(max(r for _, r in samples)),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workspace", type=Path, help="an already trained workspace (default: train one, ~1 min)")
    parser.add_argument("--max-growth-mb", type=float, default=50)
    args = parser.parse_args()

    import os

    import clone

    with tempfile.TemporaryDirectory() as tmp:
        workspace = trained_workspace(Path(tmp)) if args.workspace is None else clone.Workspace(args.workspace)
        load = os.getloadavg()[0]
        result = soak(workspace, args.clients, args.seconds)
    result["load_average_1min"] = {"before": round(load, 1), "after": round(os.getloadavg()[0], 1)}
    memory = result["rss_mb"]
    growth = memory["end"] - memory["warm"]
    print(json.dumps(result, indent=2))
    problems = [
        f"{result['errors']} errors" if result["errors"] else "",
        f"{result['feedback_lost']} feedback lines lost" if result["feedback_lost"] else "",
        f"{result['generating_at_end']} generations still running" if result["generating_at_end"] else "",
        f"memory grew {growth} MB after warm-up" if growth > args.max_growth_mb else "",
    ]
    problems = [p for p in problems if p]
    print("soak: " + ("; ".join(problems) if problems else f"ok (memory {growth:+} MB after warm-up)"))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
