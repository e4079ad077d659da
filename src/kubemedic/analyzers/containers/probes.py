"""Readiness, liveness and startup probes that fail.

Detects: containers that run but are not Ready, or are restarted (also while in CrashLoopBackOff),
because a probe fails (kubelet Unhealthy events); a probe aimed at a port the container does not
declare (or a named port that does not exist) is named as the root cause; otherwise the failure
text is classified: connection refused (nothing listens there), timeout (the app is slow), an HTTP
status (the endpoint answers with an error).
Evidence: the latest Unhealthy event, the probe's target and the container's declared ports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubemedic.analyzers.containers.grouping import Affected, group
from kubemedic.domain import Evidence, EvidenceSource, Finding, Severity
from kubemedic.state import ClusterState, ContainerSpec, ContainerStatus, Event, Pod, as_map

_KIND = re.compile(r"^(Readiness|Liveness|Startup) probe", re.I)
_STATUS = re.compile(r"statuscode: (\d{3})", re.I)


def analyze(state: ClusterState) -> Iterator[Finding]:
    items: list[tuple[Pod, ContainerStatus, str]] = []
    events: dict[tuple[str, str], Event] = {}
    for pod in state.troubled_pods:
        if pod.phase not in ("Running", "Pending"):
            continue
        for status, kind, event in _probes_of(state, pod):
            events[(pod.name, status.name)] = event
            items.append((pod, status, kind))
    for kind, affected in group(state, items):
        pod, status = affected.first
        yield _finding(affected, kind, events[(pod.name, status.name)])


def _probes_of(state: ClusterState, pod: Pod) -> list[tuple[ContainerStatus, str, Event]]:
    """Per pod, kept while the pod object and its list of events stay the same ones."""
    found: list[tuple[ContainerStatus, str, Event]] = pod.memo_on(
        "probes", (state.events_for(pod),), lambda: _failing_probes(state, pod)
    )
    return found


def _failing_probes(state: ClusterState, pod: Pod) -> list[tuple[ContainerStatus, str, Event]]:
    found: list[tuple[ContainerStatus, str, Event]] = []
    for status in pod.container_statuses:
        if status.init:
            continue
        restarting = status.state.state == "waiting" and status.state.reason == "CrashLoopBackOff"
        if status.state.state != "running" and not restarting:
            continue
        event = state.latest_event(pod, reasons=("Unhealthy",), field_path=status.field_path)
        if event is None:
            continue
        kind_match = _KIND.match(event.message)
        kind = kind_match.group(1).lower() if kind_match else "readiness"
        if kind == "readiness" and (status.ready or restarting):
            continue
        if kind == "liveness" and status.restart_count == 0 and status.ready:
            continue
        found.append((status, kind, event))
    return found


def _finding(affected: Affected, kind: str, event: Event) -> Finding:
    pod, status = affected.first
    spec = pod.container(status.name)
    probe = spec.probe(kind) if spec else {}
    port_problem = _port_mismatch(spec, probe) if spec else ""
    cause = port_problem or _classify(event.message)
    evidence = [event.evidence()]
    target = _target(probe)
    if target:
        evidence.append(
            Evidence(
                EvidenceSource.FIELD,
                f"{kind}Probe: {target}",
                location=f"spec.containers[{status.name}].{kind}Probe",
                object=pod.ref,
            )
        )
    if spec is not None:
        declared = sorted(spec.port_numbers())
        evidence.append(
            Evidence.field(
                f"spec.containers[{status.name}].ports", ", ".join(map(str, declared)) or "none", pod.ref
            )
        )
    effect = (
        "is restarted"
        if kind == "liveness"
        else ("is not started" if kind == "startup" else "receives no traffic")
    )
    return Finding.for_object(
        affected.subject,
        severity=Severity.ERROR if kind == "liveness" or not status.ready else Severity.WARNING,
        category="probe",
        title=f"{status.name}: {kind} probe failing",
        message=(
            f"The {kind} probe of container {status.name} fails on {affected.count_text()}, so it {effect}."
        ),
        root_cause=cause,
        evidence=evidence,
        remediation=(
            "Point the probe at the port the app listens on."
            if port_problem
            else "Check the endpoint by hand (`kubectl exec` / `kubectl port-forward`), then fix "
            "the app or the "
            "probe (path, port, timeoutSeconds, initialDelaySeconds or a startupProbe for "
            "slow starts)."
        ),
        related=affected.related,
    )


def _target(probe: dict[str, object] | object) -> str:
    p = as_map(probe)
    http = as_map(p.get("httpGet"))
    if http:
        return f"HTTP GET {http.get('path', '/')} on port {http.get('port')}"
    tcp = as_map(p.get("tcpSocket"))
    if tcp:
        return f"TCP port {tcp.get('port')}"
    grpc = as_map(p.get("grpc"))
    if grpc:
        return f"gRPC port {grpc.get('port')}"
    if p.get("exec"):
        return "exec command"
    return ""


def _port_mismatch(spec: ContainerSpec, probe: object) -> str:
    p = as_map(probe)
    port = (
        as_map(p.get("httpGet")).get("port")
        or as_map(p.get("tcpSocket")).get("port")
        or as_map(p.get("grpc")).get("port")
    )
    if port is None:
        return ""
    declared = spec.port_numbers()
    names = spec.port_names()
    if isinstance(port, str) and not port.isdigit():
        if port not in names:
            return (
                f"The probe uses the named port {port!r}, which the container does not define (it defines "
                f"{', '.join(names) or 'none'})."
            )
        return ""
    number = int(port)
    if declared and number not in declared:
        return (
            f"The probe checks port {number} but the container only declares "
            f"{', '.join(str(d) for d in sorted(declared))}: it probes a port nothing listens "
            "on."
        )
    return ""


def _classify(message: str) -> str:
    lower = message.lower()
    if "connection refused" in lower:
        return (
            "Nothing accepts connections on the probed port: the app is not listening there (yet), or "
            "crashed."
        )
    if "timeout" in lower or "deadline exceeded" in lower:
        return (
            "The probe timed out: the app is too slow to answer (overloaded, blocked, or timeoutSeconds "
            "is too short)."
        )
    code = _STATUS.search(message)
    if code:
        return (
            f"The endpoint answers HTTP {code.group(1)}: the app reports itself unhealthy, or the path is "
            "wrong."
        )
    return "The probe fails; the kubelet's event quotes the probe's output."
