"""Does memory help? clone + memory against the clone on the richer persona (issue 15), over several seeds.

    flock /work/notes/heavy.lock python bench/memory_proof.py                    # 3 seeds
    python bench/memory_proof.py --seeds 0 --steps 20 --samples 24                # a smoke run
    python bench/memory_proof.py --report KEPT                                    # the figures of a kept run

Per seed: examples/make_persona.py writes Maya Chen's six-month history with that seed; `clone import
--memory-tokens N` builds the dataset whose every sample carries a memory block from strictly earlier
conversations; `clone train --set max_steps=S --set seed=SEED` trains one adapter on it; `clone eval --seed SEED`
answers every held-out reply twice with that adapter: as **clone + memory** (the prompt as in training) and as
**clone** (the same prompt with the memory block taken out), beside the base model and the retrieval baseline.
The figures are `clone eval`'s own paired comparison "memory_vs_clone" (bootstrap 95% intervals over held-out
replies), and a pooled one over every seed's replies (the seeds' items resampled together).

That "clone" is the memory-trained adapter off its training distribution. With `--plain` (the default) each seed
also imports the same persona without memory and trains a second adapter on it, the same recipe and steps: the
**plain clone**, the clone a user would have without memory. Its replies to the same held-out items are paired
with clone + memory's, and the training time of the two runs gives the cost of the memory block.

Done when (issue 15): semantic similarity and fact recall higher with intervals above zero, style distance no
worse than +0.02 and perplexity no worse than +5%.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from process_stats import cpu_and_memory, loadavg  # noqa: E402

from clone.eval import style  # noqa: E402
from clone.eval.stats import Estimate, difference, resamples  # noqa: E402

METRICS = ("semantic_similarity", "fact_recall", "style_distance", "perplexity")


def clone_cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "clone", *args], cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def one_seed(seed: int, folder: Path, args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, float]]:
    """One persona with memory (and, with --plain, without), one training and evaluation each; returns the
    eval.json of each ("memory", "plain") and the seconds each step took."""
    exports = folder / f"persona-{seed}"
    subprocess.run(
        [sys.executable, str(REPO / "examples" / "make_persona.py"), "--out", str(exports), "--seed", str(seed)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    results, seconds = {}, {}
    for kind, memory_tokens in (("memory", args.memory_tokens), ("plain", 0))[: 2 if args.plain else 1]:
        results[kind], took = train_and_eval(seed, exports, folder / f"ws-{seed}-{kind}", memory_tokens, args)
        seconds |= {f"{step} {kind}": s for step, s in took.items()}
    return results, seconds


def train_and_eval(
    seed: int, exports: Path, workspace: Path, memory_tokens: int, args: argparse.Namespace
) -> tuple[dict[str, Any], dict[str, float]]:
    seconds: dict[str, float] = {}
    begun = time.time()
    workspace.mkdir(parents=True)
    workspace.chmod(0o700)
    (workspace / "contacts.yaml").write_text((exports / "contacts.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    chats = sorted(str(p) for p in exports.glob("*.txt"))
    clone_cli("import", *chats, "--me", "Maya Chen", "--workspace", str(workspace),
              "--memory-tokens", str(memory_tokens), "--test-fraction", str(args.test_fraction))  # fmt: skip
    seconds["import"] = time.time() - begun
    begun = time.time()
    sets = [f"max_steps={args.steps}", f"seed={seed}", "heldout_samples=4", f"learning_rate={args.learning_rate}"]
    clone_cli("train", "--workspace", str(workspace), *(x for s in sets for x in ("--set", s)))
    seconds["train"] = time.time() - begun
    begun = time.time()
    clone_cli("eval", "--workspace", str(workspace), "--seed", str(seed), "--samples", str(args.samples),
              "--max-new-tokens", str(args.max_new_tokens))  # fmt: skip
    seconds["eval"] = time.time() - begun
    return json.loads((workspace / "eval.json").read_text(encoding="utf-8")), seconds


def seed_rows(results: dict[str, Any]) -> dict[str, Estimate]:
    rows = results["comparisons"]["memory_vs_clone"]
    found = {m: Estimate(r["value"], r["low"], r["high"], r["n"]) for m, r in rows.items() if m in METRICS}
    clone_ppl = results["metrics"]["clone"]["perplexity"]["value"]
    ppl = rows["perplexity"]
    found["perplexity_ratio"] = Estimate(
        1 + ppl["value"] / clone_ppl, 1 + ppl["low"] / clone_ppl, 1 + ppl["high"] / clone_ppl, ppl["n"]
    )
    return found


def paired(memory: dict[str, Any], plain: dict[str, Any] | None) -> list[tuple[dict, dict]]:
    """Each held-out item's (clone + memory, the clone) samples: the memory run's own ablation, or, given the
    plain run, its sample of the same reply (same persona and split, so the same items; checked)."""
    if plain is None:
        return [(s, s) for s in memory["samples"]]
    theirs = {(s["sample"], s["turn"]): s for s in plain["samples"]}
    pairs = [(s, theirs[(s["sample"], s["turn"])]) for s in memory["samples"]]
    assert all(a["real"] == b["real"] for a, b in pairs), "the two runs did not hold out the same replies"
    return pairs


def pooled(pairs: list[tuple[dict, dict]], count: int = 2000) -> dict[str, Estimate]:
    """clone + memory minus the clone over the paired replies (every seed's together), bootstrapped."""
    n = len(pairs)
    draws = resamples(n, count, 0)
    sides = {"memory": [a for a, _ in pairs], "clone": [b for _, b in pairs]}
    sim = {k: np.array([s["similarity"].get(k, np.nan) for s in side]) for k, side in sides.items()}
    probe = np.array([bool(a["fact_words"]) for a, _ in pairs])
    hit = {k: np.array([bool(s["recalled"].get(k)) for s in side]) for k, side in sides.items()}
    real = [style.features(a["real"]) for a, _ in pairs]
    feats = {k: [style.features(s["replies"][k]) for s in side] for k, side in sides.items()}

    def recall(k: str):
        return lambda idx: float(hit[k][idx][probe[idx]].mean()) if probe[idx].any() else None

    def distance(k: str):
        return lambda idx: style.distance([feats[k][i] for i in idx], [real[i] for i in idx])

    out = {"fact_recall": difference(recall("memory"), recall("clone"), draws, n)}
    out["style_distance"] = difference(distance("memory"), distance("clone"), draws[:500], n)
    if not np.isnan(sim["memory"]).any() and not np.isnan(sim["clone"]).any():
        out["semantic_similarity"] = difference(
            lambda idx: float(sim["memory"][idx].mean()), lambda idx: float(sim["clone"][idx].mean()), draws, n
        )
    return out


def plain_rows(memory: dict[str, Any], plain: dict[str, Any]) -> dict[str, Estimate]:
    """One seed: clone + memory against the plain clone, and their perplexity ratio (same held-out replies)."""
    rows = pooled(paired(memory, plain))
    ratio = memory["metrics"]["memory"]["perplexity"]["value"] / plain["metrics"]["clone"]["perplexity"]["value"]
    rows["perplexity_ratio"] = Estimate(ratio, None, None, memory["counts"]["perplexity_replies"])
    return rows


def verdicts(rows: dict[str, Estimate]) -> dict[str, bool]:
    def above(e: Estimate | None) -> bool:
        return e is not None and e.low is not None and e.low > 0

    checks = {
        "semantic similarity higher (interval above 0)": above(rows.get("semantic_similarity")),
        "fact recall higher (interval above 0)": above(rows.get("fact_recall")),
        "style distance no worse than +0.02": rows["style_distance"].value is not None
        and rows["style_distance"].value <= 0.02,
    }
    if "perplexity_ratio" in rows:
        checks["perplexity no worse than +5%"] = rows["perplexity_ratio"].value <= 1.05
    return checks


def report(seed: int, results: dict[str, Any], seconds: dict[str, float]) -> None:
    memory, plain = results["memory"], results.get("plain")
    c = memory["counts"]
    print(
        f"\nseed {seed}: {c['evaluated_replies']} held-out replies ({c['fact_probe_replies']} fact probes), "
        f"{c['train_replies']} training replies; "
        + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items())
        + f"; load {loadavg()}"
    )
    shown_rows = [(name, memory, name) for name in ("memory", "clone", "base", "retrieval")]
    if plain:
        shown_rows.append(("plain", plain, "clone"))
    for label, run, name in shown_rows:
        m = run["metrics"].get(name, {})
        shown = [f"{k} {Estimate(**m[k]).format()}" for k in METRICS if k in m]
        print(f"  {label:>9}: " + "; ".join(shown))
    comparisons = {"memory - clone (same adapter, no block)": seed_rows(memory)}
    if plain:
        comparisons["memory - plain clone (trained without memory)"] = plain_rows(memory, plain)
    for title, rows in comparisons.items():
        print(f"  {title}: " + "; ".join(f"{k} {v.format()}" for k, v in rows.items()))
        for check, ok in verdicts(rows).items():
            print(f"    {'met' if ok else 'NOT met'}: {check}")


