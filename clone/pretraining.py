"""The continued pre-training stage: before SFT learns the person's replies, the same LoRA adapter on the same base
model learns the language of the workspace's documents (the person's long-form writing and any family corpus,
`clone import --documents` / `--author`) with a plain language-model loss on packed blocks of ``max_length``
tokens (trl's SFTTrainer on a text dataset: every token has a loss; long documents are split, not cut).

On with the recipe key ``pretrain_epochs`` (or ``pretrain_max_steps``), at ``pretrain_learning_rate``; its record
(documents, tokens, steps, the held-out documents' loss before and after) goes into run.json under ``pretrain``.
The person's held-out documents are never trained on: they measure the stage. run.json's ``heldout_loss_before``
(the chat replies) is then the loss after the stage, before SFT. A continued run (`clone train --continue`)
pre-trains only on the documents its parent has not seen; a resumed one (`--resume`) does not run the stage again.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from clone.documents import load_documents
from clone.errors import CloneError
from clone.recipes import Recipe
from clone.workspace import Workspace


def wanted(recipe: Recipe) -> bool:
    return recipe.pretrain_epochs > 0 or recipe.pretrain_max_steps > 0


def document_text(row: dict[str, Any]) -> str:
    """What the model reads of a stored document: its title, then its text."""
    return f"{row['title']}\n\n{row['text']}" if row.get("title") else row["text"]


def pretrain_config(recipe: Recipe, output_dir):
    """The SFT run's settings with the stage's epochs, steps and learning rate, loss on every token, and long
    documents split across packed rows (``bfd_split``) instead of cut at ``max_length``."""
    from clone.training import sft_config

    stage = replace(
        recipe,
        epochs=recipe.pretrain_epochs or 1.0,
        max_steps=recipe.pretrain_max_steps,
        learning_rate=recipe.pretrain_learning_rate,
        packing=True,
        eval_steps=0,
        early_stopping_patience=0,
        save_steps=0,
    )
    args = sft_config(stage, output_dir)
    args.assistant_only_loss = False
    args.packing_strategy = "bfd_split"
    return args


def pretrain(
    workspace: Workspace, model, tokenizer, recipe: Recipe, parent: dict[str, Any] | None, show_progress: bool
) -> tuple[Any, dict[str, Any]]:
    """Train ``model``'s adapter (a fresh LoRA on a base model, or the parent's adapter) on the stored documents;
    returns the model (now a PeftModel) and the stage's record for run.json."""
    from datasets import Dataset
    from peft import PeftModel, get_peft_model
    from transformers import PrinterCallback
    from trl import SFTTrainer

    from clone.cpu_speed import bf16_adapter_inputs, cpu_bf16
    from clone.training import callbacks, lora_config

    rows = load_documents(workspace)
    seen = set((parent or {}).get("pretrained_documents", []))
    train_rows = [r for r in rows if r["split"] == "train" and r["id"] not in seen]
    if not train_rows:
        if parent:
            return model, {"skipped": f"no documents that version {parent.get('version')} has not pre-trained on"}
        raise CloneError(
            f"{workspace.root}: pretrain_epochs is set but there are no documents to pre-train on; import some first: "
            f"{workspace.command('import NOTES_FOLDER --documents')}"
        )
    heldout = [document_text(r) for r in rows if r["split"] == "test"][: recipe.heldout_samples or None]
    if not isinstance(model, PeftModel):
        model = get_peft_model(model, lora_config(recipe))
    before = document_loss(model, tokenizer, heldout, recipe.max_length)
    trainer = SFTTrainer(
        model=model,
        args=pretrain_config(recipe, workspace.checkpoints / "pretrain"),
        train_dataset=Dataset.from_list([{"text": document_text(r)} for r in train_rows]),
        processing_class=tokenizer,
        callbacks=callbacks(replace(recipe, early_stopping_patience=0), show_progress),
    )
    trainer.remove_callback(PrinterCallback)
    if cpu_bf16(recipe):
        bf16_adapter_inputs(trainer.model)
    started = time.time()
    trainer.train()
    return trainer.model, {
        "documents": len(train_rows),
        "family_documents": sum(r["author"] is not None for r in train_rows),
        "words": sum(r["words"] for r in train_rows),
        "document_ids": [r["id"] for r in train_rows],
        "epochs": recipe.pretrain_epochs,
        "max_steps": recipe.pretrain_max_steps,
        "learning_rate": recipe.pretrain_learning_rate,
        "steps": trainer.state.global_step,
        "heldout_documents": len(heldout),
        "heldout_document_loss_before": before,
        "heldout_document_loss_after": document_loss(trainer.model, tokenizer, heldout, recipe.max_length),
        "seconds": round(time.time() - started, 1),
        "log_history": trainer.state.log_history,
    }


def document_loss(model, tokenizer, texts: list[str], max_length: int) -> float | None:
    """Mean negative log-likelihood per token of ``texts`` (each with its end-of-text token, read in blocks of
    ``max_length`` tokens, as the stage trains); exp() of it is their perplexity. None without texts."""
    import torch

    nll, count = 0.0, 0
    training = model.training
    model.eval()
    device = next(model.parameters()).device
    bf16 = device.type == "cpu" and any(p.dtype == torch.bfloat16 for p in model.parameters())
    try:
        for text in texts:
            ids = tokenizer(text, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
            for start in range(0, len(ids) - 1, max_length):
                block = ids[start : start + max_length]
                if len(block) < 2:
                    continue
                with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    logits = model(input_ids=torch.tensor([block], device=device)).logits[0].float()
                target = torch.tensor(block[1:], device=device)
                nll += float(torch.nn.functional.cross_entropy(logits[:-1], target, reduction="sum"))
                count += len(block) - 1
    finally:
        model.train(training)
    return nll / count if count else None
