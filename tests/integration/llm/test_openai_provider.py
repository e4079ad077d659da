"""The OpenAI-compatible provider against a real HTTP server: answers, streams, tool calls, and every
way a model server fails - each ending in the right typed error, quickly and with bounded retries."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from kubemedic.config import Settings
from kubemedic.llm import (
    ChatMessage,
    LLMBadReply,
    LLMRefused,
    LLMTimeout,
    LLMUnavailable,
    OpenAICompatibleProvider,
    ProviderConfig,
    RetryPolicy,
    ToolSpec,
    provider_from_settings,
)
from tests.support.fake_llm import (
    Delay,
    Endless,
    FakeLLM,
    HttpError,
    Malformed,
    NoChoices,
    RateLimited,
    Stall,
    Text,
    ToolCalls,
)

pytestmark = [pytest.mark.integration, pytest.mark.anyio]

QUESTION = [ChatMessage.system("You diagnose Kubernetes."), ChatMessage.user("why is checkout down?")]
GET_LOGS = ToolSpec(
    "get_logs",
    "Read a container's recent log lines.",
    {
        "type": "object",
        "properties": {"namespace": {"type": "string"}, "pod": {"type": "string"}},
        "required": ["namespace", "pod"],
    },
)


class Sleeps:
    """Records the back-off waits instead of sleeping them (the retry tests stay fast)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture()
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture()
async def provider(fake_llm: FakeLLM, sleeps: Sleeps) -> AsyncIterator[OpenAICompatibleProvider]:
    config = ProviderConfig(fake_llm.url, "fake-model", api_key="sk-test", timeout_s=2.0)
    async with OpenAICompatibleProvider(config, sleep=sleeps) as p:
        yield p


async def test_completion_sends_the_conversation_and_reads_the_answer(
    fake_llm: FakeLLM, provider: OpenAICompatibleProvider
) -> None:
    fake_llm.script(Text("checkout crash-loops: the config key DB_URL is missing"))
    reply = await provider.complete(QUESTION)
    assert reply.text == "checkout crash-loops: the config key DB_URL is missing"
    assert reply.finish_reason == "stop" and reply.usage.prompt_tokens == 42
    [request] = fake_llm.chat_requests()
    assert request.body is not None and request.body["model"] == "fake-model"
    assert request.messages == [
        {"role": "system", "content": "You diagnose Kubernetes."},
        {"role": "user", "content": "why is checkout down?"},
    ]
    assert request.headers["authorization"] == "Bearer sk-test"


async def test_streaming_yields_the_text_in_pieces(
    fake_llm: FakeLLM, provider: OpenAICompatibleProvider
) -> None:
    fake_llm.script(Text("the pod was OOMKilled at 512Mi"))
    pieces = [p async for p in provider.stream(QUESTION)]
    assert len(pieces) > 3 and "".join(pieces) == "the pod was OOMKilled at 512Mi"
    assert fake_llm.chat_requests()[0].body["stream"] is True  # type: ignore[index]


async def test_tool_calls_are_parsed_and_their_results_go_back(
    fake_llm: FakeLLM, provider: OpenAICompatibleProvider
) -> None:
    fake_llm.script(ToolCalls.of(("get_logs", {"namespace": "shop", "pod": "checkout-0"})), Text("done"))
    reply = await provider.complete(QUESTION, tools=[GET_LOGS])
    [call] = reply.tool_calls
    assert call.name == "get_logs" and call.parsed_arguments() == {"namespace": "shop", "pod": "checkout-0"}
    assert reply.finish_reason == "tool_calls"
    sent_tools = fake_llm.chat_requests()[0].body["tools"]  # type: ignore[index]
    assert sent_tools == [
        {
            "type": "function",
            "function": {
                "name": "get_logs",
                "description": GET_LOGS.description,
                "parameters": GET_LOGS.parameters,
            },
        }
    ]

    history = [
        *QUESTION,
        ChatMessage.assistant("", (call,)),
        ChatMessage.tool(call.id, "FATAL: DB_URL not set"),
    ]
    assert (await provider.complete(history, tools=[GET_LOGS])).text == "done"
    second = fake_llm.chat_requests()[1].messages
    assert second[2]["tool_calls"] == [
        {"id": call.id, "type": "function", "function": {"name": "get_logs", "arguments": call.arguments}}
    ]
    assert second[3] == {"role": "tool", "tool_call_id": call.id, "content": "FATAL: DB_URL not set"}


