"""The evaluation as a terminal table and as one self-contained HTML file (inline SVG, no scripts, nothing
fetched), built from the results dict that ``evaluate`` returns and eval.json holds."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clone.eval import HEADLINE, METRICS
from clone.eval.stats import Estimate
from clone.eval.style import ASPECTS
from clone.inspection import CHAR_EDGES, distribution
from clone.workspace import write_text_atomic

if TYPE_CHECKING:
    from rich.console import Console

    from clone.pages import Chart

LABELS = {
    "clone": "clone",
    "memory": "clone + memory",
    "sft": "SFT clone (before improve)",
    "base": "base model",
    "retrieval": "retrieval",
    "person": "person (real replies)",
    "others": "other people (real)",
}
COLOURS = {
    "clone": "#7c3aed",
    "memory": "#db2777",
    "sft": "#a78bfa",
    "base": "#64748b",
    "retrieval": "#0ea5e9",
    "person": "#10b981",
    "others": "#f59e0b",
}
OTHER_COLOUR = "#6b7280"  # a model without its own colour
SHOWN_SAMPLES = 40
CONTEXT_SHOWN = 4  # messages of context shown before the replies; the rest is folded away


def estimate(row: dict[str, Any] | None) -> Estimate:
    row = row or {}
    return Estimate(row.get("value"), row.get("low"), row.get("high"), row.get("n", 0))


def cell(results: dict[str, Any], name: str, metric: str) -> str:
    row = results["metrics"].get(name, {}).get(metric)
    return estimate(row).format(digits=2 if metric == "perplexity" else 3, percent=METRICS[metric][2]) if row else "—"


def difference_text(metric: str, row: dict[str, Any] | None) -> str:
    if not row or row.get("value") is None:
        return "—"
    percent = METRICS.get(metric, ("", "", False))[2]
    return _signed(estimate(row), percent)


def _signed(e: Estimate, percent: bool) -> str:
    scale, unit, d = (100, " pts", 1) if percent else (1, "", 3)
    text = f"{e.value * scale:+.{d}f}{unit}"
    if e.low is not None and e.high is not None:
        text += f" [{e.low * scale:+.{d}f}, {e.high * scale:+.{d}f}]"
    return text


# --- terminal --------------------------------------------------------------------------------------------------


def print_report(results: dict[str, Any], console: Console) -> None:
    from rich.table import Table

    counts, settings = results["counts"], results["settings"]
    table = Table(
        title=f"{results['me']}: {counts['evaluated_replies']} held-out replies "
        f"(perplexity: {counts['perplexity_replies']} replies, {counts['perplexity_tokens']} tokens)",
        caption=f"value [95% bootstrap interval, {settings['resamples']} resamples]; seed {settings['seed']}",
    )
    table.add_column("model")
    for metric in HEADLINE:
        table.add_column(f"{METRICS[metric][0]} ({METRICS[metric][1]} is better)", justify="right")
    for name in results["metrics"]:
        table.add_row(LABELS.get(name, name), *(cell(results, name, m) for m in HEADLINE))
    console.print(table)
    compare = Table(title="The clone against the baselines (paired differences, first minus second)")
    compare.add_column("metric")
    for other in results["comparisons"]:
        compare.add_column(pair_label(other), justify="right")
    for metric in (*HEADLINE, *(f"style_{a}" for a in ASPECTS)):
        rows = [results["comparisons"][other].get(metric) for other in results["comparisons"]]
        if not any(rows):
            continue
        label = METRICS[metric][0] if metric in METRICS else metric.replace("_", " ")
        compare.add_row(label, *(_verdict_cell(metric, row) for row in rows))
    console.print(compare)


def pair_label(key: str) -> str:
    """A comparison's column title: "clone_vs_base" -> "clone vs base model"."""
    first, _, other = key.partition("_vs_")
    return f"{LABELS.get(first, first)} vs {LABELS.get(other, other)}"


def _verdict_cell(metric: str, row: dict[str, Any] | None) -> str:
    if not row:
        return "—"
    colour = {"better": "green", "worse": "red"}.get(row["verdict"], "yellow")
    return f"{difference_text(metric, row)} [{colour}]{row['verdict']}[/]"


# --- HTML ------------------------------------------------------------------------------------------------------


def write_html(results: dict[str, Any], path: Path) -> Path:
    write_text_atomic(path, render_html(results))
    return path


def summary_lines(results: dict[str, Any]) -> list[str]:
    """One sentence per headline metric: clone + memory against the clone, then the clone against each
    baseline, by how much, with the interval."""
    lines = []
    for first, other in (("memory", "clone"), ("clone", "sft"), ("clone", "base"), ("clone", "retrieval")):
        rows = results["comparisons"].get(f"{first}_vs_{other}", {})
        for metric in HEADLINE:
            row = rows.get(metric)
            if not row or row.get("value") is None:
                continue
            label, direction, _ = METRICS[metric]
            lines.append(
                f"{label}: {LABELS[first]} {cell(results, first, metric)} vs {LABELS[other]} "
                f"{cell(results, other, metric)}; difference {difference_text(metric, row)} ({direction} is better"
                f"{_closer(metric)}): {row['verdict']}"
            )
    return lines


def _closer(metric: str) -> str:
    return "; compared as distance from 50%" if metric == "discriminator_accuracy" else ""


