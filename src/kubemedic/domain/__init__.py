"""Domain types shared by every layer. Imports nothing else of ours."""

from kubemedic.domain.errors import (
    ClusterConnectionError,
    InputError,
    KubemedicError,
    ParseProblem,
    SnapshotError,
)
from kubemedic.domain.finding import Evidence, EvidenceSource, Finding, fingerprint
from kubemedic.domain.incident import Incident
from kubemedic.domain.refs import ObjectRef
from kubemedic.domain.severity import Severity

__all__ = [
    "ClusterConnectionError",
    "Evidence",
    "EvidenceSource",
    "Finding",
    "Incident",
    "InputError",
    "KubemedicError",
    "ObjectRef",
    "ParseProblem",
    "Severity",
    "SnapshotError",
    "fingerprint",
]