async def test_invalid_tool_call_arguments_are_a_bad_reply(
    fake_llm: FakeLLM, provider: OpenAICompatibleProvider
) -> None:
    fake_llm.script(ToolCalls((("get_logs", '{"namespace": "shop", "pod": '),)))
    with pytest.raises(LLMBadReply, match=r"get_logs.*not JSON"):
        await provider.complete(QUESTION, tools=[GET_LOGS])


async def test_5xx_is_retried_with_growing_jittered_waits_then_succeeds(
    fake_llm: FakeLLM, provider: OpenAICompatibleProvider, sleeps: Sleeps
) -> None:
    fake_llm.script(HttpError(503, "overloaded"), HttpError(502), Text("finally"))
    assert (await provider.complete(QUESTION)).text == "finally"
    assert len(fake_llm.chat_requests()) == 3
    first, second = sleeps.waits
    assert 0.25 <= first <= 0.5 and 0.5 <= second <= 1.0


async def test_retries_are_bounded(
    fake_llm: FakeLLM, provider: OpenAICompatibleProvider, sleeps: Sleeps
) -> None:
    fake_llm.script(HttpError(500), HttpError(500), HttpError(500), Text("never reached"))
    with pytest.raises(LLMUnavailable, match="HTTP 500"):
        await provider.complete(QUESTION)
    assert len(fake_llm.chat_requests()) == 3 and len(sleeps.waits) == 2


async def test_429_retry_after_is_honoured(fake_llm: FakeLLM) -> None:
    fake_llm.script(RateLimited(0.4), Text("after the wait"))
    async with OpenAICompatibleProvider(ProviderConfig(fake_llm.url, "m")) as provider:  # real sleeps
        started = time.monotonic()
        assert (await provider.complete(QUESTION)).text == "after the wait"
        assert 0.4 <= time.monotonic() - started < 2.0


async def test_429_asking_for_too_long_a_wait_gives_up_at_once(
    fake_llm: FakeLLM, provider: OpenAICompatibleProvider, sleeps: Sleeps
) -> None:
    fake_llm.script(RateLimited(120), Text("never reached"))
    with pytest.raises(LLMUnavailable, match=r"HTTP 429; asked to wait 120 s"):
        await provider.complete(QUESTION)
    assert len(fake_llm.chat_requests()) == 1 and sleeps.waits == []


async def test_a_slow_model_times_out_quickly_and_is_not_retried(fake_llm: FakeLLM) -> None:
    fake_llm.script(Delay(5), Text("late"))
    config = ProviderConfig(fake_llm.url, "m", timeout_s=0.3)
    async with OpenAICompatibleProvider(config) as provider:
        started = time.monotonic()
        with pytest.raises(LLMTimeout, match=r"no answer within 0.3 s"):
            await provider.complete(QUESTION)
        assert time.monotonic() - started < 1.5
    assert len(fake_llm.chat_requests()) == 1


async def test_malformed_json_and_empty_choices_are_bad_replies(
    fake_llm: FakeLLM, provider: OpenAICompatibleProvider
) -> None:
    fake_llm.script(Malformed(), NoChoices(), Malformed('{"unexpected": true}'))
    with pytest.raises(LLMBadReply, match="malformed reply"):
        await provider.complete(QUESTION)
    with pytest.raises(LLMBadReply, match="no choices"):
        await provider.complete(QUESTION)
    with pytest.raises(LLMBadReply, match="no choices"):
        await provider.complete(QUESTION)
    assert len(fake_llm.chat_requests()) == 3  # bad replies are not retried


