"""Goal Attainment Scaling: the five levels of a care goal and the summary T-score of a set of goals.

T = 50 + 10 * sum(w_i * x_i) / sqrt((1 - r) * sum(w_i^2) + r * (sum w_i)^2), with r = 0.3 (Kiresuk and Sherman).
"""
from __future__ import annotations

import math
from collections.abc import Iterable

LEVELS = (-2, -1, 0, 1, 2)
INTERCORRELATION = 0.3


def t_score(scored: Iterable[tuple[float, int]], r: float = INTERCORRELATION) -> float | None:
    """The GAS T-score of (weight, level) pairs; None for no goals. 50 means: on average as expected."""
    pairs = [(float(w), int(x)) for w, x in scored]
    if not pairs:
        return None
    if any(x not in LEVELS for _, x in pairs) or any(w <= 0 for w, _ in pairs):
        raise ValueError("GAS levels run from -2 to +2 and weights are positive")
    weighted = sum(w * x for w, x in pairs)
    sum_w, sum_w2 = sum(w for w, _ in pairs), sum(w * w for w, _ in pairs)
    return 50 + 10 * weighted / math.sqrt((1 - r) * sum_w2 + r * sum_w ** 2)
