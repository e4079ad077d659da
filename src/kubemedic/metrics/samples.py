"""A measured value at a moment, named by the series it belongs to: what collectors produce and the
series store keeps. Collectors (metrics.k8s.io, Prometheus, series derived from cluster state) hand
lists of Samples to a sink; the store downsamples and keeps them; the API and dataset export read
them back by SeriesId.
"""

from __future__ import annotations

from dataclasses import dataclass

# Metric names used by the built-in collectors (a Prometheus query keeps the name it is configured with).
MEMORY_BYTES = "memory_working_set_bytes"
CPU_CORES = "cpu_usage_cores"
RESTARTS = "restarts"
PENDING_PODS = "pending_pods"
UNAVAILABLE_REPLICAS = "unavailable_replicas"
# The default Prometheus queries of kubelet's volume stats, per namespace and persistentvolumeclaim.
PVC_USED_BYTES = "pvc_used_bytes"
PVC_CAPACITY_BYTES = "pvc_capacity_bytes"


@dataclass(frozen=True, slots=True, order=True)
class SeriesId:
    """Which series: `metric` of the object kind/namespace/name (container "" when not per container).

    kind is the Kubernetes kind the value is about ("Pod", "Node", "Deployment"), "Cluster" for a
    cluster-wide count, or "Query" for a configured Prometheus query (name = the query's name).
    """

    metric: str
    kind: str
    namespace: str
    name: str
    container: str = ""

    def key(self) -> str:
        """One stable string for storage and URLs: `metric|kind|namespace|name|container`."""
        return "|".join((self.metric, self.kind, self.namespace, self.name, self.container))

    @classmethod
    def from_key(cls, key: str) -> SeriesId:
        """The inverse of key(); raises ValueError naming the key when it has not five parts."""
        parts = key.split("|")
        if len(parts) != 5 or not parts[0]:
            raise ValueError(f"not a series key (metric|kind|namespace|name|container): {key!r}")
        return cls(*parts)


@dataclass(frozen=True, slots=True)
class Sample:
    series: SeriesId
    timestamp: float  # seconds since the epoch
    value: float
