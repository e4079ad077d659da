"""Direct reads from a cluster that any replica may do, watching or not: container logs, TokenReview."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from kubemedic.cluster.client import ClusterTarget, make_client
from kubemedic.cluster.errors import classify
from kubemedic.cluster.logs import pod_log
from kubemedic.cluster.tokenreview import ReviewedToken, review_token


class ClusterAccess:
    """`async with ClusterAccess(target) as access:` - one client, opened lazily, closed on exit."""

    def __init__(self, target: ClusterTarget) -> None:
        self.target = target
        self._client: Any = None
        self.cluster = ""

    async def __aenter__(self) -> ClusterAccess:
        self._client, self.cluster = make_client(self.target)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def read_log(self, namespace: str, pod: str, container: str, *, previous: bool, tail: int) -> str:
        """A container's log (raises ClusterConnectionError when the cluster cannot give it)."""
        try:
            return await pod_log(self._client, namespace, pod, container, previous=previous, tail_lines=tail)
        except Exception as exc:  # boundary: turned into a typed error the API answers with
            raise classify(exc, f"{self.cluster}: logs of {namespace}/{pod}/{container}") from exc

    async def review_token(self, token: str) -> ReviewedToken:
        """Who the cluster says a bearer token belongs to (TokenReview)."""
        return await review_token(self._client, token)
