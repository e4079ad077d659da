"""Pods that never start because an init container fails.

Detects: init containers waiting in CrashLoopBackOff / an error, or terminated with a non-zero exit
code, while the pod is stuck in Init.
Evidence: the init container's last termination (exit code and meaning) and its last log line.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.analyzers.containers.crash_loop import last_log_line
from kubemedic.analyzers.containers.exit_codes import explain_exit
from kubemedic.analyzers.containers.grouping import group
from kubemedic.domain import Evidence, EvidenceSource, Finding, Severity
from kubemedic.state import ClusterState, ContainerStatus, Pod


def _failing(status: ContainerStatus) -> bool:
    if status.state.state == "waiting" and status.state.reason in (
        "CrashLoopBackOff",
        "Error",
        "RunContainerError",
    ):
        return True
    return status.state.state == "terminated" and (status.state.exit_code or 0) != 0


def analyze(state: ClusterState) -> Iterator[Finding]:
    items: list[tuple[Pod, ContainerStatus, str]] = []
    for pod in state.troubled_pods:
        if pod.phase != "Pending":
            continue
        for status in pod.container_statuses:
            if status.init and _failing(status):
                items.append((pod, status, "init"))
                break
    for _, affected in group(state, items):
        pod, status = affected.first
        last = status.last_state if status.last_state.state == "terminated" else status.state
        evidence = [
            Evidence(
                EvidenceSource.FIELD,
                f"reason={last.reason or status.state.reason} exitCode={last.exit_code}",
                location=f"status.initContainerStatuses[{status.name}]",
                object=pod.ref,
            )
        ]
        line = last_log_line(state, pod, status.name)
        if line:
            evidence.append(line)
        yield Finding.for_object(
            affected.subject,
            severity=Severity.ERROR,
            category="init-container",
            title=f"init container {status.name} fails",
            message=(
                f"Init container {status.name} of {affected.count_text()} fails ({status.restart_count} "
                "restarts), "
                "so the app containers never start."
            ),
            root_cause=f"The init container {explain_exit(last.exit_code)}.",
            evidence=evidence,
            remediation=(
                f"`kubectl logs {pod.name} -n {pod.namespace} -c {status.name} --previous` shows why; "
                "init containers usually wait for a dependency or run a migration - fix that first."
            ),
            related=affected.related,
        )
