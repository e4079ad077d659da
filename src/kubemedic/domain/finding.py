"""Finding: the one shape every problem takes, whoever detects it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol

from kubemedic.domain.refs import ObjectRef
from kubemedic.domain.severity import Severity


class EvidenceSource(StrEnum):
    EVENT = "event"
    LOG = "log"
    FIELD = "field"
    METRIC = "metric"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact that proves a finding: an event, a log line, an object field or a metric value.

    `text` is quoted from the cluster as is (it is data, never instructions). `location` says where
    it was found: the field path, the log file and line, or the event's reason.
    """

    source: EvidenceSource
    text: str
    location: str = ""
    object: ObjectRef | None = None
    timestamp: str = ""
    count: int = 0

    @classmethod
    def field(cls, path: str, value: str | int | float | None, obj: ObjectRef | None = None) -> Evidence:
        return cls(EvidenceSource.FIELD, f"{path}: {value}", location=path, object=obj)

    @classmethod
    def log(cls, line: str, location: str, obj: ObjectRef | None = None) -> Evidence:
        return cls(EvidenceSource.LOG, line, location=location, object=obj)


class HasRef(Protocol):
    @property
    def ref(self) -> ObjectRef: ...


@dataclass(frozen=True, slots=True)
class Finding:
    """Something wrong with one object, why, the evidence that proves it, and what to do."""

    object: ObjectRef
    severity: Severity
    category: str
    title: str
    message: str
    root_cause: str = ""
    evidence: tuple[Evidence, ...] = ()
    remediation: str = ""
    related: tuple[ObjectRef, ...] = ()
    # Objects this finding's failure is blamed on (e.g. the Service a log line could not reach).
    # The correlator follows these edges when it looks for the deepest failing dependency.
    depends_on: tuple[ObjectRef, ...] = ()
    analyzer: str = ""
    incident_id: str = ""
    id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", fingerprint(self.object, self.category, self.title))

    @classmethod
    def for_object(
        cls,
        obj: HasRef,
        *,
        severity: Severity,
        category: str,
        title: str,
        message: str,
        root_cause: str = "",
        evidence: Iterable[Evidence] = (),
        remediation: str = "",
        related: Iterable[ObjectRef] = (),
        depends_on: Iterable[ObjectRef] = (),
        analyzer: str = "",
        identity: str = "",
    ) -> Finding:
        """`identity`: what makes this the same finding from one scan to the next when the title also
        carries detail that changes (which pod state dominates); the fingerprint uses it instead of
        the title, so the finding is updated rather than resolved and opened anew."""
        return cls(
            object=obj.ref,
            severity=severity,
            category=category,
            title=title,
            message=message,
            root_cause=root_cause,
            evidence=tuple(evidence),
            remediation=remediation,
            related=tuple(related),
            depends_on=tuple(depends_on),
            analyzer=analyzer,
            id=fingerprint(obj.ref, category, identity) if identity else "",
        )

    def with_incident(self, incident_id: str) -> Finding:
        return replace(self, incident_id=incident_id)


def fingerprint(obj: ObjectRef, category: str, title: str) -> str:
    """A stable id: the same problem on the same object gets the same id in every scan."""
    key = "\x1f".join((obj.cluster, obj.kind, obj.namespace, obj.name, category, title))
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
