"""In-process fan-out of change messages to stream clients, resumable by message id.

Every published message gets the next sequence number; the last `keep` messages are retained so a
client that reconnects with `Last-Event-ID: N` receives everything after N (or is told it is too far
behind and must reload). A slow subscriber's queue is bounded: when it overflows, the subscriber is
dropped with a `reset` so it reloads instead of silently missing messages.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    type: str  # finding-opened | finding-resolved | incident | event | reset
    data: dict[str, Any] = field(default_factory=dict)


class Broadcaster:
    def __init__(self, keep: int = 10_000, queue_size: int = 1_000) -> None:
        self._seq = 0
        self._history: deque[Message] = deque(maxlen=keep)
        self._subscribers: set[asyncio.Queue[Message]] = set()
        self._queue_size = queue_size

    @property
    def last_id(self) -> int:
        return self._seq

    def publish(self, type_: str, data: dict[str, Any]) -> Message:
        """Number and deliver a message made in this process."""
        message = Message(self._seq + 1, type_, data)
        self.deliver(message)
        return message

    def deliver(self, message: Message) -> bool:
        """Deliver a message numbered elsewhere (the Redis fan-out of several replicas).

        Ids only grow: a message at or below the last id (a duplicate) is dropped and False returned.
        """
        if message.id <= self._seq:
            return False
        self._seq = message.id
        self._history.append(message)
        for queue in list(self._subscribers):
            if queue.qsize() < self._queue_size:
                queue.put_nowait(message)
            else:  # the one spare slot takes the reset: what was queued is still delivered first
                self._subscribers.discard(queue)
                queue.put_nowait(
                    Message(self._seq, "reset", {"reason": "client too slow; reload and reconnect"})
                )
        return True

    def backlog(self, after: int) -> list[Message] | None:
        """Messages after id `after`, or None when some of them are no longer kept (reload needed)."""
        if after >= self._seq:
            return []
        oldest = self._history[0].id if self._history else self._seq + 1
        if after + 1 < oldest:
            return None
        return [m for m in self._history if m.id > after]

    async def subscribe(self, last_event_id: int | None = None) -> AsyncIterator[Message]:
        """Yield messages (first those after `last_event_id`) until the consumer stops."""
        queue: asyncio.Queue[Message] = asyncio.Queue(self._queue_size + 1)
        self._subscribers.add(queue)
        try:
            if last_event_id is not None:
                missed = self.backlog(last_event_id)
                if missed is None:
                    yield Message(
                        self._seq, "reset", {"reason": f"messages after {last_event_id} are gone; reload"}
                    )
                else:
                    for message in missed:
                        yield message
            while True:
                message = await queue.get()
                yield message
                if message.type == "reset":
                    return
        finally:
            self._subscribers.discard(queue)
