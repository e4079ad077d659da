"""Findings survive the trip to a table row and back, every field of every piece of evidence."""

from __future__ import annotations

from dataclasses import fields

from kubemedic.domain import Evidence, EvidenceSource, Finding, ObjectRef, Severity
from kubemedic.store.codec import finding_body, finding_from


def _finding() -> Finding:
    pod = ObjectRef("Pod", "shop", "api-1", "uid-1", "prod")
    return Finding(
        object=ObjectRef("Deployment", "shop", "api", "uid-2", "prod"),
        severity=Severity.ERROR,
        category="crash-loop",
        title="api: crash loop - exit code 1",
        message="3 pods crash",
        root_cause="the database refuses connections",
        evidence=(
            Evidence(
                EvidenceSource.EVENT, "Back-off restarting", "Warning BackOff", pod, "2026-11-24T12:00:00Z", 7
            ),
            Evidence.log("connection refused", "api-1/app:12", pod),
            Evidence.field("status.readyReplicas", "0/3"),
        ),
        remediation="fix the database",
        related=(pod,),
        depends_on=(ObjectRef("Service", "shop", "postgres"),),
        analyzer="containers.crash_loop",
        incident_id="inc-1",
    )


def test_a_finding_read_back_from_its_row_equals_the_one_written() -> None:
    f = _finding()
    body = finding_body(f)
    back = finding_from(
        "prod", f.id, "Deployment", "shop", "api", "uid-2", "error", f.category, f.title, body, f.incident_id
    )
    assert back == f


def test_every_evidence_field_is_written() -> None:
    """The evidence encoder is written out by hand for speed: a new Evidence field must be added to it."""
    body = finding_body(_finding())
    assert set(body["evidence"][0]) == {field.name for field in fields(Evidence)}
