"""What the metrics watch asks of a detector that reads Samples (throttling, restart storms,
anomalies on derived and queried series): feed it a reading, ask its current findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from kubemedic.domain import Finding
from kubemedic.metrics.samples import Sample
from kubemedic.state import ClusterState


class SampleDetector(Protocol):
    def observe(self, samples: Sequence[Sample], state: ClusterState, now: float) -> list[Finding]:
        """One reading's samples (each detector picks the series it reads); the new alarms."""
        ...

    def findings(self, now: float) -> tuple[Finding, ...]:
        """The alarms still current at `now`."""
        ...
