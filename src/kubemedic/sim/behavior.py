"""What simulated containers do: run, crash, get OOM-killed, fail to pull, fail probes.

Behaviour lives beside the API objects, never in them, so a diagnosis tool can only learn
about a fault from what a real cluster would show: statuses, events and logs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Behavior:
    """One container's script.

    mode: run | crash | oom | complete | fail | pull-notfound | pull-unauthorized
    run_seconds: how long an instance lives before it exits (crash, oom, complete, fail).
    logs: lines each instance writes when it starts; `{pod}`, `{namespace}`, `{ip}` are filled in.
    readiness / liveness: "ok" or "fail"; a failing probe is reported against the pod's probe spec.
    probe_error: "refused" (nothing listens) or "status" (HTTP 503).
    leak_after: a memory leak. The container's memory (as metrics.k8s.io reports it) stays near
        memory_mib for this many seconds after each start, then climbs linearly, with a little noise,
        to its memory limit, which it reaches when run_seconds is up (with mode oom: the OOM kill).
    cpu_at_limit: the container is CPU-bound: metrics.k8s.io reports its CPU at 95-100 % of its CPU
        limit (the kernel throttles it there), with no daily swing.
    """

    mode: str = "run"
    exit_code: int = 1
    run_seconds: float = 2.0
    logs: tuple[str, ...] = ()
    readiness: str = "ok"
    liveness: str = "ok"
    probe_error: str = "refused"
    cpu_millis: int = 5
    memory_mib: int = 24
    periodic_logs: tuple[str, ...] = ()
    leak_after: float | None = None
    cpu_at_limit: bool = False


@dataclass(frozen=True)
class BehaviorRule:
    namespace: str
    match_labels: Mapping[str, str]
    behavior: Behavior
    container: str | None = None

    def matches(self, namespace: str, labels: Mapping[str, str], container: str) -> bool:
        if namespace != self.namespace or (self.container is not None and container != self.container):
            return False
        return all(labels.get(k) == v for k, v in self.match_labels.items())


DEFAULT = Behavior()


@dataclass
class BehaviorBook:
    """The rules scenarios register; the last matching rule wins."""

    rules: list[BehaviorRule] = field(default_factory=list)

    def add(self, rule: BehaviorRule) -> None:
        self.rules.append(rule)

    def lookup(self, namespace: str, labels: Mapping[str, str], container: str) -> Behavior:
        for rule in reversed(self.rules):
            if rule.matches(namespace, labels, container):
                return rule.behavior
        return DEFAULT
