"""`clone eval`: how much the clone sounds like the person, on the conversations it never saw.

Contenders answer every held-out reply of the person (or ``samples`` of them, drawn with ``seed``):

- ``clone``: the trained adapter on its base model, prompted exactly as in training;
- ``base``: the same base model with the adapter disabled, same prompt;
- ``retrieval``: the person's own training-split reply to the most similar message;
- ``memory`` (clone + memory), for a clone trained with memory (`clone import --memory-tokens N`): the clone told
  what it remembers, as in training; ``clone`` is then the same adapter with the memory blocks taken out.

Metrics (each with a bootstrap 95% interval over items, the same resamples for every contender, so differences
are paired): perplexity of the real replies (clone, base), style distance and its aspects (``style``), semantic
similarity to the real reply (``semantic``), the authorship pass rate and mean P(person), and the accuracy of a
discriminator between real and generated replies (``authorship``), and fact recall: the share of the replies
that recall something the person wrote before which the generated answer recalls too (``probe``).
``evaluate`` returns them as one dict and writes ``eval.json`` and ``eval.html`` in the workspace.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from clone.generation import GenerationSettings
from clone.workspace import Workspace, private

CONTENDERS = ("clone", "memory", "base", "retrieval")  # memory: only for a clone trained with one
# metric key: (label, which way is better, shown as a percentage)
METRICS = {
    "perplexity": ("perplexity of the real replies", "lower", False),
    "style_distance": ("style distance", "lower", False),
    "semantic_similarity": ("semantic similarity", "higher", False),
    "authorship_pass_rate": ("passes as the person", "higher", True),
    "authorship_probability": ("mean P(person)", "higher", False),
    "discriminator_accuracy": ("discriminator accuracy (50% = indistinguishable)", "lower", True),
    "fact_recall": ("fact recall (replies that recall what was said before)", "higher", True),
}
HEADLINE = (
    "perplexity",
    "style_distance",
    "semantic_similarity",
    "authorship_pass_rate",
    "discriminator_accuracy",
    "fact_recall",
)
DEFAULT_SAMPLES = 40
RESAMPLES = 1000


@dataclass
class EvalResult:
    """What `clone eval` measured (eval.json holds ``to_dict()``): per contender ``metrics`` with intervals, paired
    ``comparisons`` of the clone with each baseline, style aspects, reply lengths, every evaluated sample."""

    me: str
    workspace: str
    created: str
    base_model: str | None
    settings: dict[str, Any]
    counts: dict[str, Any]
    metrics: dict[str, Any]
    comparisons: dict[str, Any]
    style: dict[str, Any]
    lengths: dict[str, list[int]]
    samples: list[dict[str, Any]]
    seconds: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@private
def evaluate(
    workspace: Workspace = Workspace(),
    *,
    samples: int | None = DEFAULT_SAMPLES,
    seed: int = 0,
    max_new_tokens: int = 48,
    temperature: float = 0.8,
    batch_size: int = 8,
    resamples: int = RESAMPLES,
    semantic: bool = True,
    show_progress: bool = True,
    write: bool = True,
    html: Path | None = None,
) -> EvalResult:
    """Evaluate the workspace's trained clone against the base model and the retrieval baseline on the held-out
    split; returns the results (also written to ``eval.json`` and ``eval.html`` in the workspace unless
    ``write`` is False). ``samples`` caps how many held-out replies are answered (None or 0: all)."""
    from clone.eval.run import run

    results = EvalResult(
        **run(
            workspace,
            samples=samples,
            settings=GenerationSettings(max_new_tokens, temperature, seed=seed),
            seed=seed,
            batch_size=batch_size,
            resamples=resamples,
            semantic=semantic,
            show_progress=show_progress,
        )
    )
    if write:
        write_results(workspace, results.to_dict(), html)
    return results


def write_results(workspace: Workspace, results: dict[str, Any], html: Path | None = None) -> tuple[Path, Path]:
    from clone.eval.report import write_html
    from clone.workspace import write_json_atomic

    json_path = eval_json(workspace)
    write_json_atomic(json_path, results)
    html_path = write_html(results, html or workspace.root / "eval.html")
    return json_path, html_path


def eval_json(workspace: Workspace) -> Path:
    return workspace.root / "eval.json"


__all__ = ["CONTENDERS", "DEFAULT_SAMPLES", "HEADLINE", "METRICS", "EvalResult", "evaluate", "write_results"]
