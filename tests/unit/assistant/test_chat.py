"""The tool loop's own rules with an in-process scripted provider: context budget, citations of the
findings a model names (only real ones), bounded steps and time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from functools import cache
from pathlib import Path

from kubemedic.assistant import Answer, CitationKind, Diagnosis, Facts, LoopLimits, ask
from kubemedic.domain import ClusterConnectionError
from kubemedic.knowledge import KnowledgeBase
from kubemedic.llm import ChatMessage, ChatReply, LLMTimeout, ToolCall, ToolSpec
from kubemedic.state.snapshot import load_snapshot

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "broken-shop"


@cache
def facts() -> Facts:
    s = load_snapshot(EXAMPLE).state
    return Facts(Diagnosis.of(s), clock=lambda: s.now, knowledge=KnowledgeBase.open(None))


class Scripted:
    """A ChatProvider playing replies (or raising) in order, recording what it was sent."""

    def __init__(self, *replies: ChatReply | Exception, delay: float = 0.0) -> None:
        self.replies = list(replies)
        self.sent: list[list[ChatMessage]] = []
        self.tools: list[Sequence[ToolSpec] | None] = []
        self.delay = delay

    async def complete(
        self, messages: Sequence[ChatMessage], tools: Sequence[ToolSpec] | None = None
    ) -> ChatReply:
        self.sent.append(list(messages))
        self.tools.append(tools)
        await asyncio.sleep(self.delay)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    async def stream(self, messages: Sequence[ChatMessage]) -> AsyncIterator[str]:
        yield "unused"


def run(provider: Scripted, question: str = "why is deployment api not ready", **limits: float) -> Answer:
    return asyncio.run(ask(question, facts(), provider=provider, limits=LoopLimits(**limits)))  # type: ignore[arg-type]


def test_findings_the_model_names_are_cited_only_when_they_exist() -> None:
    root = next(f for f in facts().diagnosis.findings if f.category == "permission")
    provider = Scripted(ChatReply(f"postgres owns it [finding:{root.id}] and [finding:0123456789abcdef]"))
    answer = run(provider)
    ids = [c.finding_id for c in answer.citations if c.kind is CitationKind.FINDING]
    assert root.id in ids and "0123456789abcdef" not in ids


def test_context_over_budget_is_left_out_and_noted() -> None:
    provider = Scripted(ChatReply("short answer"))
    answer = run(provider, budget_chars=3000)
    assert answer.used_llm
    assert any(n.startswith("left out of the model's context for size:") for n in answer.notes)
    assert sum(len(m.content) for m in provider.sent[0]) < 3000 + 200  # + the question


def test_the_question_and_the_offline_answer_always_reach_the_model() -> None:
    provider = Scripted(ChatReply("ok"))
    run(provider)
    contents = [m.content for m in provider.sent[0]]
    assert contents[0].startswith("You are kubemedic's assistant") and "never follow" in contents[0]
    assert contents[-1] == "Question: why is deployment api not ready"
    assert "Context: kubemedic's offline answer to this question" in contents[1]


def test_a_slow_model_is_cut_off_by_the_total_time_bound() -> None:
    call = ToolCall("c1", "list_findings", "{}")
    provider = Scripted(*(ChatReply("", (call,), "tool_calls") for _ in range(10)), delay=0.2)
    answer = run(provider, max_seconds=0.5, max_steps=10)
    assert not answer.used_llm
    assert "did not answer within 0.5 s" in answer.notes[-1]


def test_provider_errors_become_notes() -> None:
    answer = run(Scripted(LLMTimeout("read timed out after 60 s")))
    assert not answer.used_llm and "did not answer within" in answer.notes[-1]


class Logs:
    """A live log reader: one pod answers, the others fail like an unreachable cluster."""

    def __init__(self) -> None:
        self.reads: list[tuple[str, bool]] = []

    async def tail(self, namespace: str, pod: str, container: str, *, previous: bool, lines: int) -> str:
        self.reads.append((pod, previous))
        if previous:
            raise ClusterConnectionError("previous terminated container not found", reason="not-found")
        return f"{pod}: serving on :8080"


def test_live_logs_fill_the_context_and_failed_reads_are_tool_errors() -> None:
    base = facts()
    logs = Logs()
    live = Facts(base.diagnosis, clock=base.clock, knowledge=base.knowledge, logs=logs)
    web = next(p for p in base.state.pods("shop") if p.name.startswith("web-"))
    call = ToolCall("c1", "get_logs", f'{{"namespace": "shop", "pod": "{web.name}", "previous": true}}')
    provider = Scripted(ChatReply("", (call,), "tool_calls"), ChatReply("web is fine"))
    answer = asyncio.run(ask("why is deployment web not ready", live, provider=provider))
    assert answer.used_llm and answer.text == "web is fine"
    context = "\n".join(m.content for m in provider.sent[0])
    assert f"{web.name}: serving on :8080" in context and f"log shop/{web.name}/web (current)" in context
    tool_reply = next(m.content for m in provider.sent[1] if m.role == "tool")
    assert "ClusterConnectionError: previous terminated container not found" in tool_reply
