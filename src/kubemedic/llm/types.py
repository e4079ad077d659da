"""The values that cross the LLM seam: messages, tool specs, tool calls and replies.

Frozen dataclasses, so the assistant, the redaction wrapper and the providers can pass them around
without anyone mutating a prompt behind another's back. They mirror the OpenAI chat shape because
every provider we support speaks it, but nothing here imports the `openai` package.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from kubemedic.llm.errors import LLMBadReply

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool the model may call: its name, what it does, and a JSON-schema object for its arguments."""

    name: str
    description: str
    parameters: Mapping[str, object] = field(default_factory=lambda: {"type": "object", "properties": {}})


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One call the model asked for. `arguments` is the JSON text exactly as the model sent it."""

    id: str
    name: str
    arguments: str

    def parsed_arguments(self) -> dict[str, object]:
        """The arguments as a JSON object; LLMBadReply when they are not one (models do send garbage)."""
        try:
            value = json.loads(self.arguments or "{}")
        except json.JSONDecodeError as exc:
            raise LLMBadReply(f"tool call {self.name!r}: arguments are not JSON ({exc.msg})") from exc
        if not isinstance(value, dict):
            kind = type(value).__name__
            raise LLMBadReply(f"tool call {self.name!r}: arguments must be a JSON object, got {kind}")
        return value


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of a conversation.

    `tool_call_id` is set on a `tool` message (the answer to that call); `tool_calls` on an `assistant`
    message that asked for tools. `priority` only matters when the prompt is over its token budget:
    lower-priority context goes first, then older before newer (see llm/budget.py). System messages
    and the last user message are never dropped.
    """

    role: Role
    content: str
    tool_call_id: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    priority: int = 0

    @classmethod
    def system(cls, content: str) -> ChatMessage:
        return cls("system", content)

    @classmethod
    def user(cls, content: str, priority: int = 0) -> ChatMessage:
        return cls("user", content, priority=priority)

    @classmethod
    def assistant(cls, content: str, tool_calls: tuple[ToolCall, ...] = ()) -> ChatMessage:
        return cls("assistant", content, tool_calls=tool_calls)

    @classmethod
    def tool(cls, tool_call_id: str, content: str) -> ChatMessage:
        return cls("tool", content, tool_call_id=tool_call_id)


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts the server reported (0 when it reported none)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True, slots=True)
class ChatReply:
    """What the model answered: text, or tool calls to run (or both), and why it stopped."""

    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str = "stop"
    usage: Usage = field(default_factory=Usage)
