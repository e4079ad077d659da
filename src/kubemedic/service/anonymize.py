"""Anonymize a scan report: every name in objects, titles, messages, evidence and remediation.

Names are registered from the whole ClusterState (objects, containers, images, nodes, ingress hosts)
and from names quoted in texts (`configmap "x" not found`), so free text is masked as well.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kubemedic.domain import Evidence, Finding, Incident, ObjectRef
from kubemedic.redact import Anonymizer
from kubemedic.service.models import ScanReport
from kubemedic.state import ClusterState, Pod, as_list, as_map

_KIND_LABEL = {
    "Namespace": "namespace",
    "Pod": "pod",
    "Node": "node",
    "Service": "service",
    "Deployment": "deployment",
    "StatefulSet": "statefulset",
    "DaemonSet": "daemonset",
    "ReplicaSet": "replicaset",
    "Job": "job",
    "CronJob": "cronjob",
    "ConfigMap": "configmap",
    "Secret": "secret",
    "Ingress": "ingress",
    "PersistentVolumeClaim": "pvc",
    "PersistentVolume": "pv",
}


_QUOTED = re.compile(
    r"\b(configmaps?|secrets?|services?|serviceaccounts?|persistentvolumeclaims?|pvc|pods?|nodes?|"
    r"deployments?|namespaces?|storageclass(?:es)?|ingressclass(?:es)?)\s+\"([^\"]+)\"",
    re.IGNORECASE,
)


# A name shared by several kinds (a Deployment, its Service, its container) is masked as the first
# of these that has it, so the mask says what the thing mostly is.
_ORDER = (
    "Namespace",
    "Node",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "CronJob",
    "Job",
    "Service",
    "Ingress",
    "ConfigMap",
    "Secret",
    "PersistentVolumeClaim",
    "ReplicaSet",
    "Pod",
)


def register_state(anon: Anonymizer, state: ClusterState) -> None:
    """Register every name the state knows, longest first so a pod name wins over its prefix."""
    for ns in state.namespaces():
        anon.add(ns, "namespace")
    for kind in sorted(state.kinds, key=lambda k: (_ORDER.index(k) if k in _ORDER else len(_ORDER), k)):
        if kind == "Event":
            continue
        label = _KIND_LABEL.get(kind, "object")
        for obj in state.objects(kind):
            anon.add(obj.name, label)
            if isinstance(obj, Pod):
                for c in obj.containers(include_init=True):
                    anon.add(c.name, "container")
                    anon.add_image(c.image)
            if kind == "Ingress":
                for rule in as_list(obj.spec.get("rules")):
                    host = as_map(rule).get("host")
                    if host:
                        anon.add(str(host), "host")
    for node in state.objects("Node"):
        for addr in as_list(node.status.get("addresses")):
            value = as_map(addr).get("address")
            if value and not str(value)[0].isdigit():
                anon.add(str(value), "host")


def anonymize_report(
    report: ScanReport, state: ClusterState, anonymizer: Anonymizer | None = None
) -> ScanReport:
    anon = anonymizer or Anonymizer()
    register_state(anon, state)
    for f in report.findings:
        for text in (f.message, f.root_cause, *(e.text for e in f.evidence)):
            for match in _QUOTED.finditer(text):
                anon.add(match.group(2), "object")
        for ref in (f.object, *f.related, *f.depends_on):
            if ref.namespace:
                anon.add(ref.namespace, "namespace")
            anon.add(ref.name, _KIND_LABEL.get(ref.kind, "object"))
    findings = tuple(_finding(f, anon) for f in report.findings)
    incidents = tuple(_incident(i, anon) for i in report.incidents)
    summary = replace(report.summary, cluster=anon.add(report.summary.cluster, "cluster"))
    return replace(report, findings=findings, incidents=incidents, summary=summary)


def _ref(ref: ObjectRef, anon: Anonymizer) -> ObjectRef:
    return replace(ref, namespace=anon.mask(ref.namespace), name=anon.mask(ref.name), uid="", cluster="")


def _evidence(ev: Evidence, anon: Anonymizer) -> Evidence:
    return replace(
        ev,
        text=anon.mask(ev.text),
        location=anon.mask(ev.location),
        object=_ref(ev.object, anon) if ev.object is not None else None,
    )


def _finding(f: Finding, anon: Anonymizer) -> Finding:
    return replace(
        f,
        object=_ref(f.object, anon),
        title=anon.mask(f.title),
        message=anon.mask(f.message),
        root_cause=anon.mask(f.root_cause),
        evidence=tuple(_evidence(e, anon) for e in f.evidence),
        remediation=anon.mask(f.remediation),
        related=tuple(_ref(r, anon) for r in f.related),
        depends_on=tuple(_ref(r, anon) for r in f.depends_on),
    )


def _incident(i: Incident, anon: Anonymizer) -> Incident:
    return replace(
        i,
        title=anon.mask(i.title),
        root_cause=anon.mask(i.root_cause),
        root_object=_ref(i.root_object, anon),
        objects=tuple(_ref(r, anon) for r in i.objects),
    )
