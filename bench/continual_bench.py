"""Forgetting, measured (issue 18): train on last year's export, import this year's, then `clone train --continue`
with several replay shares, and compare the per-token loss of the person's held-out replies on the OLD held-out split
(what the clone knew) and on the NEW one (what it should learn), before and after.

    python bench/continual_bench.py                      # the demo's Sam Okafor chat cut in two, shares 0/0.25/0.5
    python bench/continual_bench.py --shares 0.5 --steps 12

Not a test: it trains the bundled model several times (a few minutes each on 2 CPU cores)."""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import clone
from clone.chat import load_model
from clone.dataset.build import DatasetOptions, load_dataset_dict, previous_split
from clone.dataset.samples import sample_key
from clone.eval.perplexity import reply_losses
from clone.training import read_run
from clone.versions import use_version

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def halves(folder: Path) -> tuple[Path, Path]:
    """The Sam Okafor example cut at a message header about two thirds in: an older and a newer export."""
    lines = (EXAMPLES / "WhatsApp Chat with Sam Okafor.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    start = len(lines) * 2 // 3
    cut = next(i for i in range(start, len(lines)) if lines[i][:2].isdigit() and " - " in lines[i][:30])
    older, newer = folder / "older.txt", folder / "newer.txt"
    older.write_text("".join(lines[:cut]), encoding="utf-8")
    newer.write_text("".join(lines[cut:]), encoding="utf-8")
    return older, newer


def loss(workspace: clone.Workspace, rows: list[dict]) -> float:
    """Mean negative log-likelihood per token of the person's replies in ``rows`` under the current clone."""
    tokenizer, model = load_model(workspace, read_run(workspace))
    model.eval()
    totals = reply_losses(model, tokenizer, rows).values()
    return sum(n for n, _ in totals) / max(1, sum(t for _, t in totals))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shares", type=float, nargs="+", default=[0.0, 0.25, 0.5])
    parser.add_argument("--steps", type=int, default=18, help="optimizer steps of each run (the demo trains 18)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        older, newer = halves(folder)
        workspace, options = clone.Workspace(folder / "ws"), DatasetOptions(test_fraction=0.2)
        recipe = clone.load_recipe(max_steps=args.steps)
        clone.import_(older, "Maya Chen", workspace, options)
        old_keys = {k for k, split in previous_split(workspace).items() if split == "test"}
        began = time.time()
        clone.train(workspace, recipe, show_progress=False)
        print(f"v1 (older export only): {time.time() - began:.0f} s")
        added = clone.import_([older, newer], "Maya Chen", workspace, options)
        test = list(load_dataset_dict(workspace)["test"])
        old_rows = [r for r in test if sample_key(r) in old_keys]
        new_rows = [r for r in test if sample_key(r) not in old_keys]
        print(
            f"added {added.new_messages} messages, {added.new_samples} samples; held out: {len(old_rows)} old, "
            f"{len(new_rows)} new conversations"
        )
        base_old, base_new = loss(workspace, old_rows), loss(workspace, new_rows)
        print("\n| replay_share | old held-out loss | change | new held-out loss | change | seconds |")
        print("|---:|---:|---:|---:|---:|---:|")
        print(f"| v1 (before) | {base_old:.3f} | | {base_new:.3f} | | |")
        for share in args.shares:
            use_version(1, workspace)
            began = time.time()
            clone.train(
                workspace,
                clone.load_recipe(max_steps=args.steps, replay_share=share),
                continue_training=True,
                show_progress=False,
            )
            seconds = time.time() - began
            after_old, after_new = loss(workspace, old_rows), loss(workspace, new_rows)
            print(
                f"| {share:g} | {after_old:.3f} | {100 * (after_old / base_old - 1):+.1f}% | {after_new:.3f} | "
                f"{100 * (after_new / base_new - 1):+.1f}% | {seconds:.0f} |"
            )
        print(f"\n(perplexity = exp(loss); v1 old {math.exp(base_old):.1f}, new {math.exp(base_new):.1f})")


if __name__ == "__main__":
    main()
