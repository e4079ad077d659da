"""HorizontalPodAutoscalers that cannot scale, or are pinned at their maximum.

Detects: ScalingActive=False (FailedGetResourceMetric, FailedGetPodsMetric, FailedGetExternalMetric,
InvalidMetricSourceType, ...) with the likely cause - a container of the target without a request
for a utilization metric, metrics-server missing, no metrics for the pods, no custom-metrics
adapter; AbleToScale=False; ScalingLimited=True/TooManyReplicas with current == maxReplicas for a
while; a scaleTargetRef that does not exist.
Evidence: the condition messages, the target's container resources, spec.scaleTargetRef.
Quiet: healthy conditions, ScalingDisabled (target scaled to 0), at minReplicas, briefly at max.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kubemedic.analyzers.workloads.fields import (
    condition_age,
    condition_text,
    human_duration_seconds,
    int_field,
)
from kubemedic.domain import Evidence, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, Condition, KubeObject, as_list, as_map, dig

PINNED_GRACE_SECONDS = 600
CORE_SCALABLE_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
QUIET_INACTIVE_REASONS = frozenset({"ScalingDisabled"})
METRICS_SERVER = ("Deployment", "kube-system", "metrics-server")


@dataclass(frozen=True, slots=True)
class MetricCause:
    """A phrase in a ScalingActive=False message and what it means."""

    pattern: re.Pattern[str]
    root_cause: str
    remediation: str
    blames_metrics_server: bool = False


METRIC_CAUSES: tuple[MetricCause, ...] = (
    MetricCause(
        re.compile(r"missing request for (?P<resource>[\w.-]+)(?: in container (?P<container>[\w.-]+))?"),
        "Utilization is a percentage of the request, and a container has no {resource} request, so the "
        "HPA cannot compute it and never scales.",
        "Set resources.requests.{resource} on every container of the target (sidecars included).",
    ),
    MetricCause(
        re.compile(
            r"^(?=.*(?:resource metrics API|pods\.metrics\.k8s\.io))"
            r"(?=.*(?:could not find the requested resource|currently unable|no such host|refused))"
        ),
        "The resource metrics API (metrics-server) is not installed or not answering.",
        "Install or fix metrics-server: `kubectl get apiservice v1beta1.metrics.k8s.io` and "
        "`kubectl -n kube-system logs deploy/metrics-server`.",
        blames_metrics_server=True,
    ),
    MetricCause(
        re.compile(r"no metrics returned|did not receive metrics|unable to fetch metrics"),
        "metrics-server returns no metrics for the target's pods (pods just started or not Ready, or "
        "metrics-server cannot scrape their kubelets).",
        "Check `kubectl top pods -l <target selector>` and metrics-server's logs.",
        blames_metrics_server=True,
    ),
    MetricCause(
        re.compile(r"(custom|external)\.metrics\.k8s\.io"),
        "No metrics adapter serves this custom/external metric, or the metric name or selector is wrong.",
        "Check the adapter (e.g. prometheus-adapter, KEDA): `kubectl get apiservice | grep metrics` and "
        "the metric name in spec.metrics.",
    ),
)
ROOT_NO_REQUEST = (
    "Container(s) {containers} of {kind} {target} set no {resource} request, and {resource} utilization is a "
    "percentage of the request, so the HPA cannot compute it and never scales."
)
FIX_NO_REQUEST = "Set resources.requests.{resource} on {containers} in the target's pod template."
FALLBACK_ROOT = "The HPA cannot read its metrics, so it keeps the current replica count."
FALLBACK_FIX = "Read `kubectl describe hpa {name}{ns}` and fix the metric source it names."
ROOT_MISSING_TARGET = (
    "spec.scaleTargetRef names {kind} {name}, which does not exist, so there is nothing to scale."
)
FIX_MISSING_TARGET = "Fix spec.scaleTargetRef or delete the HPA if the workload was removed."
ROOT_CANNOT_SCALE = "The HPA cannot read or update the target's scale subresource: {message}"
FIX_CANNOT_SCALE = "Check the target exists and supports /scale, and the controller's permissions."
ROOT_PINNED = (
    "Load needs more than maxReplicas ({max}) pods, so the HPA is capped and the extra load falls on the "
    "existing pods (latency, throttling, OOM)."
)
FIX_PINNED = (
    "Raise spec.maxReplicas if the cluster has room, or find why each pod handles less than before "
    "(slow dependency, regression)."
)


def analyze(state: ClusterState) -> Iterator[Finding]:
    for hpa in state.objects("HorizontalPodAutoscaler"):
        target_ref = as_map(hpa.spec.get("scaleTargetRef"))
        kind, name = str(target_ref.get("kind") or ""), str(target_ref.get("name") or "")
        target = state.get(kind, hpa.namespace, name)
        if target is None and (kind in CORE_SCALABLE_KINDS or state.objects(kind)):
            yield _missing_target(hpa, kind, name)
            continue
        conditions = {c.type: c for c in hpa.conditions()}
        related = [target.ref] if target else []
        yield from _inactive(state, hpa, conditions.get("ScalingActive"), target, related)
        able = conditions.get("AbleToScale")
        if able is not None and able.status == "False":
            yield Finding.for_object(
                hpa,
                severity=Severity.ERROR,
                category="autoscaling",
                title=f"{hpa.name}: cannot scale target - {able.reason}",
                message=able.message or able.reason,
                root_cause=ROOT_CANNOT_SCALE.format(message=able.message or able.reason),
                evidence=[Evidence.field("status.conditions[AbleToScale]", condition_text(able), hpa.ref)],
                remediation=FIX_CANNOT_SCALE,
                related=related,
            )
        yield from _pinned(state, hpa, conditions.get("ScalingLimited"), related)


def _missing_target(hpa: KubeObject, kind: str, name: str) -> Finding:
    return Finding.for_object(
        hpa,
        severity=Severity.ERROR,
        category="autoscaling",
        title=f"{hpa.name}: scale target {kind} {name} not found",
        message=f"The HPA targets {kind} {hpa.namespace}/{name}, which does not exist.",
        root_cause=ROOT_MISSING_TARGET.format(kind=kind, name=name),
        evidence=[Evidence.field("spec.scaleTargetRef", f"{kind}/{name}", hpa.ref)],
        remediation=FIX_MISSING_TARGET,
        related=[ObjectRef(kind, hpa.namespace, name)],
    )


def _inactive(
    state: ClusterState,
    hpa: KubeObject,
    cond: Condition | None,
    target: KubeObject | None,
    related: list[ObjectRef],
) -> Iterator[Finding]:
    if cond is None or cond.status != "False" or cond.reason in QUIET_INACTIVE_REASONS:
        return
    ns = f" -n {hpa.namespace}" if hpa.namespace else ""
    evidence = [Evidence.field("status.conditions[ScalingActive]", condition_text(cond), hpa.ref)]
    root, fix, depends_on = FALLBACK_ROOT, FALLBACK_FIX.format(name=hpa.name, ns=ns), []
    for cause in METRIC_CAUSES:
        match = cause.pattern.search(cond.message)
        if match is None:
            continue
        groups = {k: v or "" for k, v in match.groupdict().items()}
        root, fix = cause.root_cause.format(**groups), cause.remediation.format(**groups)
        if cause.blames_metrics_server:
            server = state.get(*METRICS_SERVER)
            depends_on = [server.ref] if server else []
        break
    missing = _containers_without_requests(hpa, target)
    if missing is not None and target is not None:
        resource, containers = missing
        names = ", ".join(containers)
        root = ROOT_NO_REQUEST.format(
            containers=names, kind=target.kind, target=target.name, resource=resource
        )
        fix = FIX_NO_REQUEST.format(containers=names, resource=resource)
        evidence.append(
            Evidence.field(
                f"spec.template.spec.containers[{containers[0]}].resources.requests.{resource}",
                "<not set>",
                target.ref,
            )
        )
    yield Finding.for_object(
        hpa,
        severity=Severity.ERROR,
        category="autoscaling",
        title=f"{hpa.name}: cannot compute replicas - {cond.reason}",
        message=cond.message or cond.reason,
        root_cause=root,
        evidence=evidence,
        remediation=fix,
        related=related,
        depends_on=depends_on,
    )


def _containers_without_requests(hpa: KubeObject, target: KubeObject | None) -> tuple[str, list[str]] | None:
    """(resource, containers) for the first Utilization metric some target container has no request for."""
    if target is None:
        return None
    containers = [as_map(c) for c in as_list(dig(target.pod_template(), "spec", "containers"))]
    for metric in as_list(hpa.spec.get("metrics")):
        metric = as_map(metric)
        source = as_map(metric.get("resource") or metric.get("containerResource"))
        if dig(source, "target", "type") != "Utilization" or not source.get("name"):
            continue
        resource = str(source["name"])
        only = source.get("container")
        missing = [
            str(c.get("name", ""))
            for c in containers
            if (not only or c.get("name") == only) and not dig(c, "resources", "requests", resource)
        ]
        if missing:
            return resource, missing
    return None


def _pinned(
    state: ClusterState, hpa: KubeObject, cond: Condition | None, related: list[ObjectRef]
) -> Iterator[Finding]:
    if cond is None or not cond.is_true or cond.reason != "TooManyReplicas":
        return
    maximum = int_field(hpa.spec, "maxReplicas")
    current = int_field(hpa.status, "currentReplicas")
    age = condition_age(state, cond)
    if current < maximum or age is None or age < PINNED_GRACE_SECONDS:
        return
    desired = int_field(hpa.status, "desiredReplicas", current)
    yield Finding.for_object(
        hpa,
        severity=Severity.WARNING,
        category="autoscaling",
        title=f"{hpa.name}: pinned at maxReplicas",
        message=f"At maxReplicas {maximum} for {human_duration_seconds(age)} (desired {desired}).",
        root_cause=ROOT_PINNED.format(max=maximum),
        evidence=[
            Evidence.field("status.conditions[ScalingLimited]", condition_text(cond), hpa.ref),
            Evidence.field("status.currentReplicas", f"{current} (maxReplicas {maximum})", hpa.ref),
        ],
        remediation=FIX_PINNED,
        related=related,
    )
