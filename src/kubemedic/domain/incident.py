"""Incident: findings that share one root cause."""

from __future__ import annotations

from dataclasses import dataclass

from kubemedic.domain.refs import ObjectRef
from kubemedic.domain.severity import Severity


@dataclass(frozen=True, slots=True)
class Incident:
    """A group of findings explained by one root-cause finding (the deepest failing dependency)."""

    id: str
    title: str
    severity: Severity
    root_cause_finding_id: str
    root_cause: str
    root_object: ObjectRef
    finding_ids: tuple[str, ...]
    objects: tuple[ObjectRef, ...]
