"""What the benchmark scripts share: percentiles and progress lines on stderr."""
from __future__ import annotations

import sys
import time


def pct(values, q):
    """The q-th percentile (nearest rank); NaN for no values."""
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))]


def progress(name: str):
    """A `log(message)` that prints `[name HH:MM:SS] message` on stderr."""
    def log(message: str) -> None:
        print(f"[{name} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
    return log
