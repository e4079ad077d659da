"""The sorted window and the daily profile the baseline is built on."""

from __future__ import annotations

import numpy as np

from kubemedic.metrics.profile import DailyProfile
from kubemedic.metrics.sorted_window import SortedWindow


def test_sorted_window_matches_a_fresh_sort_even_with_ties() -> None:
    rng = np.random.default_rng(0)
    data = rng.integers(0, 4, (20, 300)).astype(float)
    width = 15
    window = SortedWindow(data[:, :width])
    for i in range(width, 300):
        window.replace(data[:, i - width], data[:, i])
        current = data[:, i - width + 1 : i + 1]
        assert np.array_equal(window.sorted, np.sort(current, axis=1))
        assert np.allclose(window.quantile(0.5), np.median(current, axis=1))
        assert np.allclose(window.quantile(0.25), np.quantile(current, 0.25, axis=1))


def _feed(profile: DailyProfile, t: np.ndarray, x: np.ndarray) -> np.ndarray:
    shapes = np.zeros_like(x)
    for i in range(t.shape[1]):
        profile.roll(t[:, i])
        shapes[:, i], _ = profile.shape(t[:, i])
        profile.add(t[:, i], x[:, i])
    return shapes


def test_profile_learns_a_daily_curve_after_one_complete_day() -> None:
    t = (86_400.0 * 100 + 300.0 * np.arange(288 * 3))[None, :]
    curve = 20 * np.sin(2 * np.pi * (t % 86_400) / 86_400)
    shapes = _feed(DailyProfile(1, buckets=48, days=5), t, 100 + curve)
    assert not shapes[:, :288].any()  # nothing before a complete day
    assert np.abs(shapes[:, 288 * 2 :] - curve[:, 288 * 2 :]).max() < 1.0


def test_a_step_in_a_counter_does_not_invent_a_daily_pattern() -> None:
    t = (86_400.0 * 100 + 300.0 * np.arange(288 * 5))[None, :]
    counter = np.where(np.arange(t.shape[1]) >= 288 + 100, 7.0, 3.0)[None, :]  # restarts once, day 2
    shapes = _feed(DailyProfile(1, buckets=48, days=5), t, counter)
    assert not shapes[:, 288 * 3 :].any()
