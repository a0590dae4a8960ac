"""The evaluation as a terminal table and as one self-contained HTML file (inline SVG, no scripts, nothing
fetched), built from the results dict that ``evaluate`` returns and eval.json holds."""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clone.eval import HEADLINE, METRICS
from clone.eval.stats import Estimate
from clone.eval.style import ASPECTS
from clone.report import _PAGE, _STYLE, CHAR_EDGES, _html_table, _section, bar_chart, distribution
from clone.workspace import write_text_atomic

if TYPE_CHECKING:
    from rich.console import Console

LABELS = {
    "clone": "clone",
    "sft": "SFT clone (before improve)",
    "base": "base model",
    "retrieval": "retrieval",
    "person": "person (real replies)",
    "others": "other people (real)",
}
COLOURS = {
    "clone": "#7c3aed",
    "sft": "#a78bfa",
    "base": "#64748b",
    "retrieval": "#0ea5e9",
    "person": "#10b981",
    "others": "#f59e0b",
}
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
    compare = Table(title="The clone against the baselines (paired differences, clone minus baseline)")
    compare.add_column("metric")
    for other in results["comparisons"]:
        compare.add_column(f"vs {LABELS.get(other.removeprefix('clone_vs_'), other)}", justify="right")
    for metric in (*HEADLINE, *(f"style_{a}" for a in ASPECTS)):
        rows = [results["comparisons"][other].get(metric) for other in results["comparisons"]]
        if not any(rows):
            continue
        label = METRICS[metric][0] if metric in METRICS else metric.replace("_", " ")
        compare.add_row(label, *(_verdict_cell(metric, row) for row in rows))
    console.print(compare)


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
    """One sentence per headline metric: the clone against the base model, by how much, with the interval."""
    lines = []
    for other in ("sft", "base", "retrieval"):
        rows = results["comparisons"].get(f"clone_vs_{other}", {})
        for metric in HEADLINE:
            row = rows.get(metric)
            if not row or row.get("value") is None:
                continue
            label, direction, _ = METRICS[metric]
            lines.append(
                f"{label}: clone {cell(results, 'clone', metric)} vs {LABELS[other]} {cell(results, other, metric)}; "
                f"difference {difference_text(metric, row)} ({direction} is better{_closer(metric)}): {row['verdict']}"
            )
    return lines


def _closer(metric: str) -> str:
    return "; compared as distance from 50%" if metric == "discriminator_accuracy" else ""


def render_html(results: dict[str, Any]) -> str:
    e = html.escape
    counts, settings = results["counts"], results["settings"]
    stats = "".join(
        f'<div class="stat"><b>{v:,}</b><span>{e(k.replace("_", " "))}</span></div>' for k, v in counts.items()
    )
    charts = [ci_chart(results, metric) for metric in HEADLINE]
    charts = [c for c in charts if c]
    lengths = [
        bar_chart(
            "lengths",
            f"{LABELS.get(name, name)}: reply length (median {d.median:g} characters)",
            "characters",
            "replies",
            d.buckets,
            colour=COLOURS.get(name),
        )
        for name, values in results["lengths"].items()
        for d in [distribution(values, CHAR_EDGES, "characters per reply")]
    ]
    setting_text = ", ".join(f"{k} {v}" for k, v in settings.items() if v is not None)
    body = [
        f"<h1>{e(results['me'])}: does the clone sound like them?</h1>",
        f'<p class="muted">{e(results["workspace"])} · {e(results["created"])} · base model '
        f"{e(str(results.get('base_model')))} · {e(setting_text)}</p>",
        f'<div class="stats">{stats}</div>',
        _section(
            "The clone against the baselines",
            "<ul>" + "".join(f"<li>{e(s)}</li>" for s in summary_lines(results)) + "</ul>",
        ),
        _section("Metrics (value [95% interval])", _metrics_table(results)),
        _section("Paired differences (clone minus baseline)", _comparison_table(results)),
        '<section class="charts">' + "".join(charts) + "</section>",
        _section("Style aspects (0: same as the person, 1: nothing alike)", _aspects_table(results)),
        _section("What the replies look like", _profile_table(results)),
        '<section class="charts">' + "".join(lengths) + "</section>",
        _section(
            f"Side by side ({min(len(results['samples']), SHOWN_SAMPLES)} of {len(results['samples'])} replies)",
            "".join(_sample_html(s) for s in results["samples"][:SHOWN_SAMPLES]),
        ),
    ]
    return _PAGE.format(
        title=e(f"{results['me']}: clone evaluation"), style=_STYLE + _EXTRA_STYLE, body="\n".join(body)
    )


