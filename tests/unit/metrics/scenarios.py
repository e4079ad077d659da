"""Synthetic series with one known shape each, generated from a seed (shared by the detector tests)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

LENGTH = 1000
AT = 600  # where the anomaly starts
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z


@dataclass(frozen=True)
class Scenario:
    name: str
    t: NDArray[np.float64]
    x: NDArray[np.float64]
    anomaly_at: int | None


def _ar(rng: np.random.Generator, n: int, phi: float, sd: float) -> NDArray[np.float64]:
    out = np.empty(n)
    acc = 0.0
    eps = rng.normal(0, sd * np.sqrt(1 - phi * phi), n)
    for i in range(n):
        acc = phi * acc + eps[i]
        out[i] = acc
    return out


def scenarios(seed: int = 7) -> list[Scenario]:
    rng = np.random.default_rng(seed)
    n = LENGTH
    minutes = START + 60.0 * np.arange(n)
    five = START + 300.0 * np.arange(n)
    daily = 30 * np.sin(2 * np.pi * (five % 86_400) / 86_400)
    noise = rng.normal(0, 2, n)
    out = [
        Scenario("white noise", minutes, 100 + rng.normal(0, 2, n), None),
        Scenario("daily pattern", five, 100 + daily + rng.normal(0, 2, n), None),
        Scenario("autocorrelated wander", minutes, 100 + _ar(rng, n, 0.98, 3) + rng.normal(0, 1, n), None),
    ]
    spike = 100 + noise.copy()
    spike[AT] += 40
    out.append(Scenario("spike", minutes, spike, AT))
    out.append(
        Scenario("large shift", minutes, 100 + rng.normal(0, 2, n) + np.where(np.arange(n) >= AT, 30, 0), AT)
    )
    out.append(
        Scenario("small shift", minutes, 100 + rng.normal(0, 2, n) + np.where(np.arange(n) >= AT, 4, 0), AT)
    )
    sd = np.where(np.arange(n) >= AT, 10.0, 2.0)
    out.append(Scenario("variance burst", minutes, 100 + rng.normal(0, 1, n) * sd, AT))
    leak = 1e9 + 2e6 * np.maximum(np.arange(n) - AT, 0) + rng.normal(0, 2e6, n)
    out.append(Scenario("memory leak", five, leak, AT))  # 5-min points: a day of profile before it
    broken = daily.copy()
    broken[AT : AT + 120] = 0.0  # the daily swing does not come for ten hours
    out.append(Scenario("seasonal break", five, 100 + broken + rng.normal(0, 2, n), AT))
    early = 100 + rng.normal(0, 2, n)
    early[100] += 60
    out.append(Scenario("spike during warm-up", minutes, early, None))
    return out
