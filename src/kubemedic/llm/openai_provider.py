"""One client for every OpenAI-compatible chat endpoint (OpenAI, Azure, NIM, Ollama, vLLM, llama.cpp, ...).

Built on the official `openai` package (`AsyncOpenAI`, or `AsyncAzureOpenAI` when an Azure API
version is set). The SDK's own retries are switched off: ours (llm/retry.py) are bounded, honour
Retry-After only up to a limit, never retry a timeout, and end in a typed error. Every prompt is
fitted to the context budget (llm/budget.py) before it is sent.

Timeouts: `timeout_s` bounds each attempt of `complete`, and for `stream` the wait for the response
and for each next chunk; a stream that goes on past `max_reply_chars` is cut off as a bad reply
(a model stuck in a loop would otherwise stream forever).

Secrets: this class sends what it is given. Wrap it in `RedactingProvider` (the factory does) so
nothing leaves unmasked. The API key is never part of an error message or a repr.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import openai
import pydantic

from kubemedic.llm.budget import fit_to_budget
from kubemedic.llm.errors import LLMBadReply, LLMError, LLMRefused, LLMTimeout, LLMUnavailable
from kubemedic.llm.retry import RETRYABLE_STATUS, RetryPolicy, parse_retry_after
from kubemedic.llm.types import ChatMessage, ChatReply, ToolSpec
from kubemedic.llm.wire import delta_text, reply_from_completion, to_wire_messages, to_wire_tools
from kubemedic.redact.secrets import mask_secrets

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
_NO_KEY = "not-needed"  # the SDK insists on a key; local servers ignore it
_MALFORMED = (openai.APIResponseValidationError, json.JSONDecodeError, pydantic.ValidationError)


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """Everything the client needs. `model` is the Azure deployment name for Azure."""

    base_url: str
    model: str
    api_key: str = field(default="", repr=False)
    timeout_s: float = 60.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_context_tokens: int = 8000
    azure_api_version: str = ""
    name: str = "openai-compatible"
    temperature: float | None = 0.2
    max_reply_chars: int = 32_000


class OpenAICompatibleProvider:
    """A ChatProvider over one endpoint. Use `async with` (or `aclose`) to release its connections."""

    def __init__(
        self, config: ProviderConfig, *, sleep: Sleep = asyncio.sleep, rng: random.Random | None = None
    ) -> None:
        self.config = config
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._client: openai.AsyncOpenAI | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def label(self) -> str:
        """`ollama llama3.1 at 127.0.0.1:11434` - for notes and logs (no key, no path)."""
        return f"{self.config.name} {self.config.model} at {urlsplit(self.config.base_url).netloc}"

    async def __aenter__(self) -> OpenAICompatibleProvider:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        client, loop = self._client, self._loop
        self._client = self._loop = None
        if client is not None and loop is asyncio.get_running_loop():  # a dead loop's client just goes
            await client.close()

    async def complete(
        self, messages: Sequence[ChatMessage], tools: Sequence[ToolSpec] | None = None
    ) -> ChatReply:
        request = self._request(messages, tools or ())
        create: Any = self._http().chat.completions.create

        async def attempt() -> object:
            async with asyncio.timeout(self.config.timeout_s):
                result: object = await create(**request)
                return result

        completion = await self._with_retries(attempt)
        try:
            return reply_from_completion(completion)
        except LLMError:
            raise
        except Exception as exc:  # a shape the SDK accepted but we cannot read
            raise LLMBadReply(f"{self.label}: unreadable reply ({type(exc).__name__})") from exc

    async def stream(self, messages: Sequence[ChatMessage]) -> AsyncIterator[str]:
        request = self._request(messages, ())
        request["stream"] = True
        create: Any = self._http().chat.completions.create
        timeout = self.config.timeout_s

        async def attempt() -> Any:
            async with asyncio.timeout(timeout):
                return await create(**request)

        stream = await self._with_retries(attempt)
        produced = 0
        try:
            iterator = stream.__aiter__()
            while True:
                try:
                    async with asyncio.timeout(timeout):
                        chunk = await iterator.__anext__()
                except StopAsyncIteration:
                    return
                text = delta_text(chunk)
                if not text:
                    continue
                produced += len(text)
                if produced > self.config.max_reply_chars:
                    raise LLMBadReply(
                        f"{self.label}: reply cut off after {self.config.max_reply_chars} characters"
                    )
                yield text
        except LLMError:
            raise
        except Exception as exc:
            raise self._translate(exc) from exc
        finally:
            await _close_quietly(stream)

    def _http(self) -> openai.AsyncOpenAI:
        """The client for the running event loop: connections cannot cross loops (a CLI may run several)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client, self._loop = _make_client(self.config), loop
        return self._client

    def _request(self, messages: Sequence[ChatMessage], tools: Sequence[ToolSpec]) -> dict[str, object]:
        fitted = fit_to_budget(messages, self.config.max_context_tokens, tools)
        request: dict[str, object] = {
            "model": self.config.model,
            "messages": to_wire_messages(fitted.messages),
        }
        if self.config.temperature is not None:
            request["temperature"] = self.config.temperature
        if tools:
            request["tools"] = to_wire_tools(tools)
        return request

    async def _with_retries(self, attempt: Callable[[], Awaitable[T]]) -> T:
        retry = 0
        while True:
            try:
                return await attempt()
            except Exception as exc:
                error = self._translate(exc)
                if not isinstance(error, LLMUnavailable):
                    raise error from exc
                retry += 1
                wait = self.config.retry.delay(retry, _retry_after(exc), self._rng)
                if wait is None:
                    raise error from exc
            await self._sleep(wait)

    def _translate(self, exc: BaseException) -> LLMError:
        """Any exception of a request as one of our typed errors, with a message safe to show."""
        who = self.label
        if isinstance(exc, LLMError):
            return exc
        if isinstance(exc, TimeoutError | openai.APITimeoutError):
            return LLMTimeout(f"{who}: no answer within {self.config.timeout_s:g} s")
        if isinstance(exc, openai.APIConnectionError):
            return LLMUnavailable(f"{who}: cannot connect ({_cause(exc)})")
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            detail = _short(_server_message(exc))
            if status in RETRYABLE_STATUS:
                after = _retry_after(exc)
                waited = f"; asked to wait {after:g} s" if after is not None else ""
                return LLMUnavailable(f"{who}: HTTP {status}{waited}: {detail}")
            return LLMRefused(f"{who}: HTTP {status}: {detail}")
        if isinstance(
            exc, openai.APIResponseValidationError | json.JSONDecodeError | pydantic.ValidationError
        ):
            return LLMBadReply(f"{who}: malformed reply ({_short(str(exc))})")
        if isinstance(exc, openai.OpenAIError):
            return LLMBadReply(f"{who}: {_short(str(exc))}")
        return LLMBadReply(f"{who}: unreadable reply ({type(exc).__name__}: {_short(str(exc))})")


