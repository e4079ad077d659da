"""Fan-out with resume: every client sees every message once, in order; gaps are reported, not hidden."""

from __future__ import annotations

import asyncio

from kubemedic.service.broadcast import Broadcaster, Message


async def _take(stream: object, n: int) -> list[Message]:
    out: list[Message] = []
    async for message in stream:  # type: ignore[attr-defined]
        out.append(message)
        if len(out) == n:
            break
    return out


def test_two_subscribers_see_everything_in_order() -> None:
    async def run() -> tuple[list[Message], list[Message]]:
        hub = Broadcaster()
        a = asyncio.create_task(_take(hub.subscribe(), 3))
        b = asyncio.create_task(_take(hub.subscribe(), 3))
        await asyncio.sleep(0)
        for i in range(3):
            hub.publish("finding-opened", {"n": i})
        return await a, await b

    a, b = asyncio.run(run())
    assert [m.data["n"] for m in a] == [0, 1, 2] == [m.data["n"] for m in b]
    assert [m.id for m in a] == [1, 2, 3]


def test_resume_after_last_event_id_and_reset_when_too_far_behind() -> None:
    async def run() -> tuple[list[Message], list[Message]]:
        hub = Broadcaster(keep=5)
        for i in range(8):
            hub.publish("event", {"n": i})
        resumed = await _take(hub.subscribe(last_event_id=6), 2)
        behind = await _take(hub.subscribe(last_event_id=1), 1)
        return resumed, behind

    resumed, behind = asyncio.run(run())
    assert [m.id for m in resumed] == [7, 8]
    assert behind[0].type == "reset"


def test_a_slow_subscriber_is_reset_not_silently_skipped() -> None:
    async def run() -> list[Message]:
        hub = Broadcaster(queue_size=2)
        stream = hub.subscribe()
        first = asyncio.create_task(_take(stream, 10))
        await asyncio.sleep(0)
        for i in range(5):  # nobody reads in between: the queue overflows
            hub.publish("event", {"n": i})
        return await first

    got = asyncio.run(run())
    assert got[-1].type == "reset"
    assert [m.data.get("n") for m in got[:-1]] == list(range(len(got) - 1))
