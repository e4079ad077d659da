"""Read a live cluster into a ClusterState, turning connection trouble into findings, not crashes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kubemedic.cluster.client import ClusterTarget, make_client
from kubemedic.cluster.fetch import AccessProblem, Progress, fetch_logs, fetch_objects, wanted_logs
from kubemedic.domain import ClusterConnectionError, Evidence, EvidenceSource, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, LogKey

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class LiveLoad:
    cluster: str
    state: ClusterState
    objects: list[dict[str, Any]]
    logs: dict[LogKey, str]
    access_problems: tuple[AccessProblem, ...]
    load_ms: float


async def load_live(
    target: ClusterTarget,
    *,
    clock: Clock,
    namespaces: frozenset[str] | None = None,
    with_logs: bool = True,
    progress: Progress | None = None,
) -> LiveLoad:
    """Raises ClusterConnectionError when the cluster is unreachable, InputError for a bad kubeconfig."""
    started = time.perf_counter()
    client, cluster = make_client(target)
    try:
        fetched = await fetch_objects(client, cluster=cluster, namespaces=namespaces, progress=progress)
        now = clock()
        state = ClusterState.build(fetched.objects, now=now, cluster=cluster)
        logs: dict[LogKey, str] = {}
        if with_logs:
            logs = await fetch_logs(client, wanted_logs(state), progress=progress)
            state = ClusterState.build(fetched.objects, now=now, logs=logs, cluster=cluster)
        state.build_indexes()
    finally:
        await client.close()
    load_ms = (time.perf_counter() - started) * 1000
    return LiveLoad(cluster, state, fetched.objects, logs, fetched.problems, load_ms)


def load_live_sync(target: ClusterTarget, **kwargs: Any) -> LiveLoad:
    return asyncio.run(load_live(target, **kwargs))


def connection_finding(cluster: str, error: ClusterConnectionError) -> Finding:
    """The cluster could not be read: this is the (only) finding of the scan."""
    return Finding(
        object=ObjectRef("Cluster", "", cluster or "current-context", cluster=cluster),
        severity=Severity.CRITICAL,
        category="cluster-access",
        title=f"cannot read the cluster ({error.reason})",
        message=str(error),
        root_cause=_ACCESS_HINTS.get(error.reason, "The API server did not answer as expected."),
        evidence=(Evidence(EvidenceSource.FIELD, str(error), location="api-server"),),
        remediation=_ACCESS_FIX.get(error.reason, "Check `kubectl cluster-info` with the same kubeconfig."),
        analyzer="cluster.access",
    )


def access_problem_finding(cluster: str, problem: AccessProblem) -> Finding:
    """One kind could not be listed: analyses that need it are blind, say so."""
    return Finding(
        object=ObjectRef("Cluster", "", cluster or "current-context", cluster=cluster),
        severity=Severity.WARNING,
        category="cluster-access",
        title=f"cannot list {problem.kind} ({problem.reason})",
        message=f"{problem.message}. Findings that need {problem.kind} objects may be missing.",
        root_cause=_ACCESS_HINTS.get(problem.reason, "The API server refused the request."),
        evidence=(Evidence(EvidenceSource.FIELD, problem.message, location=f"list {problem.kind}"),),
        remediation=_ACCESS_FIX.get(problem.reason, "Retry; check the API server's health."),
        analyzer="cluster.access",
    )


_ACCESS_HINTS = {
    "unreachable": "Nothing answered at the API server address: the cluster is down, the address is wrong, "
    "or a VPN/firewall is in the way.",
    "timeout": "The API server did not answer in time (overloaded, or the network drops packets).",
    "unauthorized": "The API server rejected the credentials: the token or certificate is expired or wrong.",
    "forbidden": "The credentials are valid but RBAC does not allow this read.",
}
_ACCESS_FIX = {
    "unreachable": "Check `kubectl cluster-info` with the same kubeconfig and context; check VPN/network.",
    "timeout": "Retry; check API server load (`kubectl get --raw /readyz?verbose`).",
    "unauthorized": "Refresh the credentials (re-login to the cloud provider or re-issue the token).",
    "forbidden": "Grant get/list/watch on this resource to the identity kubemedic uses "
    "(a read-only ClusterRole such as `view`, plus nodes and events).",
}
