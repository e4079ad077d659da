"""Pods stuck before their containers start: volumes that will not mount, sandboxes that fail.

Detects: pods scheduled to a node but still creating containers for more than two minutes, with
FailedMount / FailedAttachVolume / FailedMapVolume (volume-mount) or FailedCreatePodSandBox (the CNI
could not set up networking: sandbox); a generic finding when no event says why.
Evidence: the latest of those kubelet/attach-detach events.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubemedic.domain import Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, Pod

STUCK_S = 120
VOLUME_REASONS = ("FailedMount", "FailedAttachVolume", "FailedMapVolume")
SANDBOX_REASONS = ("FailedCreatePodSandBox", "FailedKillPodSandBox")
_MISSING = re.compile(r'(configmap|secret|persistentvolumeclaim)s? "([^"]+)" not found', re.I)


def _creating(pod: Pod) -> bool:
    if pod.phase != "Pending" or not pod.node_name or pod.deletion_timestamp is not None:
        return False
    statuses = pod.container_statuses
    return not statuses or any(s.state.reason in ("ContainerCreating", "PodInitializing") for s in statuses)


def analyze(state: ClusterState) -> Iterator[Finding]:
    for pod in state.troubled_pods:
        if not _creating(pod):
            continue
        age = state.age_seconds(pod.created)
        if age is not None and age < STUCK_S:
            continue
        volume = state.latest_event(pod, reasons=VOLUME_REASONS)
        sandbox = state.latest_event(pod, reasons=SANDBOX_REASONS)
        subject = state.top_owner(pod)
        related = (pod.ref,) if subject is not pod else ()
        if volume is not None:
            missing = _MISSING.search(volume.message)
            extra: tuple[ObjectRef, ...] = ()
            if missing:
                kind = {"configmap": "ConfigMap", "secret": "Secret"}.get(
                    missing.group(1).lower(), "PersistentVolumeClaim"
                )
                extra = (ObjectRef(kind, pod.namespace, missing.group(2)),)
            yield Finding.for_object(
                subject,
                severity=Severity.ERROR,
                category="volume-mount",
                title=f"volume cannot be mounted ({volume.reason})",
                message=(
                    f"Pod {pod.name} has been waiting for its volumes on node {pod.node_name}: "
                    f"{volume.message}"
                ),
                root_cause=_volume_cause(volume.message),
                evidence=[volume.evidence()],
                remediation="Fix what the event names: create the missing ConfigMap/Secret/PVC, or for "
                "Multi-Attach errors wait for (or force) the old pod's node to release the volume; "
                "`kubectl describe pod` shows every mount attempt.",
                related=related + extra,
            )
        elif sandbox is not None:
            yield Finding.for_object(
                subject,
                severity=Severity.ERROR,
                category="sandbox",
                title="pod sandbox cannot be created",
                message=f"Pod {pod.name} on node {pod.node_name} has no network sandbox: {sandbox.message}",
                root_cause=(
                    "The container runtime could not create the pod's sandbox; usually the CNI plugin "
                    "failed "
                    "(plugin not running on the node, IP address pool exhausted, or its config is broken)."
                ),
                evidence=[sandbox.evidence()],
                remediation=(
                    f"Check the CNI pods on node {pod.node_name} (`kubectl get pods -n kube-system -o wide "
                    f"--field-selector spec.nodeName={pod.node_name}`) and their logs; check IP pool usage."
                ),
                related=related,
                depends_on=(ObjectRef("Node", "", pod.node_name),),
            )
        else:
            yield Finding.for_object(
                subject,
                severity=Severity.WARNING,
                category="container-start",
                title="pod stuck in ContainerCreating",
                message=(
                    f"Pod {pod.name} was scheduled to {pod.node_name} but its containers have not started, "
                    "and no event says why."
                ),
                root_cause="The kubelet has not started the containers; slow image pulls, volume setup or a "
                "struggling node are the usual reasons.",
                remediation=(
                    f"`kubectl describe pod {pod.name} -n {pod.namespace}` and check node {pod.node_name}."
                ),
                related=related,
            )


def _volume_cause(message: str) -> str:
    lower = message.lower()
    if "not found" in lower:
        return "A volume's source object does not exist, so the kubelet cannot build the volume."
    if "multi-attach" in lower:
        return "The volume is ReadWriteOnce and still attached to another node (often a pod that moved)."
    if "timed out" in lower:
        return "Attaching or mounting the volume timed out (storage backend or CSI driver problem)."
    return "The kubelet cannot mount one of the pod's volumes."
