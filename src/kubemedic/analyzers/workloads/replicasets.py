"""Controllers that cannot create their pods.

Detects: FailedCreate events on ReplicaSets, StatefulSets, DaemonSets, Jobs and
ReplicationControllers that still miss pods - exceeded ResourceQuota, a quota that requires
requests/limits, LimitRange bounds, failing or denying admission webhooks, a missing
ServiceAccount, PodSecurity violations. Reported once per top owner (the Deployment rather than
its ReplicaSet) and cause.
Evidence: the latest FailedCreate event, which names the quota, limit, webhook or account.
Quiet: events about controllers that have since created all their pods, or no longer exist.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.analyzers.workloads.create_failures import CreateFailure, classify
from kubemedic.analyzers.workloads.fields import int_field, kubectl_ns
from kubemedic.domain import Finding, ObjectRef
from kubemedic.state import ClusterState, Event, KubeObject, as_list, as_map, dig

REASON = "FailedCreate"
CONTROLLER_KINDS = frozenset({"ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"})
WEBHOOK_CONFIG_KINDS = ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")


def analyze(state: ClusterState) -> Iterator[Finding]:
    latest: dict[tuple[str, str, str], Event] = {}
    for obj in state.events_with_reason(REASON):
        key = obj.involved.key
        if key[0] not in CONTROLLER_KINDS:
            continue
        previous = latest.get(key)
        if previous is None or _seen(obj) >= _seen(previous):
            latest[key] = obj
    reported: set[tuple[tuple[str, str, str], str]] = set()
    newest_first = sorted(latest.items(), key=lambda kv: (_seen(kv[1]), kv[0]), reverse=True)
    for key, event in newest_first:
        controller = state.get(*key)
        if controller is None or not _missing_pods(controller):
            continue
        top = state.top_owner(controller)
        failure = classify(event.message, ns=kubectl_ns(top.namespace), kind=top.kind, name=top.name)
        if (top.ref.key, failure.title) in reported:
            continue
        reported.add((top.ref.key, failure.title))
        yield _finding(state, top, controller, event, failure)


def _seen(event: Event) -> float:
    seen = event.last_seen
    return seen.timestamp() if seen else 0.0


def _missing_pods(controller: KubeObject) -> bool:
    """Does the controller still lack pods it wants? (Otherwise the event is history.)"""
    spec, status = controller.spec, controller.status
    if controller.kind == "DaemonSet":
        return int_field(status, "currentNumberScheduled") < int_field(status, "desiredNumberScheduled")
    if controller.kind == "Job":
        finished = any(c.is_true and c.type in ("Complete", "Failed") for c in controller.conditions())
        return not finished and int_field(status, "active") == 0
    return int_field(status, "replicas") < int_field(spec, "replicas", 1)


def _finding(
    state: ClusterState, top: KubeObject, controller: KubeObject, event: Event, failure: CreateFailure
) -> Finding:
    related, depends_on = _named_objects(state, controller.namespace, failure)
    if controller is not top:
        related.insert(0, controller.ref)
    times = f" ({event.count} times)" if event.count > 1 else ""
    return Finding.for_object(
        top,
        severity=failure.severity,
        category=failure.category,
        title=f"{top.name}: {failure.title}",
        message=f"{controller.kind} {controller.name} cannot create pods{times}: {event.message}",
        root_cause=failure.root_cause,
        evidence=[event.evidence()],
        remediation=failure.remediation,
        related=related,
        depends_on=depends_on,
    )


def _named_objects(
    state: ClusterState, ns: str, failure: CreateFailure
) -> tuple[list[ObjectRef], list[ObjectRef]]:
    """(related, depends_on): the quota, LimitRanges, webhook config and Service, ServiceAccount named."""
    related: list[ObjectRef] = []
    depends_on: list[ObjectRef] = []
    if failure.quota:
        quota = state.get("ResourceQuota", ns, failure.quota)
        related.append(quota.ref if quota else ObjectRef("ResourceQuota", ns, failure.quota))
        if quota is not None and failure.kind == "quota-exceeded":
            depends_on.append(quota.ref)
    if failure.kind.startswith("limitrange"):
        related.extend(lr.ref for lr in state.objects("LimitRange", ns))
    if failure.webhook:
        for config, service in _webhook_configs(state, failure.webhook):
            related.append(config.ref)
            if service is not None:
                svc = state.get("Service", service.namespace, service.name)
                related.append(svc.ref if svc else service)
                if svc is not None:
                    depends_on.append(svc.ref)
    if failure.service_account:
        related.append(ObjectRef("ServiceAccount", ns, failure.service_account))
    return related, depends_on


def _webhook_configs(state: ClusterState, webhook: str) -> Iterator[tuple[KubeObject, ObjectRef | None]]:
    """Webhook configurations holding a webhook of this name, with the Service it calls (if any)."""
    for kind in WEBHOOK_CONFIG_KINDS:
        for config in state.objects(kind):
            for hook in as_list(config.raw.get("webhooks")):
                hook = as_map(hook)
                if hook.get("name") != webhook:
                    continue
                svc = as_map(dig(hook, "clientConfig", "service"))
                ref = (
                    ObjectRef("Service", str(svc.get("namespace") or ""), str(svc["name"]))
                    if svc.get("name")
                    else None
                )
                yield config, ref
