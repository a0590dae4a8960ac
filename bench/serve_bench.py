"""`clone serve` under load: total generated tokens/s and time to first token at 1, 4, 8 (16) concurrent clients.

    python bench/serve_bench.py                       # 1, 4, 8, 16 clients, 30 s each, on the bundled SmolLM2
    python bench/serve_bench.py --clients 1 8 --seconds 60 --dtype float32
    python bench/serve_bench.py --workspace WS        # an already trained workspace instead of a quick 2-step one

The clone is the bundled SmolLM2-135M trained 2 steps on the Sam Okafor example (about a minute), served by the
real server on a free loopback port. Each client is a thread with the real `openai` client streaming replies
(max_tokens 64) one after another to its own key for the whole window; tokens are the server's completion_tokens
(`stream_options.include_usage`). It is also the soak check: any error, any lost feedback line (every client
rates every reply) or a resident memory that keeps growing fails the run; bench/serve_soak.py is the longer check.
Each row carries the 1-minute load average at its end: the machine is shared, and other work slows every figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def trained_workspace(folder: Path):
    import clone

    workspace = clone.Workspace(folder / "ws")
    exports = clone.load([ROOT / "examples" / "WhatsApp Chat with Sam Okafor.txt"])
    clone.build_dataset(exports.messages, ["Maya Chen"], workspace)
    recipe = clone.load_recipe(overrides=["max_steps=2", "batch_size=1", "max_length=128"])
    clone.train(workspace, recipe, show_progress=False)
    return workspace


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def client_loop(url: str, key: str, until: float, results: list, errors: list) -> None:
    import httpx
    import openai

    api = openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0)
    messages = [{"role": "user", "content": "hey, how was the climbing gym? are you free for dinner after?"}]
    while time.monotonic() < until:
        try:
            start, first, tokens, reply_id = time.monotonic(), None, 0, None
            stream = api.chat.completions.create(
                model="clone", messages=messages, max_tokens=64, stream=True, stream_options={"include_usage": True}
            )
            for chunk in stream:
                reply_id = chunk.id
                if first is None and chunk.choices and chunk.choices[0].delta.content:
                    first = time.monotonic() - start
                if chunk.usage:
                    tokens = chunk.usage.completion_tokens
            rated = httpx.post(
                f"{url}/v1/feedback", json={"id": reply_id, "good": True}, headers={"Authorization": f"Bearer {key}"}
            )
            rated.raise_for_status()
            results.append((first if first is not None else time.monotonic() - start, tokens, time.monotonic()))
        except Exception as error:  # the soak counts every failure
            errors.append(repr(error))


def warm_up(url: str, key: str) -> None:
    import httpx

    body = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 8}
    httpx.post(f"{url}/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=300)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workspace", type=Path)
    parser.add_argument("--dtype", default="auto", help="ServeSettings.dtype: auto, float32 or bfloat16")
    parser.add_argument("--batch-tokens", type=int, default=1024, help="ServeSettings.batch_tokens")
    args = parser.parse_args()

    from clone.chat import Clone
    from clone.improvement.feedback import read_feedback
    from clone.serving import ServeSettings, add_key, create_app
    from tests.test_serve import Server

    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        workspace = (
            trained_workspace(Path(tmp)) if args.workspace is None else __import__("clone").Workspace(args.workspace)
        )
        print(f"clone ready in {time.monotonic() - started:.0f} s", flush=True)
        keys = [add_key(workspace, f"Client {i}")[1] for i in range(max(args.clients))]
        settings = ServeSettings(requests_per_minute=10_000, dtype=args.dtype, batch_tokens=args.batch_tokens)
        feedback_before = len(read_feedback(workspace))
        rows, memory, replies = [], [], 0
        with Server(create_app(Clone.load(workspace), settings)) as server:
            warm_up(server.url, keys[0])  # the first forward passes are slow: keep them out of the 1-client row
            for clients in args.clients:
                results: list = []
                errors: list = []
                window_start = time.monotonic()
                until = window_start + args.seconds
                threads = [
                    threading.Thread(target=client_loop, args=(server.url, keys[i], until, results, errors))
                    for i in range(clients)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                took = time.monotonic() - window_start
                firsts = [r[0] for r in results]
                tokens = sum(r[1] for r in results)
                replies += len(results)
                memory.append(rss_mb())
                rows.append(
                    (
                        clients,
                        len(results),
                        tokens / took,
                        percentile(firsts, 50),
                        percentile(firsts, 95),
                        len(errors),
                        memory[-1],
                        os.getloadavg()[0],
                    )
                )
                _, count, rate, p50, p95, failed, rss, load = rows[-1]
                print(
                    f"{clients} clients: {count} replies, {rate:.1f} tok/s, first token p50 {p50:.2f} s p95 {p95:.2f} s"
                )
                print(f"  errors {failed}, RSS {rss:.0f} MB, load average {load:.1f}", flush=True)
                if errors:
                    print("  first error:", errors[0])
            health = __import__("httpx").get(f"{server.url}/health").json()
        lost = replies - (len(read_feedback(workspace)) - feedback_before)

    print(f"\ndtype {health['dtype']}, batch_tokens {args.batch_tokens}, {args.seconds:.0f} s a row")
    print("| clients | replies | tokens/s | vs 1 client | first token p50 | first token p95 | errors | RSS MB | load |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for clients, count, rate, p50, p95, errors, rss, load in rows:
        ratio = rate / rows[0][2]
        print(
            f"| {clients} | {count} | {rate:.1f} | {ratio:.1f}x | {p50:.2f} s | {p95:.2f} s | {errors} | {rss:.0f} |"
            f" {load:.1f} |"
        )
    print(f"\nspeed-up at {rows[-1][0]} clients: {rows[-1][2] / rows[0][2]:.1f}x; feedback lines lost: {lost}")


if __name__ == "__main__":
    main()
