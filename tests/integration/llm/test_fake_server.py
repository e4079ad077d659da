"""The fake model server itself: what other tests rely on when they script it."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from kubemedic.llm import ChatMessage, LLMUnavailable, OpenAICompatibleProvider, ProviderConfig, RetryPolicy
from tests.support.fake_llm import FakeLLM, Forever, Text, ToolCalls

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


async def test_models_endpoint_and_request_recording(fake_llm: FakeLLM) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{fake_llm.url}/models")
    assert response.json()["data"][0]["id"] == "fake-model"
    assert [r.path for r in fake_llm.requests] == ["/v1/models"]


async def test_forever_plays_the_same_tool_call_for_every_request(fake_llm: FakeLLM) -> None:
    fake_llm.script(Forever(ToolCalls.of(("get_events", {"namespace": "shop"}))))
    async with OpenAICompatibleProvider(ProviderConfig(fake_llm.url, "m")) as provider:
        replies = [await provider.complete([ChatMessage.user("loop?")]) for _ in range(5)]
    assert all(r.tool_calls[0].name == "get_events" for r in replies)
    assert len(fake_llm.chat_requests()) == 5


async def test_an_exhausted_script_is_a_server_error(fake_llm: FakeLLM) -> None:
    fake_llm.script(Text("only one"))
    config = ProviderConfig(fake_llm.url, "m", retry=RetryPolicy(max_retries=0))
    async with OpenAICompatibleProvider(config) as provider:
        assert (await provider.complete([ChatMessage.user("1")])).text == "only one"
        with pytest.raises(LLMUnavailable, match="script exhausted"):
            await provider.complete([ChatMessage.user("2")])


def test_one_provider_serves_several_event_loops(fake_llm: FakeLLM) -> None:
    """A CLI may call asyncio.run more than once with the same provider (closing it in each)."""
    fake_llm.script(Forever(Text("hi")))
    provider = OpenAICompatibleProvider(ProviderConfig(fake_llm.url, "m"))

    async def once() -> str:
        try:
            return (await provider.complete([ChatMessage.user("a")])).text
        finally:
            await provider.aclose()

    assert asyncio.run(once()) == "hi"
    assert asyncio.run(once()) == "hi"
