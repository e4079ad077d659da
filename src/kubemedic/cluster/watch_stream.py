"""One watch request as a stream of raw events, with bookmarks - the part lightkube does not expose.

lightkube's `watch()` cannot ask for bookmarks and, on a 410, re-watches without a resourceVersion
and without relisting (which silently loses deletes). The reflector needs both, so this builds the
watch request through lightkube's request builder (auth, TLS, base URL stay lightkube's) and reads
the newline-delimited JSON itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson
from lightkube import ALL_NS, AsyncClient

from kubemedic.cluster.kinds import KindInfo, resource_for

READ_SLACK_S = 15


@dataclass(frozen=True, slots=True)
class RawWatchEvent:
    type: str  # ADDED | MODIFIED | DELETED | BOOKMARK | ERROR
    object: dict[str, Any]


async def watch_stream(
    client: AsyncClient,
    info: KindInfo,
    *,
    resource_version: str,
    namespace: str | None = None,
    timeout_seconds: int = 300,
    bookmarks: bool = True,
) -> AsyncIterator[RawWatchEvent]:
    """Yield events until the server closes the stream (after `timeout_seconds`)."""
    generic = client._client
    params: dict[str, object] = {"resourceVersion": resource_version, "timeoutSeconds": timeout_seconds}
    if bookmarks:
        params["allowWatchBookmarks"] = "true"
    ns = namespace if (info.namespaced and namespace) else (ALL_NS if info.namespaced else None)
    request = generic.prepare_request("list", resource_for(info), namespace=ns, watch=True, params=params)
    http = generic._client
    built = http.build_request(
        request.method, request.url, params=request.params, timeout=generic._watch_timeout
    )
    response = await generic.send(built, stream=True)  # type: ignore[no-untyped-call]
    try:
        if response.is_error:
            await response.aread()
            generic.raise_for_status(response)  # type: ignore[no-untyped-call]
        lines = Lines()
        async for chunk in response.aiter_bytes():
            for line in lines.feed(chunk):
                yield _event(line)
        for line in lines.end():
            yield _event(line)
    finally:
        await response.aclose()


def _event(line: bytes) -> RawWatchEvent:
    doc = orjson.loads(line)
    return RawWatchEvent(str(doc.get("type", "")), doc.get("object") or {})


class Lines:
    """Newline-delimited byte chunks to the non-blank lines they hold, whatever the chunking (an object
    may span many chunks, a chunk may hold many objects). Plain calls rather than a second async
    generator: one less frame to resume per event."""

    def __init__(self) -> None:
        self._partial: list[bytes] = []  # pieces of a line not ended yet, joined once its newline comes

    def feed(self, chunk: bytes) -> list[bytes]:
        if b"\n" not in chunk:
            if chunk:
                self._partial.append(chunk)
            return []
        if self._partial:
            self._partial.append(chunk)
            chunk = b"".join(self._partial)
            self._partial.clear()
        *lines, rest = chunk.split(b"\n")
        if rest:
            self._partial.append(rest)
        return [line for line in lines if line.strip()]

    def end(self) -> list[bytes]:
        """What is left when the stream ends: a last line without its newline is still a line."""
        line = b"".join(self._partial)
        self._partial.clear()
        return [line] if line.strip() else []
