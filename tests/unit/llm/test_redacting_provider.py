"""RedactingProvider in front of any provider: every role and tool-call argument is masked on the way
out; with anonymization the answer - also when streamed in small pieces - reads real names again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest

from kubemedic.llm import ChatMessage, ChatReply, RedactingProvider, ToolCall, ToolSpec
from kubemedic.redact import Anonymizer

pytestmark = pytest.mark.anyio


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


class Recorder:
    """A ChatProvider that records what it was sent and answers from a script."""

    def __init__(self, reply: ChatReply | None = None, deltas: Sequence[str] = ()) -> None:
        self.sent: list[tuple[ChatMessage, ...]] = []
        self.reply = reply or ChatReply("ok")
        self.deltas = deltas
        self.closed = False

    async def complete(
        self, messages: Sequence[ChatMessage], tools: Sequence[ToolSpec] | None = None
    ) -> ChatReply:
        self.sent.append(tuple(messages))
        return self.reply

    async def stream(self, messages: Sequence[ChatMessage]) -> AsyncIterator[str]:
        self.sent.append(tuple(messages))
        for delta in self.deltas:
            yield delta

    async def aclose(self) -> None:
        self.closed = True


async def test_every_message_and_tool_argument_is_masked() -> None:
    inner = Recorder()
    provider = RedactingProvider(inner, known_secrets=["opensesame42"])
    call = ToolCall("c1", "get_logs", '{"filter": "password=opensesame42"}')
    await provider.complete(
        [
            ChatMessage.system("token=abcdef123456"),
            ChatMessage.user("DB_PASSWORD=hunter2"),
            ChatMessage.assistant("", (call,)),
            ChatMessage.tool("c1", "the value is opensesame42"),
        ]
    )
    [sent] = inner.sent
    text = "\n".join([m.content for m in sent] + [c.arguments for m in sent for c in m.tool_calls])
    assert "abcdef123456" not in text and "hunter2" not in text and "opensesame42" not in text
    assert sent[3].tool_call_id == "c1" and sent[2].tool_calls[0].name == "get_logs"


async def test_without_anonymization_names_are_left_alone() -> None:
    inner = Recorder(ChatReply("deployment-1 is fine"))
    provider = RedactingProvider(inner).for_request(_anonymizer())
    reply = await provider.complete([ChatMessage.user("is checkout ok?")])
    assert inner.sent[0][0].content == "is checkout ok?" and reply.text == "deployment-1 is fine"


async def test_streamed_masks_split_across_pieces_are_mapped_back() -> None:
    inner = Recorder(deltas=["deploy", "ment-", "1 in name", "space-1 is", " down; see ser", "vice-1."])
    provider = RedactingProvider(inner, anonymize=True).for_request(_anonymizer())
    pieces = [p async for p in provider.stream([ChatMessage.user("why is checkout in shop down?")])]
    assert "".join(pieces) == "checkout in shop is down; see payments."
    assert inner.sent[0][0].content == "why is deployment-1 in namespace-1 down?"


async def test_without_a_request_anonymizer_addresses_are_still_hidden() -> None:
    inner = Recorder(ChatReply("192.0.2.2 refused the connection"))
    provider = RedactingProvider(inner, anonymize=True)
    reply = await provider.complete([ChatMessage.user("dial tcp 10.0.3.7:5432: connection refused")])
    assert "10.0.3.7" not in inner.sent[0][0].content
    assert reply.text == "10.0.3.7 refused the connection"


async def test_closing_closes_the_inner_provider() -> None:
    inner = Recorder()
    async with RedactingProvider(inner):
        pass
    assert inner.closed


def _anonymizer() -> Anonymizer:
    anon = Anonymizer()
    anon.add("checkout", "deployment")
    anon.add("shop", "namespace")
    anon.add("payments", "service")
    return anon
