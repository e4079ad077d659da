"""What failing containers say in their logs.

Detects: the decisive fatal line in the log of a container that crashes, restarts or is not ready:
missing configuration, connection refused/timeouts to host:port, DNS failures, permission denied,
a full disk, expired or untrusted certificates, out of memory, import/syntax errors, panics and
tracebacks, database refusals. A dependency named in the line (postgres:5432, an IP) is resolved to
its Service and pods, so the correlator can blame the dependency.
Evidence: the quoted log line with its file and line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubemedic.analyzers.applogs.classify import LogMatch, classify
from kubemedic.analyzers.applogs.patterns import SUMMARIES
from kubemedic.analyzers.applogs.resolve import Target, resolve
from kubemedic.analyzers.containers.grouping import Affected, group
from kubemedic.domain import Evidence, Finding
from kubemedic.state import ClusterState, ContainerStatus, Pod

SKIP_CATEGORIES = frozenset({"rbac"})  # reported by rbac_hints with the bindings checked


def read_log(state: ClusterState, pod: Pod, status: ContainerStatus) -> tuple[str, bool] | None:
    """The log that explains the failure: the previous instance's if it restarted, else the current one."""
    if status.restart_count > 0 or status.last_state.state == "terminated":
        text = state.logs(pod, status.name, previous=True)
        if text:
            return text, True
    text = state.logs(pod, status.name)
    return (text, False) if text else None


def failing(pod: Pod, status: ContainerStatus) -> bool:
    if pod.phase == "Succeeded":
        return False
    if status.state.state == "waiting" and status.state.reason in (
        "CrashLoopBackOff",
        "Error",
        "RunContainerError",
    ):
        return True
    if status.state.state == "terminated" and (status.state.exit_code or 0) != 0:
        return True
    return status.state.state == "running" and not status.ready


LogHit = tuple[Pod, ContainerStatus, LogMatch, bool, str]


def matches(state: ClusterState) -> list[LogHit]:
    """Every failing container's decisive log line, classified once per scan (shared with rbac_hints)."""
    return state.memo("applogs.matches", lambda: list(_matches(state)))


def _matches(state: ClusterState) -> Iterator[LogHit]:
    if not state.log_count:
        return
    for pod in state.troubled_pods:
        for status in pod.container_statuses:
            if not failing(pod, status):
                continue
            found = read_log(state, pod, status)
            if found is None:
                continue
            match = classify(found[0])
            if match is not None:
                yield pod, status, match, found[1], found[0]


def analyze(state: ClusterState) -> Iterator[Finding]:
    found: dict[str, tuple[LogMatch, bool, str]] = {}
    items: list[tuple[Pod, ContainerStatus, str]] = []
    for pod, status, match, previous, text in matches(state):
        if match.pattern.category in SKIP_CATEGORIES:
            continue
        found[f"{pod.name}/{status.name}"] = (match, previous, text)
        items.append((pod, status, match.pattern.name))
    for _, affected in group(state, items):
        pod, status = affected.first
        match, previous, text = found[f"{pod.name}/{status.name}"]
        yield _finding(state, affected, match, previous, text)


_HOST_WITH_PORT = r"(?<![\w.-])([A-Za-z][\w.-]*):{port}\b"


def _named_elsewhere(state: ClusterState, text: str, port: str, namespace: str) -> Target | None:
    """An app often logs `connecting to postgres:5432` and then fails on the resolved IP, which may be
    stale or a node-local address: the name it used is the dependency to blame."""
    pattern = re.compile(_HOST_WITH_PORT.format(port=re.escape(port)))
    for line in reversed(text.splitlines()[-200:]):
        for candidate in pattern.findall(line):
            target = resolve(state, candidate, port, namespace)
            if target.service is not None:
                return target
    return None


def _finding(state: ClusterState, affected: Affected, match: LogMatch, previous: bool, text: str) -> Finding:
    pod, status = affected.first
    host = match.capture("host", "host2")
    port = match.capture("port", "port2")
    target: Target | None = resolve(state, host, port, pod.namespace) if host else None
    if target is not None and target.service is None and not target.pods and port:
        target = _named_elsewhere(state, text, port, pod.namespace) or target
    target_text = target.text if target else "its dependency"
    detail = match.capture("detail", "detail2", "detail3", "detail4", "detail5", "db2")
    values = {
        "target": target_text,
        "host_text": f" ({host})" if host else "",
        "detail": detail,
        "detail_text": f" ({detail})" if detail else "",
        "user": match.capture("user"),
        "verb": match.capture("verb"),
        "resource": match.capture("resource"),
        "line_short": match.line[:160],
    }
    root_cause = match.pattern.explanation.format(**values)
    if target is not None:
        root_cause += target.status_text()
    suffix = ".previous" if previous else ""
    location = f"logs/{pod.namespace}/{pod.name}/{status.name}{suffix}.log:{match.line_number}"
    shown = target.service.name if target is not None and target.service is not None else host
    values["to_hostport"] = f" to {shown}:{port}" if host and port else ""
    what = SUMMARIES.get(match.pattern.name, match.pattern.name).format(**values)
    return Finding.for_object(
        affected.subject,
        severity=match.pattern.severity,
        category=match.pattern.category,
        title=f"{status.name}: {what} (log)",
        message=f"Container {status.name} of {affected.count_text()} fails; its "
        f"{'previous instance' if previous else 'log'} ends with: {match.line}",
        root_cause=root_cause,
        evidence=[Evidence.log(match.line, location, pod.ref)],
        remediation=match.pattern.remediation.format(**values),
        related=affected.related,
        depends_on=target.refs if target is not None else (),
    )
