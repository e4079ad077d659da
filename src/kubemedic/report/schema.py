"""The documented JSON shape of a scan (docs/scan-output.md). One place turns domain objects into it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from kubemedic.domain import Evidence, Finding, Incident, ObjectRef, ParseProblem
from kubemedic.service.models import ScanReport

SCHEMA_VERSION = 1


def ref_dict(ref: ObjectRef) -> dict[str, str]:
    return {"kind": ref.kind, "namespace": ref.namespace, "name": ref.name}


def evidence_dict(ev: Evidence) -> dict[str, Any]:
    out: dict[str, Any] = {"source": ev.source.value, "text": ev.text}
    if ev.location:
        out["location"] = ev.location
    if ev.object is not None:
        out["object"] = ref_dict(ev.object)
    if ev.timestamp:
        out["timestamp"] = ev.timestamp
    if ev.count:
        out["count"] = ev.count
    return out


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "cluster": f.object.cluster,
        "kind": f.object.kind,
        "namespace": f.object.namespace,
        "name": f.object.name,
        "uid": f.object.uid,
        "severity": f.severity.value,
        "category": f.category,
        "title": f.title,
        "message": f.message,
        "root_cause": f.root_cause,
        "evidence": [evidence_dict(e) for e in f.evidence],
        "remediation": f.remediation,
        "related": [ref_dict(r) for r in f.related],
        "depends_on": [ref_dict(r) for r in f.depends_on],
        "analyzer": f.analyzer,
        "incident_id": f.incident_id,
    }


def incident_dict(i: Incident) -> dict[str, Any]:
    return {
        "id": i.id,
        "title": i.title,
        "severity": i.severity.value,
        "root_cause": i.root_cause,
        "root_cause_finding_id": i.root_cause_finding_id,
        "root_object": ref_dict(i.root_object),
        "finding_ids": list(i.finding_ids),
        "objects": [ref_dict(r) for r in i.objects],
    }


def problem_dict(p: ParseProblem) -> dict[str, Any]:
    return {"file": str(p.path), "line": p.line, "message": p.message}


def report_dict(report: ScanReport) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "findings": [finding_dict(f) for f in report.findings],
        "incidents": [incident_dict(i) for i in report.incidents],
        "summary": asdict(report.summary),
        "problems": [problem_dict(p) for p in report.problems],
    }