def _metrics_table(results: dict[str, Any]) -> str:
    columns = ("model", *(f"{METRICS[m][0]} ({METRICS[m][1]} is better)" for m in METRICS))
    rows = [(LABELS.get(name, name), *(cell(results, name, m) for m in METRICS)) for name in results["metrics"]]
    return _html_table(columns, rows)


def _comparison_table(results: dict[str, Any]) -> str:
    others = list(results["comparisons"])
    columns = ("metric", *(f"vs {LABELS.get(o.removeprefix('clone_vs_'), o)}" for o in others))
    rows = []
    for metric in (*METRICS, *(f"style_{a}" for a in ASPECTS)):
        found = [results["comparisons"][o].get(metric) for o in others]
        if any(found):
            label = METRICS[metric][0] if metric in METRICS else f"style: {metric.removeprefix('style_')}"
            rows.append((label, *(f"{difference_text(metric, r)} · {r['verdict']}" if r else "—" for r in found)))
    return _html_table(columns, rows)


def _aspects_table(results: dict[str, Any]) -> str:
    rows = [
        (LABELS.get(name, name), *(f"{row['aspects'][a]:.3f}" for a in ASPECTS))
        for name, row in results["style"].items()
        if "aspects" in row
    ]
    return _html_table(("model", *ASPECTS), rows)


def _profile_table(results: dict[str, Any]) -> str:
    profiles = {name: row["profile"] for name, row in results["style"].items() if row.get("profile")}
    keys = next(iter(profiles.values()), {}).keys()
    rows = [(LABELS.get(name, name), *(_fmt(profile.get(k)) for k in keys)) for name, profile in profiles.items()]
    return _html_table(("model", *keys), rows)


