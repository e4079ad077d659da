"""The scenario registry: every planted fault, listed explicitly."""

from __future__ import annotations

from kubemedic.sim.scenarios import (
    cpu_throttling,
    crashloop_config,
    cronjob_failing,
    dependency_chain,
    hpa_no_metrics,
    image_not_found,
    image_unauthorized,
    ingress_missing_service,
    job_backoff,
    liveness_failing,
    memory_leak,
    missing_configmap,
    missing_secret_key,
    netpol_blocks_dns,
    node_not_ready,
    oomkilled,
    pdb_blocking,
    pending_node_selector,
    pending_resources,
    pending_taint,
    quota_exhausted,
    readiness_wrong_port,
    rollout_stuck,
    service_no_endpoints,
    service_wrong_target_port,
    unbound_pvc,
)
from kubemedic.sim.scenarios.base import Scenario

SCENARIOS: tuple[Scenario, ...] = (
    crashloop_config.SCENARIO,
    oomkilled.SCENARIO,
    image_not_found.SCENARIO,
    image_unauthorized.SCENARIO,
    pending_resources.SCENARIO,
    pending_node_selector.SCENARIO,
    pending_taint.SCENARIO,
    unbound_pvc.SCENARIO,
    missing_configmap.SCENARIO,
    missing_secret_key.SCENARIO,
    readiness_wrong_port.SCENARIO,
    liveness_failing.SCENARIO,
    service_no_endpoints.SCENARIO,
    service_wrong_target_port.SCENARIO,
    ingress_missing_service.SCENARIO,
    job_backoff.SCENARIO,
    cronjob_failing.SCENARIO,
    node_not_ready.SCENARIO,
    hpa_no_metrics.SCENARIO,
    pdb_blocking.SCENARIO,
    quota_exhausted.SCENARIO,
    dependency_chain.SCENARIO,
    netpol_blocks_dns.SCENARIO,
    rollout_stuck.SCENARIO,
    memory_leak.SCENARIO,
)

# Faults only the metrics show (every status looks fine): run by name, and not among SCENARIOS, whose
# faults a scan of the objects must find.
METRIC_SCENARIOS: tuple[Scenario, ...] = (cpu_throttling.SCENARIO,)

BY_NAME: dict[str, Scenario] = {s.name: s for s in (*SCENARIOS, *METRIC_SCENARIOS)}


def get(name: str) -> Scenario:
    """The scenario called `name`; KeyError lists the known names."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(sorted(BY_NAME))}") from None


def names() -> list[str]:
    return list(BY_NAME)


__all__ = ["BY_NAME", "METRIC_SCENARIOS", "SCENARIOS", "Scenario", "get", "names"]
