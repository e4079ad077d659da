"""`kubemedic top`: what pods and nodes use right now, against what they asked for, and what is wrong.

The usage comes from metrics.k8s.io (PodMetrics, NodeMetrics); requests, limits, allocatable and
node conditions from the cluster's objects; the "anomaly" of a row from the findings of a live
analysis of the same cluster (an OOM kill, a crash loop, an anomaly) about the pod itself or any
workload that owns it. A row with nothing wrong has an empty anomaly: nothing is guessed from a
single reading.

`pod_rows` / `node_rows` are the pure join (tested on factory objects); `read_top` is the live read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from lightkube import ApiError

from kubemedic.cluster.client import ClusterTarget, make_client
from kubemedic.cluster.errors import classify
from kubemedic.cluster.metrics_api import list_node_metrics, list_pod_metrics
from kubemedic.domain import ClusterConnectionError, Finding, InputError, ObjectRef, Severity
from kubemedic.metrics.quantity import quantity
from kubemedic.service.live import Clock, load_live
from kubemedic.service.scan import scan_state
from kubemedic.state import ClusterState
from kubemedic.state.objects import KubeObject, as_map
from kubemedic.state.usage import NodeUsage, PodUsage
from kubemedic.store import Store

MIB = 2.0**20
STORE_PAGES = 20  # at most 20,000 open anomaly findings are read from a store
NODE_PRESSURES = ("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")


class MetricsUnavailableError(ClusterConnectionError):
    """The cluster answers, but its metrics API (metrics.k8s.io) does not: no metrics-server."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reason="metrics-unavailable")


class SortBy(StrEnum):
    cpu = "cpu"
    memory = "memory"


@dataclass(frozen=True, slots=True)
class ContainerTop:
    """One container's usage now. Sizes in millicores and MiB; a percentage is None when the
    container sets no request/limit for it (or its usage was unreadable)."""

    namespace: str
    pod: str
    container: str
    cpu_m: float | None
    memory_mi: float | None
    cpu_request_m: float | None
    cpu_limit_m: float | None
    memory_request_mi: float | None
    memory_limit_mi: float | None
    cpu_request_pct: float | None
    cpu_limit_pct: float | None
    memory_request_pct: float | None
    memory_limit_pct: float | None
    anomaly: str  # "" when kubemedic sees nothing wrong with the pod or its workload


@dataclass(frozen=True, slots=True)
class NodeTop:
    """One node's usage against its allocatable; `status` is "Ready" or names what is wrong."""

    name: str
    status: str  # "Ready", "NotReady", "Ready,MemoryPressure", "Ready,SchedulingDisabled", ...
    cpu_m: float | None  # None: no metrics for the node (a NotReady node has none)
    memory_mi: float | None
    cpu_allocatable_m: float | None
    memory_allocatable_mi: float | None
    cpu_pct: float | None
    memory_pct: float | None
    anomaly: str


@dataclass(frozen=True, slots=True)
class TopReading:
    cluster: str
    pods: tuple[ContainerTop, ...]
    nodes: tuple[NodeTop, ...]


def pod_rows(
    state: ClusterState,
    usage: Iterable[PodUsage],
    findings: Sequence[Finding],
    *,
    namespaces: frozenset[str] | None = None,
    sort_by: SortBy | None = None,
) -> tuple[ContainerTop, ...]:
    """A row per container with metrics, joined with its pod's spec (when the pod is in `state`)
    and with the findings about the pod or its owners, plus rows without usage for running pods
    with no metrics but with findings. Sorted by namespace and pod, or by usage
    (highest first) with `sort_by`."""
    by_object = _findings_by_object(findings)
    rows: list[ContainerTop] = []
    measured: set[tuple[str, str]] = set()
    for pod_usage in usage:
        if namespaces is not None and pod_usage.namespace not in namespaces:
            continue
        measured.add((pod_usage.namespace, pod_usage.name))
        pod = state.get("Pod", pod_usage.namespace, pod_usage.name)
        anomaly = _anomaly(by_object, _chain(state, pod)) if pod is not None else ""
        for c in pod_usage.containers:
            rows.append(_row(pod_usage.namespace, pod_usage.name, c.name, pod, c.cpu, c.memory, anomaly))
    # a pod in trouble often has no metrics (crash-looping, OOM-killed a moment ago): it is exactly
    # the one to show, so it gets rows without usage rather than vanishing as in `kubectl top`
    for pod in state.pods():
        if (pod.namespace, pod.name) in measured or pod.is_finished:
            continue
        if namespaces is not None and pod.namespace not in namespaces:
            continue
        anomaly = _anomaly(by_object, _chain(state, pod))
        if anomaly:
            rows.extend(_row(pod.namespace, pod.name, c.name, pod, "", "", anomaly) for c in pod.containers())
    rows.sort(key=lambda r: (r.namespace, r.pod, r.container))
    if sort_by is SortBy.cpu:
        rows.sort(key=lambda r: -(r.cpu_m or 0.0))
    elif sort_by is SortBy.memory:
        rows.sort(key=lambda r: -(r.memory_mi or 0.0))
    return tuple(rows)


