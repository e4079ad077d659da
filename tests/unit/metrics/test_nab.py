"""The NAB scorer (bench/anomaly/nab.py) on hand-made cases whose answers follow from its definition."""

from __future__ import annotations

import pytest
from bench.anomaly.corpus import windows_for
from bench.anomaly.nab import PROFILES, Profile, normalized, scaled_sigmoid, score_series

STANDARD, LOW_FP, LOW_FN = PROFILES
WINDOWS = [(100, 199), (500, 599)]


def corpus_score(detections: list[int], profile: Profile = STANDARD) -> float:
    return normalized([score_series(WINDOWS, detections, profile)])


def test_perfect_detector_scores_100_and_null_scores_0() -> None:
    for profile in PROFILES:
        assert corpus_score([100, 500], profile) == pytest.approx(100.0)
        assert corpus_score([], profile) == pytest.approx(0.0)


def test_earlier_detection_in_a_window_scores_more() -> None:
    start, middle, end = corpus_score([100, 500]), corpus_score([150, 500]), corpus_score([199, 500])
    assert start > middle > end
    # At its last point a window is worth ~0 (sigmoid of -1/width): halfway between a miss and a hit.
    late = scaled_sigmoid(-1 / 100) / scaled_sigmoid(-1.0)
    assert end == pytest.approx(100 * (2 + 1 + late) / 4)
    assert corpus_score([199]) > corpus_score([])


def test_only_the_first_detection_in_a_window_counts() -> None:
    assert corpus_score([100, 120, 130, 500]) == pytest.approx(corpus_score([100, 500]))


def test_false_positive_before_any_window_costs_the_profile_weight() -> None:
    for profile in PROFILES:
        clean = score_series([], [10], profile)
        assert clean.raw == pytest.approx(-profile.fp)
        assert clean.false_positives == 1
        early = score_series(WINDOWS, [50, 100, 500], profile)
        assert early.raw == pytest.approx(2 * profile.tp - profile.fp)


def test_false_positive_just_after_a_window_costs_less_than_far_after() -> None:
    near = score_series(WINDOWS, [100, 205, 500], STANDARD).raw
    far = score_series(WINDOWS, [100, 450, 500], STANDARD).raw
    assert 2.0 > near > far
    assert near == pytest.approx(2.0 + 0.11 * scaled_sigmoid((205 - 199) / 99))
    assert far == pytest.approx(2.0 - 0.11)  # more than 3 window widths later: the full weight


def test_missed_window_costs_fn_weight_and_profiles_differ() -> None:
    missed_one = score_series(WINDOWS, [100], LOW_FN)
    assert missed_one.raw == pytest.approx(1.0 - 2.0)
    assert missed_one.false_negatives == 1
    fp_heavy = [100, 500, *range(700, 900, 20)]
    assert corpus_score(fp_heavy, LOW_FP) < corpus_score(fp_heavy, STANDARD)


def test_detections_in_the_probation_period_are_ignored() -> None:
    assert score_series(WINDOWS, [5, 100, 500], STANDARD, probation=50).false_positives == 0


def test_windows_cover_ten_percent_divided_among_anomalies_and_merge() -> None:
    assert windows_for(10_000, [5000]) == ((4500, 5500),)
    assert windows_for(10_000, [3000, 7000]) == ((2750, 3250), (6750, 7250))
    assert windows_for(10_000, [5000, 5100]) == ((4750, 5350),)
    assert windows_for(10_000, []) == ()


def test_bad_window_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        score_series([(10, 5)], [], STANDARD)
