"""Chat models behind one protocol: OpenAI-compatible endpoints, redaction on the way out, typed errors.

The assistant depends on `ChatProvider` and the dataclasses here; nothing in this package knows
about findings, clusters or the assistant.
"""

from kubemedic.llm.errors import (
    LLMBadReply,
    LLMConfigError,
    LLMError,
    LLMRefused,
    LLMTimeout,
    LLMUnavailable,
)
from kubemedic.llm.protocol import ChatProvider
from kubemedic.llm.types import ChatMessage, ChatReply, Role, ToolCall, ToolSpec, Usage

__all__ = [
    "ChatMessage",
    "ChatProvider",
    "ChatReply",
    "LLMBadReply",
    "LLMConfigError",
    "LLMError",
    "LLMRefused",
    "LLMTimeout",
    "LLMUnavailable",
    "Role",
    "ToolCall",
    "ToolSpec",
    "Usage",
]
