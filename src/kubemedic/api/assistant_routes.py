"""Ask and explain over HTTP: `POST /api/v1/ask` (JSON, or server-sent events when streamed),
`POST /api/v1/findings/{id}/explain`, and the seed-style alias `POST /api/chat/query`.

Thin routes: a bad question raises InputError, which api/problems.py turns into a 400 problem+json.
The facts come from the monitor's latest state (plus the store's timeline and the live
log reader); the answer comes from the assistant service. Answers carry structured citations.
"""

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from kubemedic.api.auth import Caller
from kubemedic.api.cluster_routes import LogReader, States, pick_state
from kubemedic.assistant import Answer, CitationKind, Facts, answer_dict, parse
from kubemedic.report.schema import finding_dict
from kubemedic.service.assistant import AssistantService
from kubemedic.state import ClusterState
from kubemedic.store import Store


class AskBody(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    namespace: str | None = Field(default=None, max_length=253)
    cluster: str | None = Field(default=None, max_length=253)
    stream: bool = False


class ExplainBody(BaseModel):
    cluster: str | None = Field(default=None, max_length=253)


class ChatQuery(BaseModel):
    query: str = Field(min_length=1, max_length=2000)
    include_context: bool = True
    namespace: str | None = Field(default=None, max_length=253)
    cluster: str | None = Field(default=None, max_length=253)


def assistant_router(
    states: States,
    store: Store,
    viewer: Any,
    logs: LogReader | None = None,
    service: AssistantService | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> APIRouter:
    router = APIRouter()
    Viewer = Annotated[Caller, Depends(viewer)]
    built: list[AssistantService] = [service] if service is not None else []

    def assistant() -> AssistantService:
        if not built:  # opened on first use: the knowledge index and the model named by the settings
            built.append(AssistantService.from_settings())
        return built[0]

    def pick(cluster: str | None) -> ClusterState:
        return pick_state(states, cluster)

    async def facts_for(cluster: str | None, namespace: str | None) -> Facts:
        state = pick(cluster)
        if namespace is not None and namespace not in state.namespaces():
            raise HTTPException(404, f"no namespace {namespace!r} in cluster {state.cluster or 'current'}")
        return await assistant().facts(state, clock=clock, store=store, logs=logs)

    def sse(pieces: AsyncIterator[bytes]) -> StreamingResponse:
        return StreamingResponse(
            pieces, media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    async def streamed(question: str, facts: Facts, namespace: str | None) -> AsyncIterator[bytes]:
        yield b": answering\n\n"
        async for piece in assistant().stream(question, facts, namespace=namespace):
            if piece.delta:
                yield b"event: delta\ndata: %s\n\n" % orjson.dumps({"text": piece.delta})
            if piece.note:
                yield b"event: note\ndata: %s\n\n" % orjson.dumps({"note": piece.note})
            if piece.answer is not None:
                yield b"event: answer\ndata: %s\n\n" % orjson.dumps(answer_dict(piece.answer))
        yield b"event: done\ndata: {}\n\n"

    @router.post(
        "/api/v1/ask",
        response_model=None,
        responses={200: {"content": {"text/event-stream": {"schema": {"type": "object"}}}}},
    )
    async def ask(body: AskBody, request: Request, _c: Viewer) -> dict[str, Any] | StreamingResponse:
        """Answer a question about a cluster; `stream: true` or `Accept: text/event-stream` for SSE."""
        facts = await facts_for(body.cluster, body.namespace)
        parse(body.question, body.namespace)  # a bad question is a 400 before any stream starts
        if body.stream or "text/event-stream" in request.headers.get("accept", ""):
            return sse(streamed(body.question, facts, body.namespace))
        answer = await assistant().ask(body.question, facts, namespace=body.namespace)
        return answer_dict(answer)

    @router.post("/api/v1/findings/{finding_id}/explain")
    async def explain(finding_id: str, _c: Viewer, body: ExplainBody | None = None) -> dict[str, Any]:
        """Explain one finding: root cause, evidence, how to confirm, fix and prevent (offline)."""
        stored = await store.finding_by_id(finding_id)
        cluster = (body.cluster if body else None) or (stored.finding.object.cluster if stored else None)
        facts = await facts_for(cluster if cluster in states() else None, None)
        current = facts.diagnosis.finding(finding_id)
        if current is not None:
            return answer_dict(assistant().explain(finding_id, facts))
        if stored is None:
            raise HTTPException(404, f"no finding with id {finding_id!r}")
        from kubemedic.assistant import explain as explain_finding

        answer = explain_finding(stored.finding, facts)
        note = f"this finding is {stored.status} (last seen {stored.last_seen.isoformat()})"
        return answer_dict(Answer(answer.text, answer.citations, answer.intent, notes=(*answer.notes, note)))

    @router.post("/api/chat/query")
    async def chat_query(body: ChatQuery, _c: Viewer) -> dict[str, Any]:
        """The seed-style chat endpoint: `{"query": ..., "include_context": true}`."""
        facts = await facts_for(body.cluster, body.namespace)
        answer = await assistant().ask(body.query, facts, namespace=body.namespace)
        out: dict[str, Any] = {"query": body.query, "response": answer.text, **answer_dict(answer)}
        if body.include_context:
            cited = [c.finding_id for c in answer.citations if c.kind is CitationKind.FINDING]
            found = [f for i in dict.fromkeys(cited) if (f := facts.diagnosis.finding(i)) is not None]
            out["context"] = {
                "cluster": facts.state.cluster,
                "namespace": body.namespace,
                "findings": [finding_dict(f) for f in found],
            }
        return out

    return router
