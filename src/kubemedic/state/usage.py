"""What metrics.k8s.io says pods use right now, as read from the cluster (PodMetrics).

Quantities stay the strings the API sent ("12345Ki", "250m", "1200000n"); whoever reads them turns
them into numbers and decides what an unreadable one means. Shared by the reader (cluster/) and the
collector (metrics/), which must not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ContainerUsage:
    name: str
    cpu: str  # cores as a Kubernetes quantity, e.g. "1200000n"
    memory: str  # working set as a Kubernetes quantity, e.g. "81401Ki"


@dataclass(frozen=True, slots=True)
class PodUsage:
    namespace: str
    name: str
    timestamp: str  # when the metrics were scraped (RFC 3339), "" when not given
    containers: tuple[ContainerUsage, ...]


@dataclass(frozen=True, slots=True)
class NodeUsage:
    """What metrics.k8s.io says a node uses right now (NodeMetrics), quantities as sent."""

    name: str
    timestamp: str
    cpu: str
    memory: str