async def test_a_wrong_key_is_refused_without_retries_and_without_echoing_the_key(fake_llm: FakeLLM) -> None:
    fake_llm.required_key = "sk-right"
    config = ProviderConfig(fake_llm.url, "m", api_key="sk-wrong-but-secret-1234567890abcdefghijkl")
    async with OpenAICompatibleProvider(config) as provider:
        with pytest.raises(LLMRefused, match="HTTP 401") as caught:
            await provider.complete(QUESTION)
    assert "sk-wrong" not in str(caught.value) and "sk-wrong" not in repr(config)
    assert len(fake_llm.chat_requests()) == 1


async def test_unknown_model_is_refused(fake_llm: FakeLLM, provider: OpenAICompatibleProvider) -> None:
    fake_llm.script(HttpError(404, "The model `gpt-9` does not exist"))
    with pytest.raises(LLMRefused, match="HTTP 404: The model `gpt-9` does not exist"):
        await provider.complete(QUESTION)


async def test_nothing_listening_is_unavailable_after_bounded_retries(sleeps: Sleeps) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    config = ProviderConfig(f"http://127.0.0.1:{port}/v1", "m", retry=RetryPolicy(max_retries=1))
    async with OpenAICompatibleProvider(config, sleep=sleeps) as provider:
        with pytest.raises(LLMUnavailable, match="cannot connect"):
            await provider.complete(QUESTION)
    assert len(sleeps.waits) == 1


async def test_stream_errors(fake_llm: FakeLLM, sleeps: Sleeps) -> None:
    fake_llm.script(
        Endless(delta="x" * 50), Stall(seconds=5), Malformed("{not json"), HttpError(503), Text("ok now")
    )
    config = ProviderConfig(fake_llm.url, "m", timeout_s=0.4, max_reply_chars=2000)
    async with OpenAICompatibleProvider(config, sleep=sleeps) as provider:
        with pytest.raises(LLMBadReply, match="cut off after 2000 characters"):
            _ = [p async for p in provider.stream(QUESTION)]
        started = time.monotonic()
        with pytest.raises(LLMTimeout):
            _ = [p async for p in provider.stream(QUESTION)]
        assert time.monotonic() - started < 1.5
        with pytest.raises(LLMBadReply):
            _ = [p async for p in provider.stream(QUESTION)]
        assert "".join([p async for p in provider.stream(QUESTION)]) == "ok now"  # 503 retried first
    assert len(sleeps.waits) == 1


async def test_settings_build_a_working_provider_for_a_preset(fake_llm: FakeLLM) -> None:
    fake_llm.script(Text("hello from vllm"))
    settings = Settings(
        llm_provider="vllm", llm_base_url=fake_llm.url, llm_model="qwen2.5", llm_api_key=SecretStr("vllm-key")
    )
    provider = provider_from_settings(settings)
    assert provider is not None
    async with provider:
        assert (await provider.complete(QUESTION)).text == "hello from vllm"
    [request] = fake_llm.chat_requests()
    assert request.headers["authorization"] == "Bearer vllm-key" and request.body["model"] == "qwen2.5"  # type: ignore[index]


async def test_azure_preset_uses_the_deployment_path_api_version_and_api_key_header(
    fake_llm: FakeLLM,
) -> None:
    fake_llm.script(Text("hello from azure"))
    root = fake_llm.url.removesuffix("/v1")
    settings = Settings(
        llm_provider="azure", llm_base_url=root, llm_model="gpt4o-prod", llm_api_key=SecretStr("azure-key")
    )
    provider = provider_from_settings(settings)
    assert provider is not None
    async with provider:
        assert (await provider.complete(QUESTION)).text == "hello from azure"
    [request] = fake_llm.chat_requests()
    assert request.path == "/openai/deployments/gpt4o-prod/chat/completions"
    assert "api-version=2024-10-21" in request.query and request.headers["api-key"] == "azure-key"
    assert json.dumps(request.body).count("hello") == 0