def render_html(results: dict[str, Any]) -> str:
    """The page of eval.html.j2: the summary, the metric tables and charts, and the replies side by side."""
    from clone.pages import bar_chart, render  # Jinja2: only needed here

    lengths = [
        bar_chart(
            "lengths",
            f"{LABELS.get(name, name)}: reply length (median {d.median:g} characters)",
            "characters",
            "replies",
            d.buckets,
            COLOURS.get(name, OTHER_COLOUR),
        )
        for name, values in results["lengths"].items()
        for d in [distribution(values, CHAR_EDGES, "characters per reply")]
    ]
    return render(
        "eval.html.j2",
        results=results,
        settings=", ".join(f"{k} {v}" for k, v in results["settings"].items() if v is not None),
        counts=[(k.replace("_", " "), v) for k, v in results["counts"].items()],
        summary=summary_lines(results),
        tables={
            "metrics": _metrics_table(results),
            "comparisons": _comparison_table(results),
            "aspects": _aspects_table(results),
            "profiles": _profile_table(results),
        },
        metric_charts=[c for c in (ci_chart(results, metric) for metric in HEADLINE) if c],
        length_charts=lengths,
        samples=[sample_view(s) for s in results["samples"][:SHOWN_SAMPLES]],
        shown_of=len(results["samples"]),
    )


Table = tuple[tuple[str, ...], list[tuple[Any, ...]]]  # (columns, rows) for the table macro


def _metrics_table(results: dict[str, Any]) -> Table:
    columns = ("model", *(f"{METRICS[m][0]} ({METRICS[m][1]} is better)" for m in METRICS))
    rows = [(LABELS.get(name, name), *(cell(results, name, m) for m in METRICS)) for name in results["metrics"]]
    return columns, rows


def _comparison_table(results: dict[str, Any]) -> Table:
    others = list(results["comparisons"])
    columns = ("metric", *(pair_label(o) for o in others))
    rows = []
    for metric in (*METRICS, *(f"style_{a}" for a in ASPECTS)):
        found = [results["comparisons"][o].get(metric) for o in others]
        if any(found):
            label = METRICS[metric][0] if metric in METRICS else f"style: {metric.removeprefix('style_')}"
            rows.append((label, *(f"{difference_text(metric, r)} · {r['verdict']}" if r else "—" for r in found)))
    return columns, rows


def _aspects_table(results: dict[str, Any]) -> Table:
    rows = [
        (LABELS.get(name, name), *(f"{row['aspects'][a]:.3f}" for a in ASPECTS))
        for name, row in results["style"].items()
        if "aspects" in row
    ]
    return ("model", *ASPECTS), rows


def _profile_table(results: dict[str, Any]) -> Table:
    profiles = {name: row["profile"] for name, row in results["style"].items() if row.get("profile")}
    keys = tuple(next(iter(profiles.values()), {}).keys())
    rows = [(LABELS.get(name, name), *(_fmt(profile.get(k)) for k in keys)) for name, profile in profiles.items()]
    return ("model", *keys), rows


def _fmt(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def ci_chart(results: dict[str, Any], metric: str) -> Chart | None:
    """Horizontal bars, one per model, with the 95% interval as a whisker (None: no model has the metric)."""
    from clone.pages import Interval, interval_chart

    label, direction, percent = METRICS[metric]
    found = [(name, estimate(r[metric])) for name, r in results["metrics"].items() if r.get(metric)]
    found = [(name, est) for name, est in found if est.value is not None]
    if not found:
        return None
    scale = 100 if percent else 1
    rows = []
    for name, est in found:
        shown = est.format(digits=2 if metric == "perplexity" else 3, percent=percent).split(" [")[0]
        who = LABELS.get(name, name)
        rows.append(
            Interval(
                label=who,
                value=est.value * scale,
                low=None if est.low is None else est.low * scale,
                high=None if est.high is None else est.high * scale,
                text=f"{shown} (n={est.n})",
                tooltip=f"{who}: {est.format(percent=percent)} (n={est.n})",
                colour=COLOURS.get(name, OTHER_COLOUR),
            )
        )
    peak = 100 if percent else _round_up(max(max(r.value, r.high if r.high is not None else r.value) for r in rows))
    marker = 0.5 * scale if metric == "discriminator_accuracy" else None  # chance: the clone passes as the person
    return interval_chart(metric, f"{label} ({direction} is better)", rows, peak, marker)


def _round_up(value: float) -> float:
    """A round axis end at least ``value`` whose quarters are round too: 1, 2, 4 or 10 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 4, 10) if m * power >= value)


def sample_view(sample: dict[str, Any]) -> dict[str, Any]:
    """One side-by-side sample as the template shows it: the system prompt, the last CONTEXT_SHOWN messages
    (earlier ones folded away) and a column per reply, the person's first."""
    context = [m for m in sample["context"] if m["role"] != "system"]
    replies = [_reply("person", sample["real"], sample)]
    replies += [_reply(name, text, sample) for name, text in sample["replies"].items()]
    return {
        "number": sample["sample"] + 1,
        "system": next((m["content"] for m in sample["context"] if m["role"] == "system"), ""),
        "context": context,
        "shown": context[-CONTEXT_SHOWN:],
        "folded": context[:-CONTEXT_SHOWN],
        "replies": replies,
    }


def _reply(name: str, text: str, sample: dict[str, Any]) -> dict[str, str]:
    who, colour = LABELS.get(name, name), COLOURS.get(name, OTHER_COLOUR)
    return {"who": who, "colour": colour, "text": text, "scores": _scores(name, sample)}


def _scores(name: str, sample: dict[str, Any]) -> str:
    p = sample["p_person"].get(name)
    similarity = None if name == "person" else sample["similarity"].get(name)
    parts = [f"P(person) {p:.2f}"] if p is not None else []
    if similarity is not None:
        parts.append(f"similarity {similarity:.2f}")
    if sample.get("fact_words"):
        recalled = True if name == "person" else sample.get("recalled", {}).get(name)
        parts.append(f"{'recalls' if recalled else 'misses'} {', '.join(sample['fact_words'])}")
    return " · ".join(parts)
