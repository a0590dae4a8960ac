"""Training speed: `clone train` against a plain trl SFTTrainer script with trl's defaults, same model and data.

    python bench/train_bench.py              # 1 epoch of the example dataset, each contender once (`make bench`)
    python bench/train_bench.py --quick      # a smoke run: 12 conversations, 1 epoch
    python bench/train_bench.py --repeat 3   # alternate the contenders 3 times, keep each one's best
    python bench/train_bench.py --only clone --set max_length=512   # what-if for a recipe change

The data is the bundled example (``examples/*.txt``) imported with the library verbs (``clone.load`` then
``clone.build_dataset(me=["Maya Chen"])``) into a temporary workspace; both contenders train on its
``train`` split, the same conversations in the chat "messages" format, for the same number of epochs,
so they consume exactly the same tokens.

Contenders, each in its own fresh subprocess (so its peak memory is that process's VmHWM):

* ``clone``: the CLI itself, ``clone train --workspace WS --set epochs=1`` with the default recipe
  (``pipelines/smollm2-135m-cpu.yaml``); its held-out evaluation before and after training is not timed
  but is part of its peak memory.
* ``plain``: the script most people write: ``SFTTrainer(model=AutoModelForCausalLM.from_pretrained(path),
  args=SFTConfig(...), peft_config=LoraConfig(...))`` with trl's defaults (batch 8, max_length 1024, no
  packing, activation checkpointing on, ...) except ``use_cpu=True, bf16=False`` (needed to run on a CPU
  at all), ``num_train_epochs`` (the token budget) and ``assistant_only_loss=True`` with clone's
  train-time chat template (so both put the loss on the same tokens). LoRA: the recipe's r, alpha,
  dropout and target modules.

tokens/s = real (non-padding) tokens of the training data fed to the model / seconds inside
``trainer.train()`` (model load, dataset tokenisation and evaluation excluded). The same two hooks on
``SFTTrainer`` count and time both contenders. "loss tokens" counts the tokens that carry a loss
(Maya's replies): it must be equal for both.

On a CUDA machine the bench also trains a Qwen2.5-1.5B-shaped model (built from its config with random
weights; no download) with `clone train` (recipe qwen2.5-1.5b-qlora, QLoRA on and off) and the plain
script, and reports tokens/s, peak GPU memory (``torch.cuda.max_memory_allocated``) and MFU
(6 x parameters x tokens/s / the GPU's dense bf16 peak). Without CUDA that part is skipped.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from process_stats import cpu_and_memory, loadavg, rss_mb  # bench/ is on sys.path when a bench runs

REPO = Path(__file__).resolve().parents[1]
ME = "Maya Chen"
SPEEDUP_TARGET = 2.0
QUICK_CONVERSATIONS = 12  # --quick trains on the first 12 conversations of the train split

# Qwen2.5-1.5B(-Instruct)'s config.json, written out so no download is needed; weights are random.
QWEN25_15B = {
    "architectures": ["Qwen2ForCausalLM"],
    "model_type": "qwen2",
    "hidden_size": 1536,
    "intermediate_size": 8960,
    "num_hidden_layers": 28,
    "num_attention_heads": 12,
    "num_key_value_heads": 2,
    "hidden_act": "silu",
    "max_position_embeddings": 32768,
    "rms_norm_eps": 1e-6,
    "rope_theta": 1000000.0,
    "tie_word_embeddings": True,
    "vocab_size": 151936,
    "attention_dropout": 0.0,
    "use_sliding_window": False,
    "sliding_window": 32768,
    "max_window_layers": 21,
    "bos_token_id": 151643,
    "eos_token_id": 151645,
    "initializer_range": 0.02,
    "use_cache": True,
}
# Dense bf16 tensor-core peak, FLOP/s, by a substring of torch.cuda.get_device_name() (first match wins).
PEAK_BF16_FLOPS = (
    ("H200", 989e12),
    ("H100 PCIe", 756e12),
    ("H100 NVL", 835e12),
    ("H100", 989e12),  # SXM
    ("A100", 312e12),
)
GPU_RECIPE = "qwen2.5-1.5b-qlora"
GPU_STEPS = 12  # optimizer steps per GPU run (the first two are warm-up and are not timed)


# ---------------------------------------------------------------------------------------------------
# Worker side: runs in its own process, prints one JSON line


class Meter:
    """Counts what ``SFTTrainer`` feeds the model and times ``trainer.train()``; the same for both contenders.

    ``skip_steps`` leaves the first steps out of the timing (GPU warm-up: kernels, allocator, autotuning)."""

    def __init__(self, skip_steps: int = 0) -> None:
        self.skip_steps = skip_steps
        self.steps = self.tokens = self.positions = self.loss_tokens = 0
        self.seconds = 0.0
        self.started = 0.0
        self.train_loss: float | None = None

    def install(self) -> None:
        from trl import SFTTrainer

        meter, train, training_step = self, SFTTrainer.train, SFTTrainer.training_step

        def timed_train(trainer, *args, **kwargs):
            meter.started = time.perf_counter()
            try:
                output = train(trainer, *args, **kwargs)
            finally:
                meter._sync()
                meter.seconds += time.perf_counter() - meter.started
            meter.train_loss = output.training_loss
            return output

        def counted_step(trainer, model, inputs, *args, **kwargs):
            meter.steps += 1
            if meter.steps == meter.skip_steps + 1 and meter.skip_steps:
                meter._sync()
                meter.started = time.perf_counter()  # the timing starts after the warm-up steps
            if meter.steps > meter.skip_steps:
                ids = inputs["input_ids"]
                mask = inputs.get("attention_mask")
                meter.tokens += int(mask.sum()) if mask is not None else ids.numel()  # padding-free: no padding
                meter.positions += ids.numel()
                meter.loss_tokens += int((inputs["labels"][:, 1:] != -100).sum())
            return training_step(trainer, model, inputs, *args, **kwargs)

        SFTTrainer.train = timed_train
        SFTTrainer.training_step = counted_step

    @staticmethod
    def _sync() -> None:
        import torch

        if torch.cuda.is_available():
            torch.cuda.synchronize()

    def report(self, **extra) -> None:
        row = {
            "steps": self.steps,
            "tokens": self.tokens,
            "positions": self.positions,
            "loss_tokens": self.loss_tokens,
            "seconds": self.seconds,
            "train_loss": self.train_loss,
            "peak_mb": rss_mb("VmHWM"),
            **extra,
        }
        try:
            import torch

            if torch.cuda.is_available():
                row["gpu_peak_mb"] = torch.cuda.max_memory_allocated() / 2**20
                row["gpu_name"] = torch.cuda.get_device_name()
        except ImportError:
            pass
        print(json.dumps(row))


def run_clone(workspace: Path, recipe: str, overrides: list[str]) -> None:
    """`clone train` exactly as a user types it (the typer app, in this process)."""
    from clone.cli import app

    args = ["train", "--workspace", str(workspace), "--recipe", recipe]
    for item in overrides:
        args += ["--set", item]
    app(args, standalone_mode=False)


def run_plain(workspace: Path, recipe_name: str, overrides: list[str], epochs: float, max_steps: int) -> None:
    """The plain trl script: trl's defaults, the recipe's LoRA, clone's train-time template for the loss mask."""
    import torch
    from datasets import load_from_disk
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    from clone import models, templates
    from clone.progress import quiet_libraries
    from clone.recipes import load_recipe

    quiet_libraries()
    recipe = load_recipe(recipe_name, overrides)
    path = models.resolve(recipe.model)
    tokenizer = AutoTokenizer.from_pretrained(path)
    tokenizer.chat_template = templates.training_template(tokenizer.chat_template)
    gpu = torch.cuda.is_available()
    quantization = {}
    if recipe.qlora:
        from transformers import BitsAndBytesConfig

        quantization["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16
        )
    targets = recipe.lora_targets
    with tempfile.TemporaryDirectory(prefix="plain-sft-") as out:
        trainer = SFTTrainer(
            model=AutoModelForCausalLM.from_pretrained(path, **quantization),
            args=SFTConfig(
                output_dir=out,
                assistant_only_loss=True,
                num_train_epochs=epochs,
                max_steps=max_steps,
                **({} if gpu else {"use_cpu": True, "bf16": False}),
            ),
            train_dataset=load_from_disk(str(workspace / "dataset"))["train"].select_columns(["messages"]),
            processing_class=tokenizer,
            peft_config=LoraConfig(
                r=recipe.lora_r,
                lora_alpha=recipe.lora_alpha,
                lora_dropout=recipe.lora_dropout,
                target_modules=targets if targets == "all-linear" else targets.split(","),
                task_type="CAUSAL_LM",
            ),
        )
        trainer.train()


