"""Every analyzer kubemedic runs, group by group. Each group's __init__ lists its analyzers explicitly."""

from __future__ import annotations

from kubemedic.analyzers import applogs, config, containers, network, workloads
from kubemedic.analyzers.types import Analyzer

ANALYZERS: tuple[Analyzer, ...] = (
    *containers.ANALYZERS,
    *applogs.ANALYZERS,
    *workloads.ANALYZERS,
    *network.ANALYZERS,
    *config.ANALYZERS,
)


def analyzer_name(analyzer: Analyzer) -> str:
    """`pods.image_pull` for kubemedic.analyzers.pods.image_pull.analyze."""
    module = getattr(analyzer, "__module__", "") or ""
    return module.removeprefix("kubemedic.analyzers.")
