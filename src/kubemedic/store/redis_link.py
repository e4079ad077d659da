"""Redis for several replicas: a lease with a TTL, the change stream fan-out, shared rate buckets.

Redis is optional (the `[redis]` extra); nothing here is imported unless a Redis URL is configured.
All keys live under `kubemedic:`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson
import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from kubemedic.domain import InputError

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"

# Token bucket: (tokens, stamp in ms) per key; Redis's own clock, so replicas' clocks do not matter.
# Returns the milliseconds to wait (0 = allowed).
_TAKE = """
local t = redis.call('time')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('hmget', KEYS[1], 'tokens', 'stamp')
local tokens, stamp = tonumber(state[1]), tonumber(state[2])
if tokens == nil then tokens, stamp = burst, now end
tokens = math.min(burst, tokens + (now - stamp) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('hset', KEYS[1], 'tokens', tostring(tokens), 'stamp', now)
redis.call('pexpire', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait
"""


def connect(url: str) -> Redis:
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise InputError(f"Redis URL {url!r} must start with redis://, rediss:// or unix://")
    return Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3, health_check_interval=10)


class RedisLease:
    """`SET key holder NX PX ttl`, renewed by the holder; a dead holder's lease lapses after the TTL."""

    def __init__(self, redis: Redis, name: str, holder: str, ttl_s: float = 10.0) -> None:
        self.redis, self.name, self.holder = redis, name, holder
        self.key = f"kubemedic:lease:{name}"
        self.ttl_ms = int(ttl_s * 1000)

    async def acquire(self) -> bool:
        if await self.redis.set(self.key, self.holder, nx=True, px=self.ttl_ms):
            return True
        return await self.renew()

    async def renew(self) -> bool:
        return bool(await self.redis.eval(_RENEW, 1, self.key, self.holder, self.ttl_ms))

    async def release(self) -> None:
        await self.redis.eval(_RELEASE, 1, self.key, self.holder)

    async def current_holder(self) -> str | None:
        value = await self.redis.get(self.key)
        return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True, slots=True)
class BusMessage:
    id: int
    type: str
    data: dict[str, Any]


class RedisBus:
    """The change stream across replicas: ids from one Redis counter, messages over pub/sub.

    The replica that watches publishes; every replica (itself included) listens and hands the messages
    to its local Broadcaster, so a client on any replica sees every change with the same ids.
    """

    def __init__(self, redis: Redis, channel: str = "kubemedic:stream") -> None:
        self.redis, self.channel = redis, channel
        self.seq_key = f"{channel}:seq"

    async def publish(self, type_: str, data: dict[str, Any]) -> int:
        message_id = int(await self.redis.incr(self.seq_key))
        await self.redis.publish(self.channel, orjson.dumps({"id": message_id, "type": type_, "data": data}))
        return message_id

    async def listen(self, ready: asyncio.Event | None = None) -> AsyncIterator[BusMessage]:
        """Messages as they arrive, reconnecting with back-off; `ready` is set once subscribed."""
        log = structlog.get_logger("kubemedic.redis")
        delay = 0.5
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                if ready is not None:
                    ready.set()
                delay = 0.5
                while True:
                    raw = await pubsub.get_message(timeout=5.0)
                    if raw is None or raw.get("type") != "message":
                        continue
                    body = orjson.loads(raw["data"])
                    yield BusMessage(int(body["id"]), str(body["type"]), dict(body["data"]))
            except (OSError, RedisError) as exc:
                log.warning("stream-listener-reconnect", error=str(exc), retry_in_s=delay)
            finally:
                await pubsub.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


class RedisRateBuckets:
    """Token buckets shared by every replica (one Lua call per request)."""

    def __init__(self, redis: Redis, rate: float, burst: float) -> None:
        self.redis, self.rate, self.burst = redis, rate, burst
        self._take = redis.register_script(_TAKE)

    async def take(self, key: str) -> float:
        wait_ms = await self._take(keys=[f"kubemedic:rate:{key}"], args=[self.rate, self.burst])
        return int(wait_ms) / 1000
