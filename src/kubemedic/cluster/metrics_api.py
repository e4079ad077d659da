"""Pod and node usage from the metrics API (metrics.k8s.io/v1beta1 PodMetrics, NodeMetrics), one
list request per read.

lightkube ships no model for PodMetrics, so the request is built through its request builder with
a generic resource, as cluster/logs.py does for previous logs, and the JSON is read straight into
state.usage dataclasses. An item without a name or containers is skipped; what its quantities mean
is the collector's business.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from lightkube import AsyncClient
from lightkube.generic_resource import create_global_resource, create_namespaced_resource

from kubemedic.state.usage import ContainerUsage, NodeUsage, PodUsage

PodMetrics = create_namespaced_resource("metrics.k8s.io", "v1beta1", "PodMetrics", "pods")
NodeMetrics = create_global_resource("metrics.k8s.io", "v1beta1", "NodeMetrics", "nodes")


async def list_pod_metrics(client: AsyncClient, namespace: str | None = None) -> list[PodUsage]:
    """Every pod's current usage (all namespaces unless `namespace`); raises lightkube.ApiError when
    the metrics API answers with an error (e.g. 404: no metrics-server installed)."""
    generic = client._client
    request = generic.prepare_request("list", PodMetrics, namespace=namespace or "*")
    response = await generic.send(generic.build_adapter_request(request))  # type: ignore[no-untyped-call]
    generic.raise_for_status(response)  # type: ignore[no-untyped-call]
    # 5,000 pods are about 2 MB of JSON: parsed in a worker thread, so the watches on the event loop
    # go on meanwhile instead of stalling for the whole parse
    return await asyncio.to_thread(lambda: parse_pod_metrics(response.json()))


async def list_node_metrics(client: AsyncClient) -> list[NodeUsage]:
    """Every node's current usage; raises lightkube.ApiError like list_pod_metrics."""
    generic = client._client
    request = generic.prepare_request("list", NodeMetrics)
    response = await generic.send(generic.build_adapter_request(request))  # type: ignore[no-untyped-call]
    generic.raise_for_status(response)  # type: ignore[no-untyped-call]
    return parse_node_metrics(response.json())


def parse_node_metrics(body: object) -> list[NodeUsage]:
    """A NodeMetricsList body as NodeUsage items (items without a name or usage are left out)."""
    items = body.get("items") if isinstance(body, Mapping) else None
    out: list[NodeUsage] = []
    for item in items if isinstance(items, list) else []:
        meta = item.get("metadata") if isinstance(item, Mapping) else None
        usage = item.get("usage") if isinstance(item, Mapping) else None
        if not isinstance(meta, Mapping) or not meta.get("name") or not isinstance(usage, Mapping):
            continue
        out.append(
            NodeUsage(
                str(meta["name"]),
                str(item.get("timestamp") or ""),
                str(usage.get("cpu", "")),
                str(usage.get("memory", "")),
            )
        )
    return out


def parse_pod_metrics(body: object) -> list[PodUsage]:
    """A PodMetricsList body as PodUsage items (malformed items are left out)."""
    items = body.get("items") if isinstance(body, Mapping) else None
    out: list[PodUsage] = []
    for item in items if isinstance(items, list) else []:
        pod = _pod(item)
        if pod is not None:
            out.append(pod)
    return out


def _pod(item: Any) -> PodUsage | None:
    if not isinstance(item, Mapping):
        return None
    meta = item.get("metadata")
    if not isinstance(meta, Mapping) or not meta.get("name"):
        return None
    containers = []
    for c in item.get("containers") or []:
        usage = c.get("usage") if isinstance(c, Mapping) else None
        if not isinstance(usage, Mapping) or not c.get("name"):
            continue
        containers.append(
            ContainerUsage(str(c["name"]), str(usage.get("cpu", "")), str(usage.get("memory", "")))
        )
    return PodUsage(
        str(meta.get("namespace") or ""),
        str(meta["name"]),
        str(item.get("timestamp") or ""),
        tuple(containers),
    )
