"""Which kind of problem explains which: a lower rank is closer to the root of a failure chain.

When one object has several findings (its pods crash-loop, its Deployment is unavailable, a
ConfigMap it needs is missing), the finding with the lowest rank is the incident's root cause.
"""

from __future__ import annotations

from kubemedic.domain import Finding

CAUSE_RANK: dict[str, int] = {
    "cluster-access": 0,
    "node": 0,
    "storage": 1,
    "config-reference": 1,
    "quota": 1,
    "webhook": 1,
    "rbac": 2,
    "network-policy": 2,
    "image-pull": 2,
    "oom": 2,
    "app-config": 2,
    "permission": 2,
    "disk-full": 2,
    "tls": 2,
    "container-config": 2,
    "container-start": 2,
    "scheduling": 2,
    "volume-mount": 2,
    "sandbox": 2,
    "dns": 3,
    "app-crash": 3,
    "eviction": 3,
    "init-container": 3,
    "crash-loop": 4,
    "terminating": 4,
    "connectivity": 5,
    "probe": 5,
    "job": 5,
    "autoscaling": 6,
    "rollout": 6,
    "workload": 7,
    "service": 7,
    "ingress": 8,
    "disruption-budget": 9,
    "unused": 10,
}
DEFAULT_RANK = 6


def cause_order(finding: Finding) -> tuple[int, int, int, str]:
    """Sort key: the most fundamental, most severe, best-evidenced finding first."""
    blames_other = 1 if finding.depends_on else 0
    rank = CAUSE_RANK.get(finding.category, DEFAULT_RANK)
    return (rank + 3 * blames_other, -finding.severity.rank, -len(finding.evidence), finding.id)
