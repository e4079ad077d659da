"""A real OpenAI-compatible HTTP server on 127.0.0.1 that records requests and plays a script.

Tests talk to it through the same client code as to a real model (the `openai` package over HTTP),
so what they assert - retries, timeouts, what the prompt contained - is what happens in production.

    from tests.support.fake_llm import FakeLLM, Text, ToolCalls, running_fake_llm

    with running_fake_llm() as llm:            # or the `fake_llm` pytest fixture below
        llm.script(ToolCalls.of(("get_events", {"namespace": "shop"})), Text("checkout is down because ..."))
        ... point a provider at llm.url (http://127.0.0.1:<port>/v1), model anything ...
        assert "hunter2" not in llm.sent_text()

Steps are played one per POST /v1/chat/completions, in order. `Forever(step)` is never used up (a
model stuck calling tools). When the script is empty the server answers HTTP 500 "script exhausted",
which a test notices. Streaming requests (`"stream": true`) get the same steps as SSE chunks.

Fixtures (import them into a conftest.py to use them; tests/integration/llm/conftest.py does):
`fake_llm_server` (one server per module) and `fake_llm` (that server, reset for each test).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.support.asgi_thread import serving

# ---- the script -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A plain answer. Streamed as one chunk per word."""

    content: str
    finish_reason: str = "stop"


@dataclass(frozen=True)
class ToolCalls:
    """The model asks for tools: (name, JSON arguments text) pairs; arguments may be invalid on purpose."""

    calls: tuple[tuple[str, str], ...]
    content: str = ""

    @classmethod
    def of(cls, *calls: tuple[str, Mapping[str, object] | str]) -> ToolCalls:
        return cls(tuple((name, args if isinstance(args, str) else json.dumps(args)) for name, args in calls))


@dataclass(frozen=True)
class Delay:
    """Wait `seconds` before answering with `then` (to trigger client timeouts)."""

    seconds: float
    then: Step = field(default_factory=lambda: Text("too late"))


@dataclass(frozen=True)
class HttpError:
    """An HTTP error with an OpenAI-style error body (500, 502, 503, 401, 404, ...)."""

    status: int
    message: str = "fake server error"
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RateLimited:
    """HTTP 429 with a Retry-After header (seconds)."""

    retry_after: float


@dataclass(frozen=True)
class Malformed:
    """A 200 whose body is not a valid completion (broken JSON by default)."""

    body: str = '{"id": "chatcmpl-x", "choices": [{"message": {"content": "cut'
    content_type: str = "application/json"


@dataclass(frozen=True)
class NoChoices:
    """A well-formed completion with an empty `choices` list."""


@dataclass(frozen=True)
class Endless:
    """Stream text deltas forever, `interval` seconds apart (a model that never stops)."""

    delta: str = "and again "
    interval: float = 0.0


@dataclass(frozen=True)
class Stall:
    """Stream `text`'s first words, then go silent for `seconds` (a stream that hangs)."""

    text: str = "starting the analysis"
    seconds: float = 30.0


@dataclass(frozen=True)
class Forever:
    """Play `step` for every request from now on; never used up."""

    step: Step


Step = Text | ToolCalls | Delay | HttpError | RateLimited | Malformed | NoChoices | Endless | Stall | Forever


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: Mapping[str, str]
    body: Mapping[str, object] | None
    query: str = ""

    @property
    def messages(self) -> list[dict[str, object]]:
        raw = (self.body or {}).get("messages")
        return [m for m in raw if isinstance(m, dict)] if isinstance(raw, list) else []


# ---- the server -------------------------------------------------------------------------------


