"""Build what a language model reads: rules, kubemedic's own diagnosis, and the relevant cluster text.

Everything that came from the cluster (or from a user's notes) is masked for secrets and fenced as
untrusted data; the pieces are added most useful first until the character budget is spent, and
each gets a priority so the provider's own token budget drops the least useful first.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from kubemedic.assistant.answer import Answer
from kubemedic.assistant.explain import quote
from kubemedic.assistant.facts import Facts, secret_values
from kubemedic.assistant.question import Question
from kubemedic.assistant.resolve import find_object
from kubemedic.domain import Finding, KubemedicError, Severity
from kubemedic.llm import ChatMessage
from kubemedic.redact import Fence, SecretMasker
from kubemedic.state import KubeObject, Pod

MAX_FINDINGS = 15
LOG_LINES = 20
LOG_READ_S = 3.0

RULES = """You are kubemedic's assistant for Kubernetes clusters. Answer the user's question about the \
cluster using only the context given and what the read-only tools return. kubemedic has already \
diagnosed the cluster; its findings and its offline answer are in the context - build on them.
Rules:
- Ground every claim: cite findings as [finding:ID], objects as Kind namespace/name, and quote evidence.
- Never invent objects, log lines, events or numbers. If the context does not answer it, say so.
- You can only read. No tool changes the cluster and you must never claim to have changed anything; \
suggest kubectl commands for the user to run instead.
- Secret values are never available to you; do not ask for them.
- Be short: what is wrong, the root cause, the evidence, the fix."""


@dataclass(frozen=True, slots=True)
class Piece:
    title: str
    text: str
    priority: int  # higher = kept longer when the budget is tight


def masker_for(facts: Facts) -> SecretMasker:
    import base64
    import binascii

    values = secret_values(facts.state)
    decoded: list[str] = []
    for v in values:
        try:
            decoded.append(base64.b64decode(v, validate=True).decode())
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
    return SecretMasker([*values, *decoded])


def _finding_text(f: Finding, facts: Facts) -> str:
    root = facts.diagnosis.root_of(f)
    out = [f"[finding:{f.id}] {f.severity.value} {f.category} {f.object.display()}: {f.title}"]
    if root is not None:
        out.append(f"  symptom of [finding:{root.id}] {root.object.display()}: {root.title}")
    if f.root_cause:
        out.append(f"  cause: {f.root_cause}")
    out += [f"  evidence ({e.source.value} {e.location}): {quote(e.text, 300)}" for e in f.evidence[:3]]
    if f.remediation:
        out.append(f"  fix: {f.remediation}")
    return "\n".join(out)


def focus_object(question: Question, facts: Facts) -> KubeObject | None:
    if question.name is None:
        return None
    return find_object(facts.state, question.kind, question.namespace, question.name).object


async def pieces(question: Question, facts: Facts, offline: Answer) -> list[Piece]:
    """The context, most useful first."""
    out = [Piece("kubemedic's offline answer to this question", offline.text, 5)]
    obj = focus_object(question, facts)
    if obj is not None:
        findings = facts.diagnosis.about(obj)
    else:
        findings = [
            f for f in facts.diagnosis.in_namespace(question.namespace) if f.severity >= Severity.WARNING
        ]
    findings.sort(key=lambda f: (-f.severity.rank, facts.diagnosis.root_of(f) is not None))
    if findings:
        listed = "\n".join(_finding_text(f, facts) for f in findings[:MAX_FINDINGS])
        out.append(Piece("kubemedic findings", listed, 4))
    if obj is not None:
        events = list(facts.state.events_for(obj))
        pods = [obj] if isinstance(obj, Pod) else facts.state.pods_of(obj)
        for pod in pods[:3]:
            events += facts.state.events_for(pod)
        if events:
            lines = [
                f"{e.type} {e.reason} (x{e.count}) {e.involved.display()}: {quote(e.message, 300)}"
                for e in events[-20:]
            ]
            out.append(Piece(f"events of {obj.ref.display()}", "\n".join(lines), 3))
        for pod in pods[:2]:
            for c in pod.containers():
                found = await _log_tail(facts, pod, c.name)
                if found is not None:
                    which, tail = found
                    out.append(Piece(f"log {pod.namespace}/{pod.name}/{c.name} ({which})", tail, 2))
    if facts.knowledge is not None:
        for p in facts.knowledge.search(question.text, limit=3):
            out.append(Piece(f"runbook {p.title} - {p.section}", p.text, 1))
    return out


async def _log_tail(facts: Facts, pod: Pod, container: str) -> tuple[str, str] | None:
    """The last lines of the crashed (else the current) instance: from the state, else from the live
    log reader when there is one (bounded; a failed read just leaves the log out)."""
    for previous in (True, False):
        log = facts.state.logs(pod, container, previous)
        if log is None and facts.logs is not None:
            try:
                log = await asyncio.wait_for(
                    facts.logs.tail(pod.namespace, pod.name, container, previous=previous, lines=LOG_LINES),
                    LOG_READ_S,
                )
            except (KubemedicError, TimeoutError):
                log = None
        if log:
            return ("previous" if previous else "current"), "\n".join(log.splitlines()[-LOG_LINES:])
    return None


async def build_messages(
    question: Question, facts: Facts, offline: Answer, fence: Fence, masker: SecretMasker, budget_chars: int
) -> tuple[list[ChatMessage], list[str]]:
    """System rules, fenced context within `budget_chars`, then the question. Returns the messages and
    the titles of pieces left out for the budget."""
    system = ChatMessage.system(RULES + "\n\n" + fence.instructions())
    messages = [system]
    used = len(system.content)
    left_out: list[str] = []
    for piece in await pieces(question, facts, offline):
        block = fence.wrap(masker.mask(piece.text), piece.title)
        if used + len(block) > budget_chars:
            left_out.append(piece.title)
            continue
        used += len(block)
        messages.append(ChatMessage.user(f"Context: {piece.title}\n{block}", priority=piece.priority))
    where = f" (namespace {question.namespace})" if question.namespace else ""
    messages.append(ChatMessage.user(f"Question{where}: {masker.mask(question.text)}", priority=10))
    return messages, left_out