def _fmt(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def ci_chart(results: dict[str, Any], metric: str) -> str:
    """Horizontal bars, one per model, with the 95% interval as a whisker: inline SVG."""
    e = html.escape
    label, direction, percent = METRICS[metric]
    rows = [(name, estimate(r[metric])) for name, r in results["metrics"].items() if r.get(metric)]
    rows = [(name, est) for name, est in rows if est.value is not None]
    if not rows:
        return ""
    scale = 100 if percent else 1
    peak = max(max(est.high if est.high is not None else est.value, est.value) for _, est in rows) * scale
    peak = 100 if percent else _round_up(peak)
    width, left, right, top, row_h = 760, 170, 130, 40, 30
    height = top + row_h * len(rows) + 30
    plot_w = width - left - right
    x = lambda v: left + plot_w * max(0.0, min(v * scale, peak)) / peak  # noqa: E731
    parts = [
        f'<text class="title" x="{width / 2}" y="22" text-anchor="middle">{e(label)} ({e(direction)} is better)</text>'
    ]
    for i in range(5):
        value = peak * i / 4
        gx = left + plot_w * i / 4
        parts.append(f'<line class="grid" x1="{gx:.1f}" x2="{gx:.1f}" y1="{top - 4}" y2="{height - 26}"/>')
        parts.append(f'<text class="tick" x="{gx:.1f}" y="{height - 10}" text-anchor="middle">{value:g}</text>')
    if metric == "discriminator_accuracy":
        mid = x(0.5)
        parts.append(
            f'<line class="axis" stroke-dasharray="4 3" x1="{mid:.1f}" x2="{mid:.1f}" '
            f'y1="{top - 4}" y2="{height - 26}"/>'
        )
    for i, (name, est) in enumerate(rows):
        y = top + i * row_h
        colour = COLOURS.get(name, "#6b7280")
        text = est.format(digits=2 if metric == "perplexity" else 3, percent=percent).split(" [")[0]
        parts.append(
            f'<text class="label" x="{left - 8}" y="{y + 17}" text-anchor="end">{e(LABELS.get(name, name))}</text>'
        )
        parts.append(
            f'<rect class="bar" x="{left}" y="{y + 5}" width="{x(est.value) - left:.1f}" height="{row_h - 12}" '
            f'fill="{colour}" fill-opacity="0.75"><title>{e(LABELS.get(name, name))}: {e(est.format(percent=percent))} '
            f"(n={est.n})</title></rect>"
        )
        if est.low is not None and est.high is not None:
            lo, hi, mid_y = x(est.low), x(est.high), y + row_h / 2 - 1
            parts.append(
                f'<path class="whisker" d="M{lo:.1f} {mid_y - 6:.1f}v12M{lo:.1f} {mid_y:.1f}H{hi:.1f}'
                f'M{hi:.1f} {mid_y - 6:.1f}v12"/>'
            )
        parts.append(f'<text class="value" x="{width - right + 8}" y="{y + 17}">{e(text)} (n={est.n})</text>')
    return (
        f'<svg class="chart" data-chart="{e(metric)}" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{e(label)}">'
        f"<title>{e(label)}</title>{''.join(parts)}</svg>"
    )


def _round_up(value: float) -> float:
    """A round axis end at least ``value`` whose quarters are round too: 1, 2, 4 or 10 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 4, 10) if m * power >= value)


def _sample_html(sample: dict[str, Any]) -> str:
    e = html.escape
    context = [m for m in sample["context"] if m["role"] != "system"]
    system = next((m["content"] for m in sample["context"] if m["role"] == "system"), "")
    shown, folded = context[-CONTEXT_SHOWN:], context[:-CONTEXT_SHOWN]
    turn = lambda m: (  # noqa: E731
        f'<div class="turn {e(m["role"])}"><span class="role">{e(m["role"])}</span>'
        f'<div class="content">{e(m["content"])}</div></div>'
    )
    earlier = (
        f"<details><summary>{len(folded)} earlier message(s)</summary>{''.join(turn(m) for m in folded)}</details>"
        if folded
        else ""
    )
    opened = "" if context else '<p class="muted">(the person opens the conversation)</p>'
    columns = [("person", sample["real"], None, None)] + [
        (name, text, sample["p_person"].get(name), sample["similarity"].get(name))
        for name, text in sample["replies"].items()
    ]
    cells = "".join(
        f'<div class="reply" style="border-top-color:{COLOURS.get(name, "#6b7280")}">'
        f'<div class="who">{e(LABELS.get(name, name))}</div><div class="content">{e(text) or "<i>(empty)</i>"}</div>'
        f'<div class="scores">{_scores(name, p, s, sample)}</div></div>'
        for name, text, p, s in columns
    )
    return (
        f'<details class="sample" open><summary>conversation {sample["sample"] + 1} · reply after '
        f"{len(context)} message(s)</summary>"
        f'<p class="muted system">{e(system)}</p>{earlier}{"".join(turn(m) for m in shown)}{opened}'
        f'<div class="replies">{cells}</div></details>'
    )


def _scores(name: str, p: float | None, similarity: float | None, sample: dict[str, Any]) -> str:
    if name == "person":
        p = sample["p_person"].get("person")
        return f"P(person) {p:.2f}" if p is not None else ""
    parts = [f"P(person) {p:.2f}"] if p is not None else []
    if similarity is not None:
        parts.append(f"similarity {similarity:.2f}")
    return html.escape(" · ".join(parts))


_EXTRA_STYLE = """
svg .whisker { stroke: #111827; stroke-width: 1.5; fill: none; }
.replies { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 8px; margin-top: 8px; }
.reply { border: 1px solid #e5e7eb; border-top: 4px solid; border-radius: 6px; padding: 6px 8px; }
.reply .who { font-weight: 600; font-size: 12px; color: #374151; }
.reply .content { background: none; padding: 2px 0; }
.reply .scores { color: #6b7280; font-size: 12px; }
.system { font-style: italic; margin: 4px 0; }
li { margin: 2px 0; }
"""
