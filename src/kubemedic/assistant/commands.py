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
    if pod is None:
        pod = next((r for r in finding.related if r.kind == "Pod"), None)
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


_ALIASES: dict[str, tuple[str, ...]] = {
    "Deployment": ("deploy", "deployment", "deployments", "deployment.apps"),
    "StatefulSet": ("sts", "statefulset", "statefulsets"),
    "DaemonSet": ("ds", "daemonset", "daemonsets"),
    "ReplicaSet": ("rs", "replicaset", "replicasets"),
    "Job": ("job", "jobs"),
    "CronJob": ("cronjob", "cronjobs", "cj"),
    "Service": ("svc", "service", "services"),
    "Ingress": ("ing", "ingress", "ingresses"),
    "PersistentVolumeClaim": ("pvc", "persistentvolumeclaim"),
    "HorizontalPodAutoscaler": ("hpa", "horizontalpodautoscaler"),
    "PodDisruptionBudget": ("pdb", "poddisruptionbudget"),
    "NetworkPolicy": ("netpol", "networkpolicy", "networkpolicies"),
    "Node": ("node", "nodes", "no"),
    "Pod": ("pod", "pods", "po"),
}
# uppercase words runbooks use in commands, and what they stand for
_UPPER = {"NS": "namespace", "POD": "pod", "CONTAINER": "container", "NODE": "node"}
_BY_KIND = {
    "Service": ("SVC",),
    "PersistentVolumeClaim": ("PVC", "CLAIM"),
    "Job": ("JOB",),
    "Node": ("NODE",),
}


def placeholders(finding: Finding) -> dict[str, str]:
    """Values for the placeholders runbooks use, from the finding's object and evidence."""
    ref = finding.object
    values = {"namespace": ref.namespace, "ns": ref.namespace, "name": ref.name, "kind": resource(ref.kind)}
    values[resource(ref.kind)] = ref.name
    values[ref.kind.lower()] = ref.name
    for word in _BY_KIND.get(ref.kind, ()):
        values[word.lower()] = ref.name
    pod, container, _ = pod_of(finding)
    if pod is not None:
        values["pod"] = pod.name
    if container:
        values["container"] = container
    if ref.kind == "Node":
        values.pop("namespace")
        values.pop("ns")
    values["__kind__"] = ref.kind
    return {k: v for k, v in values.items() if v}


def fill(text: str, values: dict[str, str]) -> str:
    """Replace `<pod>`, `<namespace>`, `$NAMESPACE` and, on kubectl lines, the uppercase words runbooks
    use (`NS`, `POD`, `NAME` after this object's resource name, ...) with the values known."""

    def sub(m: re.Match[str]) -> str:
        name = (m.group(1) or m.group(2) or "").lower().replace("_", "-")
        return values.get(name, values.get(name.replace("-", ""), m.group(0)))

    kind = values.get("__kind__", "")
    aliases = "|".join(re.escape(a) for a in _ALIASES.get(kind, ()))
    name_after = re.compile(rf"\b((?:{aliases})(?:/|\s+))NAME\b") if aliases else None
    upper = {w: values[v] for w, v in _UPPER.items() if v in values}
    upper.update({w: values[w.lower()] for w in _BY_KIND.get(kind, ()) if w.lower() in values})
    upper_rx = re.compile(r"\b(" + "|".join(upper) + r")\b") if upper else None
    out = []
    for line in _PLACEHOLDER.sub(sub, text).splitlines():
        if "kubectl" in line:
            if name_after is not None and "name" in values:
                line = name_after.sub(lambda m: m.group(1) + values["name"], line)
            if upper_rx is not None:
                line = upper_rx.sub(lambda m: upper[m.group(1)], line)
        out.append(line)
    return "\n".join(out)
