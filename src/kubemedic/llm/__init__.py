"""Chat models behind one protocol: OpenAI-compatible endpoints, redaction on the way out, typed errors.

The assistant depends on `ChatProvider` and the dataclasses here, and gets a provider from
`provider_from_settings` (None = offline). Nothing in this package knows about findings, clusters
or the assistant.
"""

from kubemedic.llm.budget import CHARS_PER_TOKEN, Budgeted, chars_for_tokens, estimate_tokens, fit_to_budget
from kubemedic.llm.errors import (
    LLMBadReply,
    LLMConfigError,
    LLMError,
    LLMRefused,
    LLMTimeout,
    LLMUnavailable,
)
from kubemedic.llm.factory import LLMSettings, provider_config_from_settings, provider_from_settings
from kubemedic.llm.openai_provider import OpenAICompatibleProvider, ProviderConfig
from kubemedic.llm.presets import PRESETS, Preset, find_preset
from kubemedic.llm.protocol import ChatProvider
from kubemedic.llm.redacting import RedactingProvider
from kubemedic.llm.retry import RetryPolicy
from kubemedic.llm.types import ChatMessage, ChatReply, Role, ToolCall, ToolSpec, Usage

__all__ = [
    "CHARS_PER_TOKEN",
    "PRESETS",
    "Budgeted",
    "ChatMessage",
    "ChatProvider",
    "ChatReply",
    "LLMBadReply",
    "LLMConfigError",
    "LLMError",
    "LLMRefused",
    "LLMSettings",
    "LLMTimeout",
    "LLMUnavailable",
    "OpenAICompatibleProvider",
    "Preset",
    "ProviderConfig",
    "RedactingProvider",
    "RetryPolicy",
    "Role",
    "ToolCall",
    "ToolSpec",
    "Usage",
    "chars_for_tokens",
    "estimate_tokens",
    "find_preset",
    "fit_to_budget",
    "provider_config_from_settings",
    "provider_from_settings",
]
