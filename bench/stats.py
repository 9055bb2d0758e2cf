"""Median, p99 and run count: how every benchmark reports a figure."""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from db.connection import PRAGMAS


@dataclass(frozen=True)
class Figure:
    name: str
    runs: int
    median_ms: float
    p99_ms: float

    def line(self, floor: Figure | None = None) -> str:
        text = f"{self.name:<44} median {self.median_ms:8.3f} ms   p99 {self.p99_ms:8.3f} ms   runs {self.runs}"
        if floor is not None and floor.median_ms > 0:
            text += f"   {self.median_ms / floor.median_ms:5.1f}x floor"
        return text


def measure(name: str, action: Callable[[int], object], runs: int) -> Figure:
    """Time ``action(i)`` for i in range(runs), each run on its own."""
    times = []
    for i in range(runs):
        start = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
    return Figure(name, runs, statistics.median(times), p99)


def raw_connection(path: Path, **options: object) -> sqlite3.Connection:
    """The floor's connection: plain ``sqlite3`` with the pragmas the project's own connection uses."""
    raw = sqlite3.connect(path, **options)
    for pragma, value in PRAGMAS:
        raw.execute(f"PRAGMA {pragma} = {value}")
    return raw
