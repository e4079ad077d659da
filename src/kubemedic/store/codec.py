"""Findings and incidents to table rows and back, losslessly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kubemedic.domain import Evidence, EvidenceSource, Finding, Incident, ObjectRef, Severity


def _ref(ref: ObjectRef) -> dict[str, str]:
    return {
        "kind": ref.kind,
        "namespace": ref.namespace,
        "name": ref.name,
        "uid": ref.uid,
        "cluster": ref.cluster,
    }


def _unref(data: dict[str, Any], _cluster: str = "") -> ObjectRef:
    return ObjectRef(
        str(data["kind"]),
        str(data["namespace"]),
        str(data["name"]),
        str(data.get("uid", "")),
        str(data.get("cluster", "")),
    )


def _evidence(e: Evidence) -> dict[str, Any]:
    # written out rather than dataclasses.asdict, which was most of the cost of storing a busy scan
    return {
        "source": e.source.value,
        "text": e.text,
        "location": e.location,
        "object": _ref(e.object) if e.object else None,
        "timestamp": e.timestamp,
        "count": e.count,
    }


def finding_body(f: Finding) -> dict[str, Any]:
    return {
        "message": f.message,
        "root_cause": f.root_cause,
        "remediation": f.remediation,
        "analyzer": f.analyzer,
        "object_cluster": f.object.cluster,
        "evidence": [_evidence(e) for e in f.evidence],
        "related": [_ref(r) for r in f.related],
        "depends_on": [_ref(r) for r in f.depends_on],
    }


def finding_from(
    cluster: str,
    fid: str,
    kind: str,
    namespace: str,
    name: str,
    uid: str,
    severity: str,
    category: str,
    title: str,
    body: dict[str, Any],
    incident_id: str,
) -> Finding:
    evidence = tuple(
        Evidence(
            EvidenceSource(e["source"]),
            e["text"],
            e.get("location", ""),
            _unref(e["object"], cluster) if e.get("object") else None,
            e.get("timestamp", ""),
            int(e.get("count", 0)),
        )
        for e in body.get("evidence", ())
    )
    return Finding(
        object=ObjectRef(kind, namespace, name, uid, str(body.get("object_cluster", cluster))),
        severity=Severity(severity),
        category=category,
        title=title,
        message=str(body.get("message", "")),
        root_cause=str(body.get("root_cause", "")),
        evidence=evidence,
        remediation=str(body.get("remediation", "")),
        related=tuple(_unref(r, cluster) for r in body.get("related", ())),
        depends_on=tuple(_unref(r, cluster) for r in body.get("depends_on", ())),
        analyzer=str(body.get("analyzer", "")),
        incident_id=incident_id,
        id=fid,
    )


def incident_body(i: Incident) -> dict[str, Any]:
    return {
        "root_object": _ref(i.root_object),
        "finding_ids": list(i.finding_ids),
        "objects": [_ref(o) for o in i.objects],
    }


def utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything in kubemedic is UTC-aware."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
