"""metrics.k8s.io readings (PodUsage, NodeUsage) as Samples: what the series store keeps.

Pods give one memory and one CPU point per container (kind "Pod", the container named); nodes one
of each (kind "Node"). Points are stamped with the collector's clock at the reading (see collect.py
for why). A quantity that is not one is left out - the collector logs it.
"""

from __future__ import annotations

from collections.abc import Iterable

from kubemedic.metrics.quantity import quantity
from kubemedic.metrics.samples import CPU_CORES, MEMORY_BYTES, Sample, SeriesId
from kubemedic.state.usage import NodeUsage, PodUsage


def pod_samples(pods: Iterable[PodUsage], now: float) -> list[Sample]:
    out: list[Sample] = []
    for pod in pods:
        for c in pod.containers:
            for metric, text in ((MEMORY_BYTES, c.memory), (CPU_CORES, c.cpu)):
                value = _value(text)
                if value is not None:
                    out.append(Sample(SeriesId(metric, "Pod", pod.namespace, pod.name, c.name), now, value))
    return out


def node_samples(nodes: Iterable[NodeUsage], now: float) -> list[Sample]:
    out: list[Sample] = []
    for node in nodes:
        for metric, text in ((MEMORY_BYTES, node.memory), (CPU_CORES, node.cpu)):
            value = _value(text)
            if value is not None:
                out.append(Sample(SeriesId(metric, "Node", "", node.name), now, value))
    return out


def _value(text: str) -> float | None:
    try:
        return quantity(text)
    except ValueError:
        return None
