"""The seam the assistant codes against: any chat model that can complete and stream.

Implementations: `OpenAICompatibleProvider` (every OpenAI-compatible endpoint, Azure included) and
`RedactingProvider` (wraps another and masks secrets on the way out). Tests use small fakes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from kubemedic.llm.types import ChatMessage, ChatReply, ToolSpec


class ChatProvider(Protocol):
    """A chat model. Both methods raise only `LLMError` subclasses."""

    async def complete(
        self, messages: Sequence[ChatMessage], tools: Sequence[ToolSpec] | None = None
    ) -> ChatReply:
        """One full reply: text and/or tool calls (only tools from `tools` are offered to the model)."""
        ...

    def stream(self, messages: Sequence[ChatMessage]) -> AsyncIterator[str]:
        """The reply's text as it is generated, delta by delta (no tools while streaming)."""
        ...
