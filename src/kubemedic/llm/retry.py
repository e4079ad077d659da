"""When to try a request again, and how long to wait first.

Retried: 429 (rate limited), 408, 5xx and connection errors - the kinds that go away. Not retried:
timeouts (a model too slow once is slow again, and the user is waiting), 4xx (a bad key or an unknown
model stays bad) and bad replies. Waits grow exponentially with "equal jitter" (half fixed, half
random), so many clients do not retry in lockstep. A server's Retry-After is honoured when it is at
most `max_retry_after_s`; asking for longer ends the attempts at once rather than hanging a question.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 2
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_retry_after_s: float = 10.0

    def delay(self, retry: int, retry_after_s: float | None, rng: random.Random) -> float | None:
        """Seconds to wait before retry number `retry` (1-based), or None when we should give up."""
        if retry > self.max_retries:
            return None
        if retry_after_s is not None:
            return max(0.0, retry_after_s) if retry_after_s <= self.max_retry_after_s else None
        ceiling = min(self.max_delay_s, self.base_delay_s * float(2 ** (retry - 1)))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After (or retry-after-ms converted by the caller) header; None if absent/odd.

    Only the delta-seconds form is read; an HTTP-date is rare from model servers and treated as absent.
    """
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