def worker(spec: dict) -> None:
    meter = Meter(skip_steps=spec.get("skip_steps", 0))
    meter.install()
    workspace = Path(spec["workspace"])
    if spec["contender"] == "clone":
        run_clone(workspace, spec["recipe"], spec["overrides"])
    else:
        run_plain(workspace, spec["recipe"], spec["overrides"], spec["epochs"], spec["max_steps"])
    meter.report()


# ---------------------------------------------------------------------------------------------------
# Data


def build_workspace(root: Path, quick: bool) -> dict:
    """The example chats imported with the library verbs; --quick keeps the first conversations only."""
    import clone
    from clone.workspace import Workspace

    workspace = Workspace(root)
    exports = clone.load(sorted(glob.glob(str(REPO / "examples" / "*.txt"))))
    summary = clone.build_dataset(exports.messages, me=[ME], workspace=workspace)
    if quick:
        _resize_train_split(workspace, QUICK_CONVERSATIONS)
    return summary


def _resize_train_split(workspace, rows: int, repeat: int = 1) -> None:
    """Keep the first ``rows`` training conversations (``repeat`` times over: the GPU needs more tokens)."""
    from datasets import DatasetDict, concatenate_datasets, load_from_disk

    from clone.workspace import atomic_dir

    data = load_from_disk(str(workspace.dataset))
    train = data["train"].select(range(min(rows, len(data["train"]))))
    data = DatasetDict({**data, "train": concatenate_datasets([train] * repeat)})
    with atomic_dir(workspace.dataset) as tmp:
        data.save_to_disk(str(tmp))


def data_tokens(root: Path) -> tuple[int, int]:
    """(training conversations, their tokens under clone's train-time template) of the bundled model."""
    from datasets import load_from_disk
    from transformers import AutoTokenizer

    from clone import models, templates
    from clone.recipes import load_recipe

    tokenizer = AutoTokenizer.from_pretrained(models.resolve(load_recipe().model))
    template = templates.training_template(tokenizer.chat_template)
    train = load_from_disk(str(root / "dataset"))["train"]
    tokens = sum(
        len(tokenizer.apply_chat_template(row, chat_template=template, return_dict=True)["input_ids"])
        for row in train["messages"]
    )
    return len(train), tokens


# ---------------------------------------------------------------------------------------------------
# Driver


@dataclass
class Result:
    name: str
    seconds: float = 0.0
    tokens: int = 0
    positions: int = 0
    loss_tokens: int = 0
    steps: int = 0
    peak_mb: float = 0.0
    gpu_peak_mb: float = 0.0
    gpu_name: str = ""
    train_loss: float | None = None
    load: str = ""
    wall: float = 0.0
    error: str = ""

    @property
    def rate(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0


def run_worker(name: str, spec: dict, best: Result | None) -> Result:
    """One fresh process; merged into ``best`` (the fastest run is kept, the highest peak memory)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    before, started = loadavg(), time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(spec)], capture_output=True, text=True, env=env, cwd=REPO
    )
    wall = time.perf_counter() - started
    best = best or Result(name)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        best.error = f"exit {proc.returncode}: {' | '.join(tail)}"
        return best
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    rate = data["tokens"] / data["seconds"] if data["seconds"] else 0.0
    if rate > best.rate:
        for key in ("seconds", "tokens", "positions", "loss_tokens", "steps", "train_loss"):
            setattr(best, key, data[key])
        best.load, best.wall = f"{before}/{loadavg()}", wall
    best.peak_mb = max(best.peak_mb, data["peak_mb"])
    best.gpu_peak_mb = max(best.gpu_peak_mb, data.get("gpu_peak_mb", 0.0))
    best.gpu_name = data.get("gpu_name", "")
    print(
        f"  {name}: {rate:,.0f} tokens/s ({data['tokens']:,} tokens in {data['seconds']:.1f} s, "
        f"{data['steps']} forward passes), peak {data['peak_mb']:,.0f} MB, process {wall:.0f} s",
        flush=True,
    )
    return best


def machine() -> str:
    model, memory = cpu_and_memory()
    import torch

    from clone.cpu_speed import cpu_has_bf16_units

    units = "bf16 units (AMX/AVX512-BF16)" if cpu_has_bf16_units() else "no bf16 units"
    return (
        f"{os.cpu_count()} cores ({torch.get_num_threads()} torch threads), {model}, {units}, {memory}, "
        f"torch {torch.__version__}, Python {platform.python_version()}"
    )


def cpu_bench(args, root: Path) -> bool:
    overrides = [f"epochs={args.epochs}", *args.set]
    spec = {"workspace": str(root), "recipe": "smollm2-135m-cpu", "epochs": args.epochs, "max_steps": -1}
    contenders = {
        "clone": {**spec, "contender": "clone", "overrides": overrides},
        "plain": {**spec, "contender": "plain", "overrides": []},
    }
    names = [args.only] if args.only else ["plain", "clone"]
    results: dict[str, Result] = {}
    for round_ in range(args.repeat):
        order = names if round_ % 2 == 0 else names[::-1]  # alternate, so neither always runs on a warmer machine
        for name in order:
            print(f"{name}: training (round {round_ + 1}/{args.repeat}) ...", flush=True)
            results[name] = run_worker(name, contenders[name], results.get(name))

    print(f"\nCPU: {machine()}")
    header = (
        f"{'contender':<9} {'tokens/s':>9} {'tokens':>7} {'loss tok':>8} {'padding':>7} {'fwd':>4} "
        f"{'train s':>7} {'peak MB':>8} {'train loss':>10} {'load':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results.values():
        if r.error:
            print(f"{r.name:<9} {r.error}")
            continue
        padding = 1 - r.tokens / r.positions if r.positions else 0.0
        loss = f"{r.train_loss:.3f}" if r.train_loss is not None else "-"
        print(
            f"{r.name:<9} {r.rate:>9,.0f} {r.tokens:>7,} {r.loss_tokens:>8,} {padding:>7.0%} {r.steps:>4} "
            f"{r.seconds:>7.1f} {r.peak_mb:>8,.0f} {loss:>10} {r.load:>9}"
        )
    ours, plain = results.get("clone"), results.get("plain")
    if not ours or not plain or ours.error or plain.error:
        return False
    ratio = ours.rate / plain.rate
    if ours.tokens != plain.tokens or ours.loss_tokens != plain.loss_tokens:
        print("warning: the contenders did not consume the same tokens")
    print(f"clone / plain tokens/s: {ratio:.2f}x; peak MB: clone {ours.peak_mb:,.0f}, plain {plain.peak_mb:,.0f}")
    return ratio >= SPEEDUP_TARGET and ours.peak_mb <= plain.peak_mb


# ---------------------------------------------------------------------------------------------------
# GPU


def peak_flops(name: str) -> float | None:
    return next((flops for key, flops in PEAK_BF16_FLOPS if key in name), None)


def random_qwen(folder: Path) -> int:
    """A Qwen2.5-1.5B-shaped model with random weights (bf16) and the bundled ChatML tokenizer; its parameter count.

    The tokenizer's ids (49,152) all fit in Qwen's 151,936-token vocabulary."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, Qwen2Config

    from clone import models

    torch.manual_seed(0)
    config = Qwen2Config(**{k: v for k, v in QWEN25_15B.items() if k not in ("architectures", "model_type")})
    with torch.device("cuda"):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    params = sum(p.numel() for p in model.parameters())
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(models.resolve(models.DEFAULT_MODEL)).save_pretrained(folder)
    del model
    torch.cuda.empty_cache()
    return params


def gpu_bench(args, root: Path) -> None:
    import torch

    if not torch.cuda.is_available():
        print("\nGPU: no CUDA device here; the Qwen2.5-1.5B LoRA/QLoRA part is skipped.")
        return
    name = torch.cuda.get_device_name()
    flops = peak_flops(name)
    with tempfile.TemporaryDirectory(prefix="train-bench-gpu-") as tmp:
        model_dir, gpu_root = Path(tmp) / "qwen2.5-1.5b-random", Path(tmp) / "workspace"
        print(f"\nGPU: {name}; building a random Qwen2.5-1.5B-shaped model ...", flush=True)
        params = random_qwen(model_dir)
        import shutil

        shutil.copytree(root, gpu_root)
        from clone.workspace import Workspace

        _resize_train_split(Workspace(gpu_root), 10**6, repeat=40)  # ~440k tokens: enough for every run
        steps = 3 if args.quick else GPU_STEPS
        base = {"workspace": str(gpu_root), "recipe": GPU_RECIPE, "epochs": 1, "max_steps": steps, "skip_steps": 2}
        runs = {
            "clone-lora": {**base, "contender": "clone", "overrides": [f"model={model_dir}", "qlora=false"]},
            "clone-qlora": {**base, "contender": "clone", "overrides": [f"model={model_dir}", "qlora=true"]},
            "plain-lora": {**base, "contender": "plain", "overrides": [f"model={model_dir}", "qlora=false"]},
        }
        for run in runs.values():
            if run["contender"] == "clone":
                run["overrides"].append(f"max_steps={steps}")
        results = {}
        for label, spec in runs.items():
            print(f"{label}: training ...", flush=True)
            results[label] = run_worker(label, spec, None)
    print(f"\nGPU: {name}, peak dense bf16 {flops / 1e12:.0f} TFLOP/s" if flops else f"\nGPU: {name} (peak unknown)")
    print(f"model: Qwen2.5-1.5B shape, {params / 1e9:.2f}B parameters, random weights; recipe {GPU_RECIPE}")
    header = f"{'run':<12} {'tokens/s':>9} {'MFU':>6} {'GPU peak MB':>11} {'padding':>7} {'fwd':>4}"
    print(header)
    print("-" * len(header))
    for r in results.values():
        if r.error:
            print(f"{r.name:<12} {r.error}")
            continue
        mfu = f"{6 * params * r.rate / flops:.1%}" if flops else "-"
        padding = 1 - r.tokens / r.positions if r.positions else 0.0
        print(f"{r.name:<12} {r.rate:>9,.0f} {mfu:>6} {r.gpu_peak_mb:>11,.0f} {padding:>7.0%} {r.steps:>4}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help=f"smoke run: {QUICK_CONVERSATIONS} conversations")
    parser.add_argument("--epochs", type=float, default=1.0, help="epochs over the train split, both contenders")
    parser.add_argument("--repeat", type=int, default=1, help="rounds (contenders alternate); the best is kept")
    parser.add_argument("--only", choices=("clone", "plain"), help="run one contender only")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="recipe override for clone")
    parser.add_argument("--no-gpu", action="store_true", help="skip the GPU part even when CUDA is available")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(json.loads(args.worker))
        return 0

    sys.path.insert(0, str(REPO))
    from clone.progress import quiet_libraries

    quiet_libraries()
    with tempfile.TemporaryDirectory(prefix="train-bench-") as tmp:
        root = Path(tmp) / "workspace"
        summary = build_workspace(root, args.quick)
        conversations, tokens = data_tokens(root)
        print(
            f"data: examples/ -> {summary['samples']['train']} training conversations as {ME}"
            f"{f' (--quick: first {conversations})' if args.quick else ''}, {tokens:,} tokens; "
            f"{args.epochs:g} epoch(s) per contender",
            flush=True,
        )
        met = cpu_bench(args, root)
        print(
            f"target (clone >= {SPEEDUP_TARGET:g}x the plain script's tokens/s, peak memory <= it):",
            "met" if met else "NOT met",
        )
        if not args.no_gpu:
            gpu_bench(args, root)
    return 0  # a benchmark reports; it does not fail `make bench`


if __name__ == "__main__":
    sys.exit(main())
