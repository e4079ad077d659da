"""Chat models behind one protocol: OpenAI-compatible endpoints, redaction on the way out, typed errors.

The assistant depends on `ChatProvider` and the dataclasses here, and gets a provider from
`provider_from_settings` (None = offline). Nothing in this package knows about findings, clusters
or the assistant.
"""

import importlib
from typing import TYPE_CHECKING, Any

from kubemedic.llm.budget import CHARS_PER_TOKEN, Budgeted, chars_for_tokens, estimate_tokens, fit_to_budget
from kubemedic.llm.errors import (
    LLMBadReply,
    LLMConfigError,
    LLMError,
    LLMRefused,
    LLMTimeout,
    LLMUnavailable,
)
from kubemedic.llm.presets import PRESETS, Preset, find_preset
from kubemedic.llm.protocol import ChatProvider
from kubemedic.llm.redacting import RedactingProvider
from kubemedic.llm.retry import RetryPolicy
from kubemedic.llm.types import ChatMessage, ChatReply, Role, ToolCall, ToolSpec, Usage

# The client and its factory import the `openai` package (about 0.7 s): only when first asked for.
_LAZY = {
    "LLMSettings": "kubemedic.llm.factory",
    "provider_config_from_settings": "kubemedic.llm.factory",
    "provider_from_settings": "kubemedic.llm.factory",
    "OpenAICompatibleProvider": "kubemedic.llm.openai_provider",
    "ProviderConfig": "kubemedic.llm.openai_provider",
}

if TYPE_CHECKING:
    from kubemedic.llm.factory import LLMSettings, provider_config_from_settings, provider_from_settings
    from kubemedic.llm.openai_provider import OpenAICompatibleProvider, ProviderConfig


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


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
