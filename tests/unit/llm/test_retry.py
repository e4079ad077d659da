"""Back-off: bounded, growing, jittered; Retry-After honoured up to a limit."""

from __future__ import annotations

import random

import pytest

from kubemedic.llm import RetryPolicy
from kubemedic.llm.retry import parse_retry_after


def test_waits_grow_with_jitter_and_stop_after_max_retries() -> None:
    policy = RetryPolicy(max_retries=4, base_delay_s=1.0, max_delay_s=4.0)
    rng = random.Random(7)
    waits = [policy.delay(n, None, rng) for n in (1, 2, 3, 4)]
    assert [w is not None for w in waits] == [True] * 4
    bounds = [(0.5, 1.0), (1.0, 2.0), (2.0, 4.0), (2.0, 4.0)]  # capped at max_delay_s
    assert all(lo <= w <= hi for w, (lo, hi) in zip(waits, bounds, strict=True))  # type: ignore[operator]
    assert policy.delay(5, None, rng) is None
    assert len({RetryPolicy().delay(1, None, random.Random(s)) for s in range(5)}) > 1  # jitter


def test_retry_after_is_used_as_given_up_to_the_limit() -> None:
    policy = RetryPolicy(max_retry_after_s=10)
    rng = random.Random(0)
    assert policy.delay(1, 3.0, rng) == 3.0
    assert policy.delay(1, 30.0, rng) is None
    assert RetryPolicy(max_retries=0).delay(1, 1.0, rng) is None


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("2", 2.0), (" 0.5 ", 0.5), (None, None), ("", None), ("-1", None), ("Wed, 21 Oct", None)],
)
def test_retry_after_header(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds
