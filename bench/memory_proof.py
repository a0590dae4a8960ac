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
    """One persona, one training, one evaluation; returns eval.json and the seconds each step took."""
    exports, workspace = folder / f"persona-{seed}", folder / f"ws-{seed}"
    seconds: dict[str, float] = {}
    begun = time.time()
    subprocess.run(
        [sys.executable, str(REPO / "examples" / "make_persona.py"), "--out", str(exports), "--seed", str(seed)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    workspace.mkdir(parents=True)
    workspace.chmod(0o700)
    (workspace / "contacts.yaml").write_text((exports / "contacts.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    chats = sorted(str(p) for p in exports.glob("*.txt"))
    clone_cli("import", *chats, "--me", "Maya Chen", "--workspace", str(workspace),
              "--memory-tokens", str(args.memory_tokens), "--test-fraction", str(args.test_fraction))  # fmt: skip
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


def pooled(all_results: list[dict[str, Any]], count: int = 2000) -> dict[str, Estimate]:
    """clone + memory minus clone over every seed's evaluated replies together, paired, bootstrapped."""
    samples = [s for r in all_results for s in r["samples"]]
    n = len(samples)
    draws = resamples(n, count, 0)
    sim = {k: np.array([s["similarity"].get(k, np.nan) for s in samples]) for k in ("memory", "clone")}
    probe = np.array([bool(s["fact_words"]) for s in samples])
    hit = {k: np.array([bool(s["recalled"].get(k)) for s in samples]) for k in ("memory", "clone")}
    real = [style.features(s["real"]) for s in samples]
    feats = {k: [style.features(s["replies"][k]) for s in samples] for k in ("memory", "clone")}

    def recall(k: str):
        return lambda idx: float(hit[k][idx][probe[idx]].mean()) if probe[idx].any() else None

    def distance(k: str):
        return lambda idx: style.distance([feats[k][i] for i in idx], [real[i] for i in idx])

    out = {"fact_recall": difference(recall("memory"), recall("clone"), draws, n)}
    out["style_distance"] = difference(distance("memory"), distance("clone"), draws[:500], n)
    if not np.isnan(sim["memory"]).any():
        out["semantic_similarity"] = difference(
            lambda idx: float(sim["memory"][idx].mean()), lambda idx: float(sim["clone"][idx].mean()), draws, n
        )
    return out


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
    rows = seed_rows(results)
    c = results["counts"]
    print(
        f"\nseed {seed}: {c['evaluated_replies']} held-out replies ({c['fact_probe_replies']} fact probes), "
        f"{c['train_replies']} training replies; "
        + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items())
        + f"; load {loadavg()}"
    )
    for name in ("memory", "clone", "base", "retrieval"):
        m = results["metrics"].get(name, {})
        shown = [f"{k} {Estimate(**m[k]).format()}" for k in METRICS if k in m]
        print(f"  {name:>9}: " + "; ".join(shown))
    print("  memory - clone: " + "; ".join(f"{k} {v.format()}" for k, v in rows.items()))
    for check, ok in verdicts(rows).items():
        print(f"    {'met' if ok else 'NOT met'}: {check}")


def report_pooled(everything: list[dict[str, Any]], seeds: list[int]) -> None:
    rows = pooled(everything)
    print(f"\npooled over seeds {seeds} ({sum(len(r['samples']) for r in everything)} replies), memory - clone:")
    print("  " + "; ".join(f"{k} {v.format()}" for k, v in rows.items()))
    ratios = [seed_rows(r)["perplexity_ratio"].value for r in everything]
    print(f"  perplexity ratio per seed: {', '.join(f'{r:.3f}' for r in ratios)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=60, help="LoRA steps per seed")
    parser.add_argument("--learning-rate", type=float, default=6e-4)
    parser.add_argument("--memory-tokens", type=int, default=192)
    parser.add_argument("--test-fraction", type=float, default=0.1)
    parser.add_argument("--samples", type=int, default=0, help="held-out replies answered per seed (0: all)")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--keep", type=Path, help="keep every seed's eval.json in this folder")
    parser.add_argument("--report", type=Path, help="only report on the eval-SEED.json files kept in this folder")
    args = parser.parse_args()

    if args.report:
        kept = sorted(args.report.glob("eval-*.json"), key=lambda p: int(p.stem.split("-")[1]))
        everything = [json.loads(p.read_text(encoding="utf-8")) for p in kept]
        seeds = [int(p.stem.split("-")[1]) for p in kept]
        for seed, results in zip(seeds, everything, strict=True):
            report(seed, results, {"total": results["seconds"]["total"]})
        report_pooled(everything, seeds)
        return
    cpu, ram = cpu_and_memory()
    print(f"machine: {cpu}, {ram}, load {loadavg()}")
    everything = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            results, seconds = one_seed(seed, Path(tmp), args)
            everything.append(results)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"eval-{seed}.json").write_text(json.dumps(results), encoding="utf-8")
            report(seed, results, seconds)
    report_pooled(everything, args.seeds)


if __name__ == "__main__":
    main()
