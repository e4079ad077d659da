"""Analyzers of the workloads group. Add a module and list its `analyze` here."""

from kubemedic.analyzers.types import Analyzer
from kubemedic.analyzers.workloads import (
    cronjobs,
    daemonsets,
    deployments,
    hpa,
    jobs,
    nodes,
    pdb,
    quotas,
    replicasets,
    statefulsets,
)

ANALYZERS: tuple[Analyzer, ...] = (
    nodes.analyze,
    quotas.analyze,
    replicasets.analyze,
    deployments.analyze,
    statefulsets.analyze,
    daemonsets.analyze,
    jobs.analyze,
    cronjobs.analyze,
    hpa.analyze,
    pdb.analyze,
)
