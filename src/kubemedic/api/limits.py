"""Request limits: a token bucket per API key (or per client IP when anonymous), and a body size cap.

Over the limit, a request gets 429 with Retry-After (seconds until a token is back). The buckets live
in this process, or in Redis when one is configured so that every replica counts against the same
bucket (SharedRateLimiter).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class Limiter(Protocol):
    async def take(self, key: str) -> float:
        """0 when the request may go; otherwise the seconds to wait (for Retry-After)."""
        ...


def retry_after(wait: float) -> str:
    return str(max(1, math.ceil(wait)))


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass
class RateLimiter:
    rate: float = 20.0  # tokens per second
    burst: float = 40.0
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 100_000  # buckets kept; the idlest are forgotten first (a full bucket is the default)
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    async def take(self, key: str) -> float:
        return self.take_now(key)

    def take_now(self, key: str) -> float:
        now = self.clock()
        bucket = self._buckets.pop(key, None)
        if bucket is None:
            bucket = _Bucket(self.burst, now)
            if len(self._buckets) >= self.max_keys:
                del self._buckets[next(iter(self._buckets))]
        self._buckets[key] = bucket  # re-inserted last: dict order = least recently used first
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate


class SharedRateLimiter:
    """The same buckets for every replica, kept in Redis (see store/redis_link.RedisRateBuckets).

    When Redis cannot be reached the request is let through on the local bucket instead: a rate limit
    must not turn a Redis outage into an API outage.
    """

    def __init__(self, shared: Limiter, fallback: RateLimiter) -> None:
        self.shared, self.fallback = shared, fallback

    async def take(self, key: str) -> float:
        try:
            return await self.shared.take(key)
        except Exception:  # boundary: Redis down -> limit locally
            return self.fallback.take_now(key)
