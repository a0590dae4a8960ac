"""The pre-training stage, measured (issue 18): the demo chats plus the demo documents (examples/make_documents.py:
Maya's notes, journal, blog, page and .docx, and Grandma Rose's letters as a family corpus), trained twice from the
bundled model with the same SFT steps: once without the stage, once with `pretrain_max_steps` steps on the
documents first. Compares the perplexity of Maya's held-out documents and of her held-out chat replies, and the
voice metrics of `clone eval` (style distance, authorship pass rate; generated replies to held-out messages).

    python bench/pretrain_bench.py                        # 18 SFT steps (the demo's), 8 pre-training steps
    python bench/pretrain_bench.py --pretrain-steps 16 --samples 40

Not a test: it trains the bundled model twice (a few minutes each on 2 CPU cores)."""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import clone
from clone.chat import load_model
from clone.documents import DocumentOptions, import_documents, load_documents
from clone.pretraining import document_loss, document_text
from clone.training import read_run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def workspace_with_documents(folder: Path) -> clone.Workspace:
    """The demo workspace: both demo chats, Maya's documents (a fifth held out) and the family corpus."""
    subprocess.run([sys.executable, str(EXAMPLES / "make_documents.py"), str(folder / "docs")], check=True)
    workspace = clone.Workspace(folder / "ws")
    clone.import_(sorted(EXAMPLES.glob("WhatsApp Chat with *.txt")), "Maya Chen", workspace)
    options = DocumentOptions(test_fraction=0.2)
    own = import_documents(folder / "docs" / "maya", workspace, me="Maya Chen", options=options)
    family = import_documents(folder / "docs" / "family", workspace, author="Grandma Rose")
    print(
        f"documents: {own.added} by Maya ({own.words} words, {own.held_out} held out), "
        f"{family.added} by Grandma Rose ({family.words} words)"
    )
    return workspace


def measure(workspace: clone.Workspace, label: str, recipe: clone.Recipe, samples: int) -> dict:
    began = time.time()
    result = clone.train(workspace, recipe, show_progress=False)
    seconds = time.time() - began
    heldout = [document_text(r) for r in load_documents(workspace, "test")]
    tokenizer, model = load_model(workspace, read_run(workspace))
    row = {"label": label, "seconds": seconds, "doc_loss": document_loss(model, tokenizer, heldout, recipe.max_length)}
    with model.disable_adapter():
        row["base_doc_loss"] = document_loss(model, tokenizer, heldout, recipe.max_length)
    row["chat_loss"], row["base_chat_loss"] = result.heldout_loss_after, None
    del model
    evaluated = clone.evaluate(workspace, samples=samples, semantic=False, write=False, show_progress=False)
    metrics = evaluated.metrics
    for contender in ("clone", "base"):
        for key in ("perplexity", "style_distance", "authorship_pass_rate"):
            row[f"{contender}_{key}"] = metrics[contender][key]
    row["pretrain"] = result.run["pretrain"]
    return row


def interval(estimate: dict, percent: bool = False) -> str:
    scale, unit = (100, "%") if percent else (1, "")
    return (
        f"{scale * estimate['value']:.{1 if percent else 2}f}{unit} "
        f"[{scale * estimate['low']:.{1 if percent else 2}f}, {scale * estimate['high']:.{1 if percent else 2}f}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sft-steps", type=int, default=18, help="SFT optimizer steps of each run (the demo's 18)")
    parser.add_argument("--pretrain-steps", type=int, default=8, help="pre-training steps of the second run")
    parser.add_argument("--samples", type=int, default=20, help="held-out replies `clone eval` answers")
    parser.add_argument("--seed", type=int, default=42, help="the recipe's seed (data order, LoRA init)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = workspace_with_documents(Path(tmp))
        runs = [
            measure(workspace, "SFT only", clone.load_recipe(max_steps=args.sft_steps, seed=args.seed), args.samples),
            measure(
                workspace,
                f"pre-train {args.pretrain_steps} steps + SFT",
                clone.load_recipe(max_steps=args.sft_steps, pretrain_max_steps=args.pretrain_steps, seed=args.seed),
                args.samples,
            ),
        ]
    base = runs[0]
    print(
        "\n| model | held-out documents ppl | held-out chat replies ppl (loss pass) | eval ppl of replies | "
        "style distance | passes as Maya | train s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(
        f"| base model | {math.exp(base['base_doc_loss']):.1f} | | {interval(base['base_perplexity'])} | "
        f"{interval(base['base_style_distance'])} | {interval(base['base_authorship_pass_rate'], True)} | |"
    )
    for row in runs:
        print(
            f"| {row['label']} | {math.exp(row['doc_loss']):.1f} | {math.exp(row['chat_loss']):.1f} | "
            f"{interval(row['clone_perplexity'])} | {interval(row['clone_style_distance'])} | "
            f"{interval(row['clone_authorship_pass_rate'], True)} | {row['seconds']:.0f} |"
        )
    stage = runs[1]["pretrain"]
    print(
        f"\npre-training stage: {stage['documents']} documents ({stage['family_documents']} family), "
        f"{stage['words']} words, {stage['steps']} steps, {stage['seconds']:.0f} s; held-out documents' loss "
        f"{stage['heldout_document_loss_before']:.3f} -> {stage['heldout_document_loss_after']:.3f} during the stage"
    )


if __name__ == "__main__":
    main()
