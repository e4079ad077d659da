"""Which resolution a series query reads, and the retention settings a user can get wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kubemedic.domain import InputError
from kubemedic.service.metrics_series import SeriesRetention, choose_resolution
from kubemedic.store.series import Resolution

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
KEEP = SeriesRetention()  # raw 6 h, 1m 48 h, 10m 30 d


def pick(step: str, since_ago: timedelta, until_ago: timedelta = timedelta(0)) -> Resolution:
    return choose_resolution(step, NOW - since_ago, NOW - until_ago, NOW, KEEP)


@pytest.mark.parametrize(
    ("since_ago", "until_ago", "expected"),
    [
        (timedelta(minutes=15), timedelta(0), Resolution.RAW),
        (timedelta(hours=1), timedelta(0), Resolution.RAW),
        (timedelta(hours=1, seconds=1), timedelta(0), Resolution.MINUTE),
        (timedelta(days=2), timedelta(0), Resolution.MINUTE),
        (timedelta(days=2, seconds=1), timedelta(days=1), Resolution.TEN_MINUTES),
        (timedelta(hours=8), timedelta(hours=7, minutes=30), Resolution.MINUTE),  # raw expired there
        (timedelta(days=3), timedelta(days=3) - timedelta(minutes=5), Resolution.TEN_MINUTES),
    ],
)
def test_auto_takes_the_finest_resolution_the_range_and_retention_allow(
    since_ago: timedelta, until_ago: timedelta, expected: Resolution
) -> None:
    assert pick("auto", since_ago, until_ago) is expected
    assert pick("", since_ago, until_ago) is expected


def test_an_explicit_step_is_taken_as_given() -> None:
    assert pick("10m", timedelta(minutes=5)) is Resolution.TEN_MINUTES
    assert pick("RAW", timedelta(days=9)) is Resolution.RAW
    with pytest.raises(InputError, match="step '1h' is not one of raw, 1m, 10m"):
        pick("1h", timedelta(hours=1))


def test_retention_settings_that_cannot_work_are_refused_by_name() -> None:
    assert SeriesRetention.from_hours(6, 48, 720) == KEEP
    with pytest.raises(InputError, match="at least 20 minutes"):
        SeriesRetention.from_hours(0.1, 48, 720)
    with pytest.raises(InputError, match="must not shrink"):
        SeriesRetention.from_hours(6, 2, 720)
    assert KEEP.keeps(Resolution.MINUTE) == timedelta(hours=48)
