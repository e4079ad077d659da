"""The LLM path: a bounded loop over read-only tools, with the offline answer as the safety net.

The model gets kubemedic's diagnosis as context and may call only the read-only tools in tools.py.
The loop is bounded in steps and in wall time. Any LLMError, a timeout, an empty or malformed reply,
or a loop that will not end falls back to the offline answer with a note saying why; a call to a
tool that does not exist (e.g. "delete") is refused, reported to the model as data, and noted.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import replace

from kubemedic.assistant.answer import Answer, Citation, dedupe
from kubemedic.assistant.facts import Facts
from kubemedic.assistant.limits import LoopLimits, StreamPiece, offline_pieces
from kubemedic.assistant.prompt import build_messages, masker_for
from kubemedic.assistant.question import Question
from kubemedic.assistant.tools import TOOLS, ToolError, run_tool
from kubemedic.domain import KubemedicError
from kubemedic.llm import ChatMessage, ChatProvider, LLMBadReply, LLMError, LLMTimeout, ToolCall
from kubemedic.redact import Fence, SecretMasker

_FINDING_REF = re.compile(r"\bfinding[:\s]+([0-9a-f]{16})\b")


def fallback(offline: Answer, why: str) -> Answer:
    return replace(offline, used_llm=False, notes=(*offline.notes, f"{why}; this is the offline answer."))


def _error_note(exc: Exception, limits: LoopLimits) -> str:
    if isinstance(exc, TimeoutError | LLMTimeout):
        return f"the language model did not answer within {limits.max_seconds:g} s"
    return f"the language model failed ({type(exc).__name__}: {exc})"


async def ask_llm(
    question: Question,
    facts: Facts,
    provider: ChatProvider,
    offline: Answer,
    limits: LoopLimits | None = None,
) -> Answer:
    """The model's answer, grounded and cited; the offline answer with a note when anything goes wrong."""
    limits = limits or LoopLimits()
    try:
        async with asyncio.timeout(limits.max_seconds):
            return await _loop(question, facts, provider, offline, limits)
    except (LLMError, TimeoutError) as exc:
        return fallback(offline, _error_note(exc, limits))
    except _GiveUp as exc:
        return fallback(offline, str(exc))


class _GiveUp(KubemedicError):
    """The loop ended without a usable answer (the message says why)."""


async def _loop(
    question: Question, facts: Facts, provider: ChatProvider, offline: Answer, limits: LoopLimits
) -> Answer:
    fence = Fence.new()
    masker = masker_for(facts)
    messages, left_out = await build_messages(question, facts, offline, fence, masker, limits.budget_chars)
    notes: list[str] = (
        [f"left out of the model's context for size: {', '.join(left_out)}"] if left_out else []
    )
    cites: list[Citation] = list(offline.citations)
    for _step in range(limits.max_steps):
        reply = await provider.complete(messages, TOOLS)
        if not reply.tool_calls:
            text = reply.text.strip()
            if not text:
                raise LLMBadReply("the reply had neither text nor tool calls")
            cites += _cited_findings(text, facts)
            return Answer(text, dedupe(cites), offline.intent, used_llm=True, notes=tuple(notes))
        messages.append(ChatMessage.assistant(reply.text, reply.tool_calls))
        for call in reply.tool_calls:
            output, read, note = await _run_call(call, facts, fence, masker, limits)
            cites += read
            if note:
                notes.append(note)
            messages.append(ChatMessage.tool(call.id, output))
    raise _GiveUp(f"the language model kept calling tools after {limits.max_steps} steps")


async def _run_call(
    call: ToolCall, facts: Facts, fence: Fence, masker: SecretMasker, limits: LoopLimits
) -> tuple[str, list[Citation], str]:
    """Run one tool call; errors go back to the model as data. Returns output, citations, a note."""
    try:
        args = call.parsed_arguments()
        result = await run_tool(facts, call.name, args)
    except (ToolError, LLMBadReply) as exc:
        note = ""
        if call.name not in {t.name for t in TOOLS}:
            note = f"refused the model's call to {call.name!r}: no such tool (only read-only tools exist)"
        return fence.wrap(f"error: {exc}", f"tool {call.name}"), [], note
    text = result.text
    if len(text) > limits.tool_output_chars:
        text = text[: limits.tool_output_chars] + "\n... (cut)"
    read = [Citation.obj(ref) for ref in result.objects[:10]]
    read += [Citation.finding(f) for i in result.finding_ids[:10] if (f := facts.diagnosis.finding(i))]
    return fence.wrap(masker.mask(text), f"tool {call.name}"), read, ""


def _cited_findings(text: str, facts: Facts) -> list[Citation]:
    return [Citation.finding(f) for i in _FINDING_REF.findall(text) if (f := facts.diagnosis.finding(i))]


async def stream_llm(
    question: Question,
    facts: Facts,
    provider: ChatProvider,
    offline: Answer,
    limits: LoopLimits | None = None,
) -> AsyncIterator[StreamPiece]:
    """The model's answer as it is generated (no tools while streaming), then the whole answer.

    If the model fails before its first word, the offline answer is streamed instead, with a note; if
    it fails midway, a note says so and the offline answer follows as the final answer."""
    limits = limits or LoopLimits()
    fence = Fence.new()
    messages, _ = await build_messages(
        question, facts, offline, fence, masker_for(facts), limits.budget_chars
    )
    parts: list[str] = []
    try:
        async with asyncio.timeout(limits.max_seconds):
            async for delta in provider.stream(messages):
                if delta:
                    parts.append(delta)
                    yield StreamPiece(delta=delta)
    except (LLMError, TimeoutError) as exc:
        answer = fallback(offline, _error_note(exc, limits))
        if parts:
            yield StreamPiece(note=answer.notes[-1])
        else:
            for piece in offline_pieces(answer):
                yield piece
            return
        yield StreamPiece(answer=answer)
        return
    text = "".join(parts).strip()
    if not text:
        answer = fallback(offline, "the language model sent an empty answer")
        for piece in offline_pieces(answer):
            yield piece
        return
    cites = dedupe([*offline.citations, *_cited_findings(text, facts)])
    yield StreamPiece(answer=Answer(text, cites, offline.intent, used_llm=True))
