"""What the assistant gives back: an answer's text plus the citations that ground it.

Every sentence the assistant says about a cluster comes from a finding, an object, a piece of evidence
or a runbook; the citations name them as data (not prose), so the API can return them and a UI can link
them. The shapes are frozen dataclasses; `answer_dict` is the one place that turns them into JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kubemedic.domain import Evidence, EvidenceSource, Finding, ObjectRef


class CitationKind(StrEnum):
    FINDING = "finding"
    OBJECT = "object"
    EVIDENCE = "evidence"
    RUNBOOK = "runbook"
    EVENT = "event"
    LOG = "log"
    TIMELINE = "timeline"


class Intent(StrEnum):
    """What the question asked for; it picks the offline answer."""

    EXPLAIN = "explain"
    WHATS_WRONG = "whats-wrong"
    WHY_NOT_READY = "why-not-ready"
    WHAT_CHANGED = "what-changed"
    RESTARTS = "restarts"
    HEALTH = "health"
    CLOSEST = "closest-matches"
    NO_SUCH_OBJECT = "no-such-object"


@dataclass(frozen=True, slots=True)
class Citation:
    """One source an answer rests on.

    kind: what it is; ref: how to find it again (a finding id, `Kind ns/name`, a log file and line, a
    runbook source); finding_id: the finding it belongs to, if any; quote: the exact text quoted (cluster
    text is data, quoted as is); object: the Kubernetes object it is about, if any.
    """

    kind: CitationKind
    ref: str
    finding_id: str = ""
    quote: str = ""
    object: ObjectRef | None = None

    @classmethod
    def finding(cls, finding: Finding) -> Citation:
        return cls(CitationKind.FINDING, finding.id, finding.id, finding.title, finding.object)

    @classmethod
    def obj(cls, ref: ObjectRef, quote: str = "") -> Citation:
        return cls(CitationKind.OBJECT, ref.display(), quote=quote, object=ref)

    @classmethod
    def evidence(cls, ev: Evidence, finding_id: str) -> Citation:
        kind = {
            EvidenceSource.EVENT: CitationKind.EVENT,
            EvidenceSource.LOG: CitationKind.LOG,
        }.get(ev.source, CitationKind.EVIDENCE)
        return cls(kind, ev.location or ev.source.value, finding_id, ev.text, ev.object)


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer to show a person.

    text: plain text, short lines; citations: what it rests on, most important first; intent: how the
    question was understood; used_llm: whether a language model phrased it; notes: what the reader should
    know about how it was made (e.g. "the LLM timed out; this is the offline answer").
    """

    text: str
    citations: tuple[Citation, ...]
    intent: Intent
    used_llm: bool = False
    notes: tuple[str, ...] = ()


def citation_dict(c: Citation) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": c.kind.value, "ref": c.ref}
    if c.finding_id:
        out["finding_id"] = c.finding_id
    if c.quote:
        out["quote"] = c.quote
    if c.object is not None:
        out["object"] = {"kind": c.object.kind, "namespace": c.object.namespace, "name": c.object.name}
    return out


def answer_dict(answer: Answer) -> dict[str, Any]:
    """The documented JSON shape of an answer (CLI `-o json`, the API)."""
    return {
        "answer": answer.text,
        "intent": answer.intent.value,
        "used_llm": answer.used_llm,
        "notes": list(answer.notes),
        "citations": [citation_dict(c) for c in answer.citations],
    }


def dedupe(citations: list[Citation]) -> tuple[Citation, ...]:
    """Citations in first-seen order, each once."""
    seen: set[tuple[str, str, str, str]] = set()
    out: list[Citation] = []
    for c in citations:
        key = (c.kind.value, c.ref, c.finding_id, c.quote)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return tuple(out)
