"""Our dataclasses to the OpenAI chat wire format and back - defensively, since servers differ.

Local servers are "OpenAI-compatible" to varying degrees: some omit `usage`, some send tool calls
without ids, some send arguments as an object instead of a JSON string, and a broken proxy may
send anything. Everything that is not usable becomes `LLMBadReply` with the reason; nothing here
raises AttributeError on a surprising shape.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from kubemedic.llm.errors import LLMBadReply
from kubemedic.llm.types import ChatMessage, ChatReply, ToolCall, ToolSpec, Usage


def to_wire_messages(messages: Sequence[ChatMessage]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for m in messages:
        item: dict[str, object] = {"role": m.role, "content": m.content}
        if m.role == "tool":
            item["tool_call_id"] = m.tool_call_id or ""
        if m.tool_calls:
            item["content"] = m.content or None
            item["tool_calls"] = [
                {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for c in m.tool_calls
            ]
        out.append(item)
    return out


def to_wire_tools(tools: Sequence[ToolSpec]) -> list[dict[str, object]]:
    return [
        {
            "type": "function",
            "function": {"name": t.name, "description": t.description, "parameters": dict(t.parameters)},
        }
        for t in tools
    ]


def reply_from_completion(completion: object) -> ChatReply:
    """A ChatReply from a parsed completion object; LLMBadReply when it has no usable choice."""
    choices = getattr(completion, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise LLMBadReply("the reply has no choices")
    choice = choices[0]
    message = getattr(choice, "message", None)
    if message is None:
        raise LLMBadReply("the reply's first choice has no message")
    text = getattr(message, "content", None)
    if text is not None and not isinstance(text, str):
        raise LLMBadReply(f"the reply's content is a {type(text).__name__}, not text")
    calls = tuple(_tool_call(raw, n) for n, raw in enumerate(getattr(message, "tool_calls", None) or ()))
    for call in calls:
        call.parsed_arguments()  # LLMBadReply now, not later in the tool loop
    if not text and not calls:
        refusal = getattr(message, "refusal", None)
        if isinstance(refusal, str) and refusal:
            text = refusal
    finish = getattr(choice, "finish_reason", None)
    return ChatReply(
        text=text or "",
        tool_calls=calls,
        finish_reason=finish if isinstance(finish, str) else ("tool_calls" if calls else "stop"),
        usage=_usage(getattr(completion, "usage", None)),
    )


def delta_text(chunk: object) -> str:
    """The text of one streamed chunk ('' for role-only, usage-only or empty chunks)."""
    choices = getattr(chunk, "choices", None)
    if choices is None:
        raise LLMBadReply("a streamed chunk has no choices")
    if not isinstance(choices, list) or not choices:
        return ""
    delta = getattr(choices[0], "delta", None)
    content = getattr(delta, "content", None) if delta is not None else None
    if content is not None and not isinstance(content, str):
        raise LLMBadReply(f"a streamed chunk's content is a {type(content).__name__}, not text")
    return content or ""


def _tool_call(raw: object, index: int) -> ToolCall:
    function = getattr(raw, "function", None)
    name = getattr(function, "name", None) if function is not None else None
    if not isinstance(name, str) or not name:
        raise LLMBadReply(f"tool call #{index + 1} has no function name")
    arguments = getattr(function, "arguments", None)
    if isinstance(arguments, dict):
        arguments = json.dumps(arguments)
    if arguments is not None and not isinstance(arguments, str):
        raise LLMBadReply(f"tool call {name!r}: arguments are a {type(arguments).__name__}")
    call_id = getattr(raw, "id", None)
    return ToolCall(
        call_id if isinstance(call_id, str) and call_id else f"call_{index + 1}", name, arguments or "{}"
    )


def _usage(raw: object) -> Usage:
    prompt = getattr(raw, "prompt_tokens", 0) if raw is not None else 0
    completion = getattr(raw, "completion_tokens", 0) if raw is not None else 0
    return Usage(
        prompt if isinstance(prompt, int) else 0,
        completion if isinstance(completion, int) else 0,
    )
