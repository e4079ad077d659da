"""Analyzers of the workloads group. Add a module and list its `analyze` here."""

from kubemedic.analyzers.types import Analyzer
from kubemedic.analyzers.workloads import deployments, replicasets

ANALYZERS: tuple[Analyzer, ...] = (
    replicasets.analyze,
    deployments.analyze,
)
