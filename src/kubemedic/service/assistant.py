"""Wiring of the assistant for the faces: where its facts come from, and which model (if any) phrases.

- a snapshot directory or a live context (CLI): scanned with the same service functions as `scan`;
- `kubemedic serve`: the monitor's latest state (diagnosed once per state), the store's timeline and
  the monitor's log reader.
The knowledge base is the user's index when one exists (`kubemedic kb add`), else the built-in runbooks.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kubemedic.assistant import (
    Answer,
    Diagnosis,
    Facts,
    Knowledge,
    LoopLimits,
    StreamPiece,
    TimelineItem,
    ask,
    explain_target,
    offline_pieces,
    parse,
)
from kubemedic.assistant.answer import Intent
from kubemedic.assistant.ask import answer_offline
from kubemedic.assistant.facts import secret_values
from kubemedic.cluster.client import ClusterTarget
from kubemedic.config import Settings
from kubemedic.domain import ObjectRef
from kubemedic.knowledge import KnowledgeBase
from kubemedic.llm.budget import chars_for_tokens
from kubemedic.service.live import Clock
from kubemedic.service.live_scan import scan_live
from kubemedic.service.models import ScanReport
from kubemedic.service.scan import scan_snapshot
from kubemedic.state import ClusterState

if TYPE_CHECKING:
    from kubemedic.llm import ChatProvider
    from kubemedic.store import Store

# (namespace, pod, container, previous, tail) -> log text; the same reader the pod-logs route uses
LogReader = Callable[[str, str, str, bool, int], Awaitable[str]]


def open_knowledge(settings: Settings | None = None) -> KnowledgeBase:
    """The user's index (`kb add`) when it exists, else an in-memory one with the built-in runbooks."""
    path = (settings or Settings()).data_dir / "knowledge.db"
    return KnowledgeBase.open(path if path.exists() else None)


def facts_from_report(report: ScanReport, *, clock: Clock, knowledge: Knowledge | None) -> Facts:
    state = report.state if report.state is not None else ClusterState.build([], now=clock())
    return Facts(Diagnosis.of(state, report.findings, report.incidents), clock=clock, knowledge=knowledge)


def snapshot_facts(path: Path, *, knowledge: Knowledge | None) -> Facts:
    """A snapshot's facts; "now" is its capture time. SnapshotError when nothing could be read."""
    report = scan_snapshot(path)
    assert report.state is not None  # scan_snapshot always keeps the state it scanned
    captured = report.state.now
    return facts_from_report(report, clock=lambda: captured, knowledge=knowledge)


def live_facts(target: ClusterTarget, *, clock: Clock, knowledge: Knowledge | None) -> Facts:
    """A live cluster's facts (an unreachable cluster is a finding, like `scan`)."""
    return facts_from_report(scan_live(target, clock=clock), clock=clock, knowledge=knowledge)


@dataclass(frozen=True)
class StoreTimeline:
    """The store's timeline of one cluster as the assistant's TimelineSource."""

    store: Store
    cluster: str

    async def recent(self, ref: ObjectRef | None, since: datetime) -> list[TimelineItem]:
        if ref is None:
            entries = await self.store.recent_timeline(self.cluster, since=since, limit=500)
        else:
            entries = await self.store.timeline(self.cluster, ref.kind, ref.namespace, ref.name, since=since)
        return [
            TimelineItem(e.at, ObjectRef(e.kind, e.namespace, e.name, cluster=e.cluster), e.type, e.text)
            for e in entries
            if e.at >= since
        ]


@dataclass(frozen=True)
class ReaderLogs:
    """serve's log reader as the assistant's LogSource."""

    read: LogReader

    async def tail(self, namespace: str, pod: str, container: str, *, previous: bool, lines: int) -> str:
        return await self.read(namespace, pod, container, previous, lines)


