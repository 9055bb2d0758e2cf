"""Median, p99 and run count, in wall time and in CPU time: how every benchmark reports a figure.

Wall time is what the desk waits; CPU time (``time.process_time``, this process only) is what
the work itself costs. On a shared machine the wall time of a commit swells with other
processes' load and fsyncs, and so does the floor's, hiding the ratio; the CPU time does not.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from db.connection import PRAGMAS


def _p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


@dataclass(frozen=True)
class Figure:
    name: str
    runs: int
    median_ms: float
    p99_ms: float
    cpu_median_ms: float | None = None  # None for a figure timed in another process (the TUI's)
    cpu_p99_ms: float | None = None

    @classmethod
    def of(cls, name: str, wall_ms: list[float], cpu_ms: list[float] | None = None) -> Figure:
        return cls(
            name,
            len(wall_ms),
            statistics.median(wall_ms),
            _p99(wall_ms),
            statistics.median(cpu_ms) if cpu_ms else None,
            _p99(cpu_ms) if cpu_ms else None,
        )

    def line(self, floor: Figure | None = None) -> str:
        text = f"{self.name:<44} median {self.median_ms:8.3f} ms   p99 {self.p99_ms:8.3f} ms"
        if self.cpu_median_ms is not None and self.cpu_p99_ms is not None:
            text += f"   cpu median {self.cpu_median_ms:8.3f} ms   p99 {self.cpu_p99_ms:8.3f} ms"
        text += f"   runs {self.runs}"
        if floor is not None and floor.median_ms > 0:
            text += f"   {self.median_ms / floor.median_ms:5.1f}x floor"
            if self.cpu_median_ms is not None and floor.cpu_median_ms:
                text += f" (cpu {self.cpu_median_ms / floor.cpu_median_ms:5.1f}x)"
        return text


def measure(name: str, action: Callable[[int], object], runs: int) -> Figure:
    """Time ``action(i)`` for i in range(runs), each run on its own, in wall and CPU time."""
    wall, cpu = [], []
    for i in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action(i)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return Figure.of(name, wall, cpu)


def raw_connection(path: Path, **options: object) -> sqlite3.Connection:
    """The floor's connection: plain ``sqlite3`` with the pragmas the project's own connection uses."""
    raw = sqlite3.connect(path, **options)
    for pragma, value in PRAGMAS:
        raw.execute(f"PRAGMA {pragma} = {value}")
    return raw


class Stopwatch:
    """Wall and CPU seconds of one stretch of work timed once (an import, an export): ``with Stopwatch() as t``."""

    wall = cpu = 0.0

    def __enter__(self) -> Stopwatch:
        self._start, self._start_cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = time.perf_counter() - self._start
        self.cpu = time.process_time() - self._start_cpu