class FakeLLM:
    """The server's state: the script, the recorded requests, an optional required API key."""

    def __init__(self) -> None:
        self.url = ""
        self.required_key: str | None = None
        self._lock = threading.Lock()
        self._steps: deque[Step] = deque()
        self._requests: list[RecordedRequest] = []

    def script(self, *steps: Step) -> FakeLLM:
        with self._lock:
            self._steps.extend(steps)
        return self

    def reset(self) -> None:
        with self._lock:
            self._steps.clear()
            self._requests.clear()
            self.required_key = None

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def sent_text(self) -> str:
        """Everything any chat request sent: every message's content and tool-call arguments, and tools."""
        parts: list[str] = []
        for request in self.chat_requests():
            parts.append(json.dumps(request.body, ensure_ascii=False))
            for message in request.messages:
                content = message.get("content")
                if isinstance(content, str):
                    parts.append(content)
        return "\n".join(parts)

    def _next(self) -> Step | None:
        with self._lock:
            if not self._steps:
                return None
            step = self._steps[0]
            if isinstance(step, Forever):
                return step.step
            return self._steps.popleft()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/v1/models", self._models, methods=["GET"]),
                # Azure's data-plane path: /openai/deployments/<name>/chat/completions?api-version=...
                Route("/openai/deployments/{deployment}/chat/completions", self._chat, methods=["POST"]),
            ]
        )

    async def _models(self, request: Request) -> Response:
        self._record(RecordedRequest("GET", request.url.path, dict(request.headers), None))
        return JSONResponse(
            {"object": "list", "data": [{"id": "fake-model", "object": "model", "owned_by": "test"}]}
        )

    async def _chat(self, request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            body = {"_unparsed": raw.decode(errors="replace")}
        self._record(
            RecordedRequest("POST", request.url.path, dict(request.headers), body, request.url.query)
        )
        key = self.required_key
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if key is not None and key not in (bearer, request.headers.get("api-key")):
            return _error(401, "Incorrect API key provided", "invalid_api_key")
        step = self._next()
        if step is None:
            return _error(500, "fake LLM: script exhausted")
        return await _play(step, body, stream=bool(body.get("stream")))


async def _play(step: Step, body: Mapping[str, object], *, stream: bool) -> Response:
    model = str(body.get("model", "fake-model"))
    if isinstance(step, Delay):
        await asyncio.sleep(step.seconds)
        return await _play(step.then, body, stream=stream)
    if isinstance(step, HttpError):
        return _error(step.status, step.message, headers=step.headers)
    if isinstance(step, RateLimited):
        return _error(
            429, "Rate limit reached", "rate_limit_exceeded", {"retry-after": f"{step.retry_after:g}"}
        )
    if isinstance(step, Malformed):
        if stream:
            return StreamingResponse(_sse_raw([step.body]), media_type="text/event-stream")
        return Response(step.body, media_type=step.content_type)
    if isinstance(step, NoChoices):
        return JSONResponse(_completion(model, []))
    if isinstance(step, Endless | Stall):
        return StreamingResponse(_sse_hanging(step, model), media_type="text/event-stream")
    assert isinstance(step, Text | ToolCalls)
    if stream:
        return StreamingResponse(_sse_chunks(step, model), media_type="text/event-stream")
    message: dict[str, object] = {"role": "assistant", "content": step.content or None}
    finish = step.finish_reason if isinstance(step, Text) else "tool_calls"
    if isinstance(step, ToolCalls):
        message["tool_calls"] = _tool_calls(step)
    return JSONResponse(_completion(model, [{"index": 0, "message": message, "finish_reason": finish}]))


def _tool_calls(step: ToolCalls) -> list[dict[str, object]]:
    return [
        {"id": f"call_{n}", "type": "function", "function": {"name": name, "arguments": args}}
        for n, (name, args) in enumerate(step.calls, start=1)
    ]


def _completion(model: str, choices: list[dict[str, object]]) -> dict[str, object]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
        "usage": {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49},
    }


def _chunk(model: str, delta: Mapping[str, object], finish: str | None = None) -> str:
    return json.dumps(
        {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "delta": dict(delta), "finish_reason": finish}],
        }
    )


async def _sse_chunks(step: Text | ToolCalls, model: str) -> AsyncIterator[bytes]:
    yield f"data: {_chunk(model, {'role': 'assistant', 'content': ''})}\n\n".encode()
    if isinstance(step, Text):
        words = step.content.split(" ")
        for n, word in enumerate(words):
            piece = word if n == len(words) - 1 else word + " "
            yield f"data: {_chunk(model, {'content': piece})}\n\n".encode()
        finish = step.finish_reason
    else:
        for n, call in enumerate(_tool_calls(step)):
            yield f"data: {_chunk(model, {'tool_calls': [{'index': n, **call}]})}\n\n".encode()
        finish = "tool_calls"
    yield f"data: {_chunk(model, {}, finish)}\n\n".encode()
    yield b"data: [DONE]\n\n"


async def _sse_raw(payloads: list[str]) -> AsyncIterator[bytes]:
    for payload in payloads:
        yield f"data: {payload}\n\n".encode()
    yield b"data: [DONE]\n\n"


async def _sse_hanging(step: Endless | Stall, model: str) -> AsyncIterator[bytes]:
    yield f"data: {_chunk(model, {'role': 'assistant', 'content': ''})}\n\n".encode()
    if isinstance(step, Stall):
        for word in step.text.split(" "):
            yield f"data: {_chunk(model, {'content': word + ' '})}\n\n".encode()
        await asyncio.sleep(step.seconds)
        return
    while True:
        yield f"data: {_chunk(model, {'content': step.delta})}\n\n".encode()
        await asyncio.sleep(step.interval)


def _error(
    status: int, message: str, code: str | None = None, headers: Mapping[str, str] | None = None
) -> Response:
    body = {"error": {"message": message, "type": "fake_error", "param": None, "code": code}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


# ---- running it -------------------------------------------------------------------------------


@contextmanager
def running_fake_llm(startup_timeout: float = 10.0) -> Iterator[FakeLLM]:
    """Serve a FakeLLM on a free 127.0.0.1 port in a background thread; stop it on exit."""
    fake = FakeLLM()
    with serving(fake.app(), "fake-llm", startup_timeout) as url:
        fake.url = url + "/v1"
        yield fake


@pytest.fixture(scope="module")
def fake_llm_server() -> Iterator[FakeLLM]:
    with running_fake_llm() as fake:
        yield fake


@pytest.fixture()
def fake_llm(fake_llm_server: FakeLLM) -> Iterator[FakeLLM]:
    fake_llm_server.reset()
    yield fake_llm_server
    fake_llm_server.reset()