def _row(
    namespace: str,
    pod_name: str,
    container: str,
    pod: KubeObject | None,
    cpu_text: str,
    memory_text: str,
    anomaly: str,
) -> ContainerTop:
    """One container's row: usage quantities ("" when unmeasured) against its pod spec's resources."""
    resources = _resources(pod, container)
    cpu, memory = _milli(cpu_text), _mib(memory_text)
    cpu_req, cpu_lim = _milli(_get(resources, "requests", "cpu")), _milli(_get(resources, "limits", "cpu"))
    mem_req, mem_lim = _mib(_get(resources, "requests", "memory")), _mib(_get(resources, "limits", "memory"))
    return ContainerTop(
        namespace,
        pod_name,
        container,
        cpu,
        memory,
        cpu_req,
        cpu_lim,
        mem_req,
        mem_lim,
        _pct(cpu, cpu_req),
        _pct(cpu, cpu_lim),
        _pct(memory, mem_req),
        _pct(memory, mem_lim),
        anomaly,
    )


def node_rows(
    state: ClusterState,
    usage: Iterable[NodeUsage],
    findings: Sequence[Finding],
    *,
    sort_by: SortBy | None = None,
) -> tuple[NodeTop, ...]:
    """A row per node in `state` (with or without metrics) and per node only the metrics know."""
    by_name = {u.name: u for u in usage}
    by_object = _findings_by_object(findings)
    rows: list[NodeTop] = []
    nodes = {n.name: n for n in state.objects("Node")}
    for name in sorted(nodes.keys() | by_name.keys()):
        node = nodes.get(name)
        used = by_name.get(name)
        allocatable = as_map(node.status.get("allocatable")) if node is not None else {}
        cpu = _milli(used.cpu) if used is not None else None
        memory = _mib(used.memory) if used is not None else None
        cpu_alloc = _milli(str(allocatable.get("cpu") or ""))
        mem_alloc = _mib(str(allocatable.get("memory") or ""))
        rows.append(
            NodeTop(
                name,
                _node_status(node) if node is not None else "Unknown",
                cpu,
                memory,
                cpu_alloc,
                mem_alloc,
                _pct(cpu, cpu_alloc),
                _pct(memory, mem_alloc),
                _anomaly(by_object, [node]) if node is not None else "",
            )
        )
    if sort_by is SortBy.cpu:
        rows.sort(key=lambda r: -(r.cpu_m or 0.0))
    elif sort_by is SortBy.memory:
        rows.sort(key=lambda r: -(r.memory_mi or 0.0))
    return tuple(rows)


def _node_status(node: KubeObject) -> str:
    """kubectl's STATUS (Ready / NotReady / Unknown, SchedulingDisabled) plus any pressure."""
    ready = node.condition("Ready")
    if ready is None or ready.status == "Unknown":
        parts = ["Unknown"]
    else:
        parts = ["Ready" if ready.is_true else "NotReady"]
    parts += [t for t in NODE_PRESSURES if node.condition_true(t)]
    if node.spec.get("unschedulable"):
        parts.append("SchedulingDisabled")
    return ",".join(parts)


def _chain(state: ClusterState, pod: KubeObject) -> list[KubeObject]:
    """The pod and every object that owns it (ReplicaSet, Deployment, Job, CronJob, ...)."""
    return [pod, *state.owner_chain(pod)]


def _key(ref: ObjectRef) -> tuple[str, str, str]:
    return (ref.kind, ref.namespace, ref.name)


def _findings_by_object(findings: Sequence[Finding]) -> dict[tuple[str, str, str], list[Finding]]:
    out: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        if f.severity >= Severity.WARNING:
            out.setdefault(_key(f.object), []).append(f)
    return out