def _make_client(config: ProviderConfig) -> openai.AsyncOpenAI:
    key = config.api_key or _NO_KEY
    if config.azure_api_version:
        return openai.AsyncAzureOpenAI(
            azure_endpoint=config.base_url,
            api_key=key,
            api_version=config.azure_api_version,
            timeout=config.timeout_s,
            max_retries=0,
        )
    return openai.AsyncOpenAI(base_url=config.base_url, api_key=key, timeout=config.timeout_s, max_retries=0)


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    millis = parse_retry_after(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000
    return parse_retry_after(headers.get("retry-after"))


def _server_message(exc: openai.APIStatusError) -> str:
    """The server's own words ("The model `x` does not exist"), not the SDK's wrapping of them."""
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else None
        if isinstance(message, str) and message:
            return message
    return exc.message.removeprefix(f"Error code: {exc.status_code} - ")


def _cause(exc: BaseException) -> str:
    inner = exc.__cause__ or exc.__context__
    return _short(f"{type(inner).__name__}: {inner}" if inner else str(exc))


def _short(text: str, limit: int = 200) -> str:
    """One line of a server's message, secrets masked (a 401 may echo part of the key)."""
    text = mask_secrets(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 3] + "..."


async def _close_quietly(stream: object) -> None:
    close = getattr(stream, "close", None)
    if close is None:
        return
    try:
        await close()
    except Exception:  # closing a broken stream must not hide the error that broke it
        return
