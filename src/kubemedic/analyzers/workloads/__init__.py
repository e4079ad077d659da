"""Analyzers of the workloads group. Add a module and list its `analyze` here."""

from kubemedic.analyzers.types import Analyzer
from kubemedic.analyzers.workloads import deployments

ANALYZERS: tuple[Analyzer, ...] = (deployments.analyze,)
