"""Exact shares: a target count apportioned over days, sessions or months by weight.

The year shaped like 2021 must give the seed's figures by construction, not by luck: every
total the report prints (loans, visits, participants, clicks) is drawn once and then split so
the parts add up to it exactly, with the random part only in how the remainder falls.
"""

from __future__ import annotations

import random
from collections.abc import Sequence


def spread(rng: random.Random, total: int, weights: Sequence[float], *, least: int = 0) -> list[int]:
    """``total`` over the weights, in proportion to them and exactly ``total`` in all; every part
    with a weight gets at least ``least`` (when ``total`` allows), a part of weight 0 gets none."""
    if total <= 0 or not weights or sum(weights) <= 0:
        return [0] * len(weights)
    floor = [least if weight > 0 else 0 for weight in weights]
    if sum(floor) > total:
        floor = [0] * len(weights)
    rest = total - sum(floor)
    scale = rest / sum(weights)
    counts = [int(weight * scale) for weight in weights]
    over = rest - sum(counts)
    if over:
        fractions = [weight * scale - count for weight, count in zip(weights, counts, strict=True)]
        if sum(fractions) <= 0:
            fractions = list(weights)
        for n in rng.choices(range(len(weights)), weights=fractions, k=over):
            counts[n] += 1
    return [base + count for base, count in zip(floor, counts, strict=True)]
