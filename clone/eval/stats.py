"""Bootstrap confidence intervals (bias-corrected percentile) over items, with one fixed set of resamples
shared by every contender.

Sharing the resamples makes the comparisons paired: "clone minus base" is computed on the same items in
every resample, so the interval of the difference is much tighter than the two intervals side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None
    high: float | None
    n: int  # how many items the value is computed from

    def to_dict(self) -> dict[str, float | int | None]:
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n}

    def format(self, digits: int = 3, percent: bool = False) -> str:
        if self.value is None:
            return "—"
        scale, unit = (100, "%") if percent else (1, "")
        d = max(0, digits - 2) if percent else digits
        text = f"{self.value * scale:.{d}f}{unit}"
        if self.low is not None and self.high is not None:
            text += f" [{self.low * scale:.{d}f}, {self.high * scale:.{d}f}]"
        return text


def resamples(n: int, count: int, seed: int) -> np.ndarray:
    """``count`` bootstrap draws of ``n`` item indices (a ``count`` x ``n`` array), the same for a given seed."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(count, n)) if n else np.zeros((count, 0), dtype=int)


def bootstrap(statistic: Callable[[np.ndarray], float | None], draws: np.ndarray, n: int) -> Estimate:
    """The statistic on all ``n`` items, and the percentile interval of it over ``draws``."""
    if n == 0:
        return Estimate(None, None, None, 0)
    value = statistic(np.arange(n))
    if value is None:
        return Estimate(None, None, None, n)
    values = [v for idx in draws if (v := statistic(idx)) is not None and np.isfinite(v)]
    if not values:
        return Estimate(float(value), None, None, n)
    low, high = interval(np.asarray(values, dtype=float), float(value))
    return Estimate(float(value), low, high, n)


def interval(values: np.ndarray, value: float) -> tuple[float, float]:
    """Bias-corrected percentile interval. Set statistics such as the style distance are biased upwards on a
    resample (repeated items make two sets look less alike), so the plain percentile interval would sit above
    the value; the correction shifts the percentiles by how far the resamples lean to one side of the value."""
    from statistics import NormalDist

    normal = NormalDist()
    below = (np.sum(values < value) + 0.5 * np.sum(values == value)) / len(values)
    below = min(max(below, 0.5 / len(values)), 1 - 0.5 / len(values))
    z0, z = normal.inv_cdf(below), normal.inv_cdf(1 - (1 - LEVEL) / 2)
    low, high = np.percentile(values, [100 * normal.cdf(2 * z0 - z), 100 * normal.cdf(2 * z0 + z)])
    return float(low), float(high)


def difference(
    first: Callable[[np.ndarray], float | None], second: Callable[[np.ndarray], float | None], draws: np.ndarray, n: int
) -> Estimate:
    """first - second, paired over the same resamples."""

    def both(idx: np.ndarray) -> float | None:
        a, b = first(idx), second(idx)
        return None if a is None or b is None else a - b

    return bootstrap(both, draws, n)
