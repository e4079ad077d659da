"""Analyzers of the workloads group. Add a module and list its `analyze` here."""

from kubemedic.analyzers.types import Analyzer
from kubemedic.analyzers.workloads import daemonsets, deployments, replicasets, statefulsets

ANALYZERS: tuple[Analyzer, ...] = (
    replicasets.analyze,
    deployments.analyze,
    statefulsets.analyze,
    daemonsets.analyze,
)
