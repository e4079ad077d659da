"""What an analyzer is: a pure function from a ClusterState to the findings it sees."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kubemedic.domain import Finding
from kubemedic.state import ClusterState

Analyzer = Callable[[ClusterState], Iterable[Finding]]
