"""Answer a question or explain one thing: offline by intent, or through a language model when one is
configured - with the offline answer always ready as the fallback.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from kubemedic.assistant import intents
from kubemedic.assistant.answer import Answer, Intent
from kubemedic.assistant.explain import explain
from kubemedic.assistant.facts import Facts
from kubemedic.assistant.limits import LoopLimits
from kubemedic.assistant.question import Question, parse
from kubemedic.assistant.resolve import NoSuchObject, check_namespace, find_object, parse_ref

if TYPE_CHECKING:
    from kubemedic.llm import ChatProvider

_HOUR = timedelta(hours=1)  # "what changed" without a window


async def answer_offline(question: Question, facts: Facts) -> Answer:
    """The deterministic answer for a parsed question (no model)."""
    state = facts.state
    namespace = question.namespace
    if namespace is not None:
        try:
            check_namespace(state, namespace)
        except NoSuchObject as exc:
            return intents.no_such(f"namespace {namespace!r}", exc.close)
    elif question.intent is not Intent.CLOSEST or question.name is None:
        known = set(state.namespaces())
        namespace = next((t for t in question.terms if t in known and t != question.name), None)
    if question.name is not None and question.intent in (Intent.WHY_NOT_READY, Intent.HEALTH):
        if question.kind is None and question.name in state.namespaces():  # "is shop healthy"
            answer = intents.whats_wrong(facts, question.name)
            verdict = (
                ("Yes. " if not answer.citations else "No. ") if question.intent is Intent.HEALTH else ""
            )
            return Answer(verdict + answer.text, answer.citations, question.intent)
        found = find_object(state, question.kind, namespace, question.name)
        if found.object is not None:
            if question.intent is Intent.HEALTH:
                return intents.health(facts, found.object)
            return intents.about_object(facts, found.object)
        what = f"{question.kind or 'object'} {question.name!r}" + (
            f" in namespace {namespace}" if namespace else ""
        )
        other = find_object(state, None, namespace, question.name) if question.kind else None
        if other is not None and other.object is not None:  # "the checkout service" when only a Deployment is
            return intents.no_such(what, (), (other.object.ref, *other.others))
        return intents.no_such(what, found.close)
    if question.intent is Intent.WHAT_CHANGED:
        return await intents.what_changed(facts, namespace, question.window or _HOUR)
    if question.intent is Intent.RESTARTS:
        return intents.restarts(facts, namespace)
    if question.intent is Intent.CLOSEST:
        return intents.closest(facts, question)
    return intents.whats_wrong(facts, namespace)


async def ask(
    text: str,
    facts: Facts,
    *,
    namespace: str | None = None,
    provider: ChatProvider | None = None,
    limits: LoopLimits | None = None,
) -> Answer:
    """Answer a question: offline, or through `provider` with the offline answer as its context and
    its fallback. A definitive offline answer ("no such deployment") is not sent to the model.

    Raises InputError for an empty or oversized question."""
    question = parse(text, namespace)
    offline = await answer_offline(question, facts)
    if provider is None or offline.intent is Intent.NO_SUCH_OBJECT:
        return offline
    from kubemedic.assistant.chat import ask_llm  # the model client is imported only when one is used

    return await ask_llm(question, facts, provider, offline, limits)


async def ask_offline(text: str, facts: Facts, *, namespace: str | None = None) -> Answer:
    """Parse and answer without a model. InputError for an empty or oversized question."""
    return await answer_offline(parse(text, namespace), facts)


def explain_target(target: str, facts: Facts) -> Answer:
    """Explain a finding by id, or an object given as KIND/NAMESPACE/NAME (KIND/NAME for cluster-scoped).

    Raises InputError (NoSuchObject) naming close ids or names when nothing matches."""
    target = target.strip()
    finding = facts.diagnosis.finding(target)
    if finding is not None:
        return explain(finding, facts)
    if "/" not in target:
        close = [f.id for f in facts.diagnosis.findings if f.id.startswith(target[:4])][:5] if target else []
        hint = f"; close ids: {', '.join(close)}" if close else "; `kubemedic scan -o json` lists the ids"
        raise NoSuchObject(f"no finding with id {target!r}{hint}", tuple(close))
    kind, namespace, name = parse_ref(target)
    found = find_object(facts.state, kind, namespace, name)
    if found.object is None:
        where = f" in namespace {namespace}" if namespace else ""
        hint = f"; close names: {', '.join(found.close)}" if found.close else ""
        raise NoSuchObject(f"no {kind} named {name!r}{where}{hint}", found.close)
    return intents.about_object(facts, found.object, Intent.EXPLAIN)
