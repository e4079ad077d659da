"""Pods whose image cannot be pulled.

Detects: ErrImagePull / ImagePullBackOff / InvalidImageName waiting states. A pod still pulling
(ContainerCreating) is normal, and so is one transient network error on a pod under a minute old;
a definite answer (tag not found, credentials refused) is reported at once.
Evidence: the kubelet's Failed event for the container, which says whether the tag does not exist,
the registry refused the credentials, the registry could not be reached, or it rate-limited us.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kubemedic.analyzers.containers.grouping import Affected, group
from kubemedic.domain import Evidence, EvidenceSource, Finding, Severity
from kubemedic.state import ClusterState, ContainerStatus, Event, Pod

PULL_REASONS = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull")
GRACE_S = 60


@dataclass(frozen=True, slots=True)
class PullCause:
    name: str
    pattern: re.Pattern[str]
    explanation: str
    remediation: str


CAUSES: tuple[PullCause, ...] = (
    PullCause(
        "invalid-name",
        re.compile(r"InvalidImageName|invalid reference format|couldn't parse image", re.I),
        "The image reference is not a valid name (a typo, an uppercase letter, a stray space or colon).",
        "Correct the image string in the pod template.",
    ),
    PullCause(
        "unauthorized",
        re.compile(
            r"unauthorized|authentication required|authorization failed|pull access denied|"
            r"no basic auth credentials|denied: |403 Forbidden|401 Unauthorized|insufficient_scope",
            re.I,
        ),
        "The registry refused to serve the image to this cluster: credentials are missing, wrong or expired, "
        "or the repository is private.",
        "Create a docker-registry Secret (`kubectl create secret docker-registry ...`) and reference it in "
        "imagePullSecrets (or on the ServiceAccount); check the repository's access rights.",
    ),
    PullCause(
        "rate-limited",
        re.compile(r"toomanyrequests|429 Too Many Requests|rate limit", re.I),
        "The registry rate-limited pulls from this cluster.",
        "Authenticate pulls (higher limits), use a pull-through cache or mirror, or retry later.",
    ),
    PullCause(
        "network",
        re.compile(
            r"dial tcp|i/o timeout|no such host|connection refused|TLS handshake|x509|network is unreachable|"
            r"context deadline exceeded|EOF",
            re.I,
        ),
        "The node could not reach the registry (DNS, firewall, proxy or TLS problem), so the pull failed "
        "before the registry could answer.",
        "From a node, check DNS and connectivity to the registry host; check proxy/egress rules and the "
        "registry's certificate.",
    ),
    PullCause(
        "not-found",
        re.compile(r"not found|manifest unknown|repository does not exist|NotFound|name unknown", re.I),
        "The image or this tag does not exist in the registry (a typo, or the tag was never pushed).",
        "Check the tag exists (`crane ls` / `docker manifest inspect`), push it, or fix the tag in the "
        "pod template.",
    ),
    PullCause(
        "never-pull",
        re.compile(r"ErrImageNeverPull|imagePullPolicy is Never", re.I),
        "imagePullPolicy is Never and the image is not present on the node.",
        "Use imagePullPolicy IfNotPresent, or pre-load the image onto the nodes.",
    ),
)
UNKNOWN = PullCause(
    "unknown",
    re.compile("$^"),
    "The image pull fails; the kubelet's event did not say why.",
    "Run `kubectl describe pod` and read the Failed event.",
)


def classify_pull_failure(text: str) -> PullCause:
    for cause in CAUSES:
        if cause.pattern.search(text):
            return cause
    return UNKNOWN


def analyze(state: ClusterState) -> Iterator[Finding]:
    items: list[tuple[Pod, ContainerStatus, str]] = []
    for pod, status in state.waiting_containers(PULL_REASONS):
        cause = classify_pull_failure(_failure_text(state, pod, status))
        age = state.age_seconds(pod.created)
        first_try = status.state.reason == "ErrImagePull" and cause.name in (
            "network",
            "rate-limited",
            "unknown",
        )
        if first_try and age is not None and age < GRACE_S:
            continue  # one transient failure on a young pod: the kubelet retries
        items.append((pod, status, cause.name))
    for name, affected in group(state, items):
        yield _finding(state, affected, next((c for c in CAUSES if c.name == name), UNKNOWN))


def _failure_text(state: ClusterState, pod: Pod, status: ContainerStatus) -> str:
    event = _pull_event(state, pod, status)
    return " ".join(filter(None, [event.message if event else "", status.state.reason, status.state.message]))


def _pull_event(state: ClusterState, pod: Pod, status: ContainerStatus) -> Event | None:
    for event in reversed(state.events_for(pod)):
        if event.reason in ("Failed", "InspectFailed", "ErrImageNeverPull") and (
            not event.field_path or event.field_path == status.field_path
        ):
            if "ImagePullBackOff" in event.message and event.message.startswith("Error:"):
                continue  # "Error: ImagePullBackOff" repeats the state; look for the pull error itself
            return event
    return None


def _finding(state: ClusterState, affected: Affected, cause: PullCause) -> Finding:
    pod, status = affected.first
    evidence: list[Evidence] = []
    event = _pull_event(state, pod, status)
    if event is not None:
        evidence.append(event.evidence())
    evidence.append(
        Evidence(
            EvidenceSource.FIELD,
            f"{status.state.reason}: {status.state.message or status.image}",
            location=f"status.containerStatuses[{status.name}].state.waiting",
            object=pod.ref,
        )
    )
    remediation = cause.remediation
    if cause.name == "unauthorized":
        secrets = [str(s.get("name")) for s in pod.spec.get("imagePullSecrets") or [] if isinstance(s, dict)]
        remediation += (
            f" The pod uses imagePullSecrets {', '.join(secrets)}: check they hold valid credentials for "
            "this registry."
            if secrets
            else " The pod has no imagePullSecrets."
        )
    spec = pod.container(status.name)
    image = (spec.image if spec else "") or status.image
    return Finding.for_object(
        affected.subject,
        severity=Severity.ERROR,
        category="image-pull",
        title=f"{status.name}: cannot pull image {image} ({cause.name})",
        message=f"Container {status.name} of {affected.count_text()} cannot start: pulling {image} fails "
        f"({status.state.reason}).",
        root_cause=cause.explanation,
        evidence=evidence,
        remediation=remediation,
        related=affected.related,
    )
