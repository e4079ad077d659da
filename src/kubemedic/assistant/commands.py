"""Real kubectl commands for one finding, with the object's kind, namespace and name filled in.

Runbooks are written for any object ("kubectl describe pod <pod> -n <namespace>"); an answer about
one object should give commands a person can paste. `confirm_commands` builds the few that always
help (describe, events, the previous container's log), and `fill` substitutes runbook placeholders.
"""

from __future__ import annotations

import re

from kubemedic.domain import EvidenceSource, Finding, ObjectRef

_RESOURCE = {
    "Deployment": "deployment",
    "StatefulSet": "statefulset",
    "DaemonSet": "daemonset",
    "ReplicaSet": "replicaset",
    "Job": "job",
    "CronJob": "cronjob",
    "Pod": "pod",
    "Service": "service",
    "Ingress": "ingress",
    "Node": "node",
    "PersistentVolumeClaim": "pvc",
    "PersistentVolume": "pv",
    "HorizontalPodAutoscaler": "hpa",
    "PodDisruptionBudget": "pdb",
    "NetworkPolicy": "networkpolicy",
    "ResourceQuota": "resourcequota",
    "ConfigMap": "configmap",
    "Secret": "secret",
    "ServiceAccount": "serviceaccount",
}
_LOG_LOCATION = re.compile(
    r"logs/(?P<ns>[^/]+)/(?P<pod>[^/]+)/(?P<container>[^/.]+)(?P<prev>\.previous)?\.log"
)
_CONTAINER_IN_PATH = re.compile(r"\[(?P<name>[^\]]+)\]|\{(?P<name2>[^}]+)\}")
_PLACEHOLDER = re.compile(r"<([a-z][a-z0-9_-]*)>|\$\{?([A-Z][A-Z_]*)\}?")


def resource(kind: str) -> str:
    """The name kubectl takes for a kind (`deployment`, `pvc`, ...)."""
    return _RESOURCE.get(kind, kind.lower())


def ns_flag(ref: ObjectRef) -> str:
    return f" -n {ref.namespace}" if ref.namespace else ""


def describe(ref: ObjectRef) -> str:
    return f"kubectl describe {resource(ref.kind)} {ref.name}{ns_flag(ref)}"


def events(ref: ObjectRef) -> str:
    where = f"-n {ref.namespace}" if ref.namespace else "-A"
    return (
        f"kubectl get events {where} --field-selector involvedObject.kind={ref.kind},"
        f"involvedObject.name={ref.name} --sort-by=.lastTimestamp"
    )


def pod_of(finding: Finding) -> tuple[ObjectRef | None, str, bool]:
    """The pod (and container, and whether the previous instance) the evidence points at, if any."""
    for ev in finding.evidence:
        if ev.source is EvidenceSource.LOG:
            m = _LOG_LOCATION.search(ev.location)
            if m:
                ref = ObjectRef("Pod", m["ns"], m["pod"])
                return ref, m["container"], bool(m["prev"])
    pod = finding.object if finding.object.kind == "Pod" else None
    if pod is None:
        pod = next(
            (e.object for e in finding.evidence if e.object is not None and e.object.kind == "Pod"), None
        )
    container = ""
    for ev in finding.evidence:
        m = _CONTAINER_IN_PATH.search(ev.location)
        if m:
            container = m["name"] or m["name2"] or ""
            break
    return pod, container, finding.category in ("crash-loop", "oom", "app-crash", "app-config")


def confirm_commands(finding: Finding) -> list[str]:
    """describe the object, its events, and the log of the pod the evidence names."""
    ref = finding.object
    out = [describe(ref), events(ref)]
    pod, container, previous = pod_of(finding)
    if pod is not None:
        if pod != ref:
            out.append(describe(pod))
        flags = (f" -c {container}" if container else "") + (" --previous" if previous else "")
        out.append(f"kubectl logs {pod.name} -n {pod.namespace}{flags} --tail=50")
    return list(dict.fromkeys(out))


def placeholders(finding: Finding) -> dict[str, str]:
    """Values for the placeholders runbooks use, from the finding's object and evidence."""
    ref = finding.object
    values = {"namespace": ref.namespace, "ns": ref.namespace, "name": ref.name, "kind": resource(ref.kind)}
    values[resource(ref.kind)] = ref.name
    values[ref.kind.lower()] = ref.name
    pod, container, _ = pod_of(finding)
    if pod is not None:
        values["pod"] = pod.name
    if container:
        values["container"] = container
    if ref.kind == "Node":
        values.pop("namespace")
        values.pop("ns")
    return {k: v for k, v in values.items() if v}


def fill(text: str, values: dict[str, str]) -> str:
    """Replace `<pod>`, `<namespace>`, `$NAMESPACE`, ... with the values known; leave the others."""

    def sub(m: re.Match[str]) -> str:
        name = (m.group(1) or m.group(2) or "").lower().replace("_", "-")
        return values.get(name, values.get(name.replace("-", ""), m.group(0)))

    return _PLACEHOLDER.sub(sub, text)