@dataclass
class AssistantService:
    """Answers and explanations for the API; diagnoses each new monitor state once."""

    knowledge: Knowledge | None
    provider: ChatProvider | None = None
    limits: LoopLimits = field(default_factory=LoopLimits)
    _last: tuple[ClusterState, Diagnosis] | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> AssistantService:
        """The knowledge base and the model the settings name (LLMConfigError when they are unusable)."""
        settings = settings or Settings()
        provider, limits = provider_from_settings(settings)
        return cls(open_knowledge(settings), provider, limits)

    async def facts(
        self,
        state: ClusterState,
        *,
        clock: Clock,
        store: Store | None = None,
        logs: LogReader | None = None,
    ) -> Facts:
        if self._last is None or self._last[0] is not state:
            # once per analyzed state, off the event loop (a large cluster takes a few hundred ms)
            self._last = (state, await asyncio.to_thread(Diagnosis.of, state))
        return Facts(
            self._last[1],
            clock=clock,
            knowledge=self.knowledge,
            timeline=StoreTimeline(store, state.cluster) if store is not None else None,
            logs=ReaderLogs(logs) if logs is not None else None,
        )

    async def ask(self, question: str, facts: Facts, *, namespace: str | None = None) -> Answer:
        provider = bind_provider(self.provider, facts.state) if self.provider is not None else None
        return await ask(question, facts, namespace=namespace, provider=provider, limits=self.limits)

    def explain(self, target: str, facts: Facts) -> Answer:
        return explain_target(target, facts)

    async def stream(
        self, question: str, facts: Facts, *, namespace: str | None = None
    ) -> AsyncIterator[StreamPiece]:
        """Stream an answer: the model's deltas when one is configured, else the offline answer's lines.
        InputError (raised before the first piece) for a bad question."""
        parsed = parse(question, namespace)
        offline = await answer_offline(parsed, facts)
        if self.provider is None or offline.intent is Intent.NO_SUCH_OBJECT:
            for piece in offline_pieces(offline):
                yield piece
            return
        from kubemedic.assistant.chat import stream_llm

        provider = bind_provider(self.provider, facts.state)
        async for piece in stream_llm(parsed, facts, provider, offline, self.limits):
            yield piece


def provider_from_settings(settings: Settings | None = None) -> tuple[ChatProvider | None, LoopLimits]:
    """The configured model (None when KUBEMEDIC_LLM_PROVIDER is offline) and the loop's bounds.

    The whole answer may take the model's timeout for a few round trips, never more than two minutes;
    the context budget is KUBEMEDIC_LLM_MAX_CONTEXT_TOKENS less a fifth kept for the answer, in
    characters by the provider's own estimate.
    LLMConfigError (an InputError) when the settings are not usable."""
    settings = settings or Settings()
    limits = LoopLimits(
        max_seconds=min(120.0, settings.llm_timeout_s * 3),
        budget_chars=chars_for_tokens(settings.llm_max_context_tokens * 4 // 5),
    )
    if settings.llm_provider.strip().lower() in ("", "offline", "none"):
        return None, limits  # offline: the model client is not even imported
    from kubemedic.llm import provider_from_settings as make_provider

    return make_provider(settings), limits


def bind_provider(provider: ChatProvider, state: ClusterState) -> ChatProvider:
    """The provider for one conversation about `state`: the exact Secret values it holds are masked too,
    and with KUBEMEDIC_LLM_ANONYMIZE the names, namespaces, IPs and images of the state are replaced
    consistently on the way out and mapped back in the answer (the same masking as `scan --anonymize`)."""
    from kubemedic.llm import RedactingProvider

    if not isinstance(provider, RedactingProvider):
        return provider
    anonymizer = None
    if provider.anonymize:
        from kubemedic.redact import Anonymizer
        from kubemedic.service.anonymize import register_state

        anonymizer = Anonymizer()
        register_state(anonymizer, state)
    return provider.for_request(anonymizer, secret_values(state))
