"""The HTML layer: self-contained pages (inline CSS and SVG, no scripts, nothing fetched) from the Jinja2
templates next to this file.

Autoescaping is on for every template, so any value a template prints is HTML-escaped; nothing here marks user
text as safe. base.html.j2 is the layout (CSP, CSS) a page extends; macros.html.j2 holds the shared pieces
(tables, stat boxes, conversation turns) and charts.html.j2 draws the charts that ``clone.pages.charts`` lays out.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from clone.pages.charts import Chart, Interval, bar_chart, interval_chart

__all__ = ["Chart", "Interval", "bar_chart", "interval_chart", "render"]

_ENVIRONMENT = Environment(
    loader=PackageLoader("clone", "pages"),
    autoescape=True,  # every template, whatever its name ends with
    undefined=StrictUndefined,  # a misspelt name fails the render instead of printing nothing
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["thousands"] = lambda n: f"{n:,}"


def render(template_name: str, **context: Any) -> str:
    """The page ``template_name`` (a file in clone/pages) rendered with ``context``."""
    return _ENVIRONMENT.get_template(template_name).render(**context)