def _anomaly(by_object: dict[tuple[str, str, str], list[Finding]], objects: Sequence[KubeObject]) -> str:
    """The titles of the warning-or-worse findings about `objects`, the most severe first."""
    found = [f for o in objects for f in by_object.get(_key(o.ref), [])]
    found.sort(key=lambda f: -f.severity.rank)
    titles = dict.fromkeys(f.title for f in found)
    return "; ".join(titles)


def _resources(pod: KubeObject | None, container: str) -> dict[str, object]:
    if pod is None:
        return {}
    for c in pod.spec.get("containers") or []:
        if isinstance(c, dict) and c.get("name") == container:
            return dict(as_map(c.get("resources")))
    return {}


def _get(resources: dict[str, object], section: str, name: str) -> str:
    return str(as_map(resources.get(section)).get(name) or "")


def _milli(text: str) -> float | None:
    """CPU cores as millicores; None for a missing or unreadable quantity."""
    value = _quantity(text)
    return None if value is None else value * 1000


def _mib(text: str) -> float | None:
    value = _quantity(text)
    return None if value is None else value / MIB


def _quantity(text: str) -> float | None:
    if not text:
        return None
    try:
        return quantity(text)
    except ValueError:
        return None


def _pct(used: float | None, of: float | None) -> float | None:
    if used is None or not of:
        return None
    return round(used / of * 100, 1)


async def read_top(
    target: ClusterTarget,
    *,
    clock: Clock,
    namespaces: frozenset[str] | None = None,
    nodes: bool = False,
    sort_by: SortBy | None = None,
    store_url: str | None = None,
) -> TopReading:
    """Read metrics, objects and findings from a live cluster and join them; with `store_url`,
    also the open anomaly findings a `kubemedic serve` stored for this cluster (its detectors
    need a history of readings that one `top` does not have).

    Raises MetricsUnavailableError when metrics.k8s.io answers 404/503 (no metrics-server),
    ClusterConnectionError when the cluster cannot be read, InputError for a bad kubeconfig.
    """
    client, cluster = make_client(target)
    what = "NodeMetrics" if nodes else "PodMetrics"
    try:
        node_usage = await list_node_metrics(client) if nodes else []
        single_ns = next(iter(namespaces)) if namespaces and len(namespaces) == 1 else None
        pod_usage = [] if nodes else await list_pod_metrics(client, single_ns)
    except ApiError as exc:
        code = exc.status.code or 0
        if code in (404, 503):
            raise MetricsUnavailableError(
                f"{cluster}: metrics-server is not installed or not ready "
                f"(metrics.k8s.io {what} answered {code}: {exc.status.message or exc})"
            ) from exc
        raise classify(exc, f"{cluster}: {what}") from exc
    except Exception as exc:  # boundary: transport trouble becomes the typed connection error
        raise classify(exc, f"{cluster}: {what}") from exc
    finally:
        await client.close()
    live = await load_live(target, clock=clock, namespaces=None if nodes else namespaces, with_logs=False)
    findings = list(scan_state(live.state).findings)
    if store_url is not None:
        findings += await stored_anomalies(store_url, cluster)
    if nodes:
        return TopReading(cluster, (), node_rows(live.state, node_usage, findings, sort_by=sort_by))
    rows = pod_rows(live.state, pod_usage, findings, namespaces=namespaces, sort_by=sort_by)
    return TopReading(cluster, rows, ())


def read_top_sync(
    target: ClusterTarget,
    *,
    clock: Clock,
    namespaces: frozenset[str] | None = None,
    nodes: bool = False,
    sort_by: SortBy | None = None,
    store_url: str | None = None,
) -> TopReading:
    return asyncio.run(
        read_top(
            target, clock=clock, namespaces=namespaces, nodes=nodes, sort_by=sort_by, store_url=store_url
        )
    )


async def stored_anomalies(url: str, cluster: str) -> list[Finding]:
    """The open `anomaly` findings stored for `cluster`. Raises InputError for a bad URL or a
    database that cannot be read (the message names the database, not its credentials)."""
    out: list[Finding] = []
    cursor: str | None = None
    try:
        async with Store.open(url) as store:
            for _ in range(STORE_PAGES):
                page = await store.findings(
                    cluster=cluster, category="anomaly", status="open", limit=1000, cursor=cursor
                )
                out += [s.finding for s in page.items]
                cursor = page.next_cursor
                if cursor is None:
                    break
    except InputError:
        raise
    except Exception as exc:  # boundary: a store that cannot be read is the user's input to fix
        raise InputError(f"cannot read anomalies from the store: {type(exc).__name__}: {exc}") from exc
    return out