def report_pooled(everything: list[dict[str, Any]], seeds: list[int]) -> None:
    against = {"clone (same adapter, no block)": lambda r: paired(r["memory"], None)}
    if all("plain" in r for r in everything):
        against["plain clone"] = lambda r: paired(r["memory"], r["plain"])
    for title, pairs_of in against.items():
        pairs = [pair for r in everything for pair in pairs_of(r)]
        rows = pooled(pairs)
        print(f"\npooled over seeds {seeds} ({len(pairs)} replies), memory - {title}:")
        print("  " + "; ".join(f"{k} {v.format()}" for k, v in rows.items()))
        for check, ok in verdicts(rows).items():
            print(f"    {'met' if ok else 'NOT met'}: {check}")
    ratios = {"clone": [seed_rows(r["memory"])["perplexity_ratio"].value for r in everything]}
    if "plain clone" in against:
        ratios["plain clone"] = [plain_rows(r["memory"], r["plain"])["perplexity_ratio"].value for r in everything]
        train = [r["seconds"]["train memory"] / r["seconds"]["train plain"] for r in everything if "seconds" in r]
        if train:
            print(f"  training time with memory / without, per seed: {', '.join(f'{t:.2f}' for t in train)}")
    for title, values in ratios.items():
        print(f"  perplexity of clone + memory / {title}, per seed: {', '.join(f'{r:.3f}' for r in values)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=60, help="LoRA steps per seed")
    parser.add_argument("--learning-rate", type=float, default=6e-4)
    parser.add_argument("--memory-tokens", type=int, default=192)
    parser.add_argument("--test-fraction", type=float, default=0.1)
    parser.add_argument("--samples", type=int, default=0, help="held-out replies answered per seed (0: all)")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument(
        "--plain", action=argparse.BooleanOptionalAction, default=True, help="also train the clone without memory"
    )
    parser.add_argument("--keep", type=Path, help="keep every seed's eval files (seed-SEED.json) in this folder")
    parser.add_argument("--report", type=Path, help="only report on the seed-SEED.json files kept in this folder")
    args = parser.parse_args()

    if args.report:
        kept = sorted(args.report.glob("seed-*.json"), key=lambda p: int(p.stem.split("-")[1]))
        everything = [json.loads(p.read_text(encoding="utf-8")) for p in kept]
        seeds = [int(p.stem.split("-")[1]) for p in kept]
        for seed, results in zip(seeds, everything, strict=True):
            report(seed, results, results["seconds"])
        report_pooled(everything, seeds)
        return
    cpu, ram = cpu_and_memory()
    print(f"machine: {cpu}, {ram}, load {loadavg()}")
    everything = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            results, seconds = one_seed(seed, Path(tmp), args)
            everything.append({**results, "seconds": seconds})
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"seed-{seed}.json").write_text(json.dumps(everything[-1]), encoding="utf-8")
            report(seed, results, seconds)
    report_pooled(everything, args.seeds)


if __name__ == "__main__":
    main()
