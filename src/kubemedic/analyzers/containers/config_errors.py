"""Containers the runtime cannot create or start.

Detects: CreateContainerConfigError (a referenced ConfigMap, Secret or key is missing, or a security
setting contradicts the image), CreateContainerError and RunContainerError (executable not found,
exec format error, permission denied, OCI runtime failures).
Evidence: the waiting state's message and the kubelet's Failed event for the container.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kubemedic.analyzers.containers.grouping import Affected, group
from kubemedic.domain import Evidence, EvidenceSource, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, ContainerStatus, Pod

REASONS = ("CreateContainerConfigError", "CreateContainerError", "RunContainerError", "ContainerCannotRun")


@dataclass(frozen=True, slots=True)
class StartCause:
    name: str
    pattern: re.Pattern[str]
    explanation: str
    remediation: str


CAUSES: tuple[StartCause, ...] = (
    StartCause(
        "missing-object",
        re.compile(r'(configmap|secret)s? "([^"]+)" not found', re.I),
        "The container reads a {kind} named {name} that does not exist in namespace {namespace}.",
        "Create it (`kubectl create {kind_lower} {name} -n {namespace} ...`) or fix the name in the "
        "pod template; "
        "mark the reference optional if the app can run without it.",
    ),
    StartCause(
        "missing-key",
        re.compile(r"couldn't find key (\S+) in (ConfigMap|Secret) ([\w.-]+)/([\w.-]+)", re.I),
        "The {kind} {name} exists but has no key {key}.",
        "Add the key (`kubectl edit {kind_lower} {name} -n {namespace}`) or fix the key name in the "
        "pod template.",
    ),
    StartCause(
        "run-as-root",
        re.compile(r"runAsNonRoot and image will run as root|non-numeric user", re.I),
        "securityContext.runAsNonRoot is set but the image's user is root (or not numeric), so the "
        "kubelet refuses "
        "to start it.",
        "Set securityContext.runAsUser to a non-zero UID, or build the image with a numeric non-root USER.",
    ),
    StartCause(
        "not-found-in-path",
        re.compile(r"executable file not found|no such file or directory", re.I),
        "The command or entrypoint does not exist in the image.",
        "Fix `command`/`args` in the pod template, or check the image really contains the binary.",
    ),
    StartCause(
        "exec-format",
        re.compile(r"exec format error", re.I),
        "The binary was built for another CPU architecture than the node's (e.g. arm64 image on amd64).",
        "Publish a multi-arch image, or schedule onto nodes of the image's architecture (nodeSelector "
        "kubernetes.io/arch).",
    ),
    StartCause(
        "permission",
        re.compile(r"permission denied", re.I),
        "The runtime was denied permission to start the process (not executable, or a "
        "read-only/noexec mount).",
        "Make the entrypoint executable in the image, or check securityContext and volume mount options.",
    ),
)
UNKNOWN = StartCause(
    "runtime",
    re.compile("$^"),
    "The container runtime could not create or start the container.",
    "Read the Failed event (`kubectl describe pod`) and the runtime's message.",
)


def classify(text: str) -> tuple[StartCause, re.Match[str] | None]:
    for cause in CAUSES:
        match = cause.pattern.search(text)
        if match:
            return cause, match
    return UNKNOWN, None


def analyze(state: ClusterState) -> Iterator[Finding]:
    items: list[tuple[Pod, ContainerStatus, str]] = []
    texts: dict[str, str] = {}
    for pod, status in state.waiting_containers(REASONS):
        text = _text(state, pod, status)
        key = f"{status.state.reason}|{text}"
        texts[key] = text
        items.append((pod, status, key))
    for key, affected in group(state, items):
        yield _finding(state, affected, texts[key])


def _text(state: ClusterState, pod: Pod, status: ContainerStatus) -> str:
    if status.state.message:
        return status.state.message
    event = state.latest_event(pod, reasons=("Failed",), field_path=status.field_path)
    return event.message.removeprefix("Error: ") if event else status.state.reason


def _finding(state: ClusterState, affected: Affected, text: str) -> Finding:
    pod, status = affected.first
    cause, match = classify(text)
    values = {"namespace": pod.namespace, "kind": "", "kind_lower": "", "name": "", "key": ""}
    related: list[ObjectRef] = list(affected.related)
    if match is not None and cause.name == "missing-object":
        kind = "ConfigMap" if match.group(1).lower().startswith("configmap") else "Secret"
        values.update(kind=kind, kind_lower=kind.lower(), name=match.group(2))
        related.append(ObjectRef(kind, pod.namespace, match.group(2)))
    elif match is not None and cause.name == "missing-key":
        values.update(
            key=match.group(1), kind=match.group(2), kind_lower=match.group(2).lower(), name=match.group(4)
        )
    reason = status.state.reason
    evidence = [
        Evidence(
            EvidenceSource.FIELD,
            f"{reason}: {text}",
            location=f"status.containerStatuses[{status.name}]",
            object=pod.ref,
        )
    ]
    event = state.latest_event(pod, reasons=("Failed",), field_path=status.field_path)
    if event is not None:
        evidence.append(event.evidence())
    category = "container-config" if reason == "CreateContainerConfigError" else "container-start"
    return Finding.for_object(
        affected.subject,
        severity=Severity.ERROR,
        category=category,
        title=f"{status.name}: {reason} - {text[:120]}",
        message=f"Container {status.name} of {affected.count_text()} cannot start: {text}.",
        root_cause=cause.explanation.format(**values),
        evidence=evidence,
        remediation=cause.remediation.format(**values),
        related=related,
    )
