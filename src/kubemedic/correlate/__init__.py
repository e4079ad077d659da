"""Correlation: a dependency graph over the cluster and incidents with one root cause each."""

from kubemedic.correlate.graph import DependencyGraph
from kubemedic.correlate.incidents import Correlated, correlate

__all__ = ["Correlated", "DependencyGraph", "correlate"]
