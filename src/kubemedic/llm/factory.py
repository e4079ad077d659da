"""Settings -> a ready provider (or None for the offline explainer), always behind redaction.

Reads only the `llm_*` fields, through a Protocol, so this package does not import the settings
module (which knows about the store, a layer above).
"""

from __future__ import annotations

from typing import Protocol

from pydantic import SecretStr

from kubemedic.llm.errors import LLMConfigError
from kubemedic.llm.openai_provider import OpenAICompatibleProvider, ProviderConfig
from kubemedic.llm.presets import OFFLINE, find_preset
from kubemedic.llm.redacting import RedactingProvider
from kubemedic.llm.retry import RetryPolicy


class LLMSettings(Protocol):
    @property
    def llm_provider(self) -> str: ...
    @property
    def llm_base_url(self) -> str: ...
    @property
    def llm_model(self) -> str: ...
    @property
    def llm_api_key(self) -> SecretStr: ...
    @property
    def llm_timeout_s(self) -> float: ...
    @property
    def llm_max_retries(self) -> int: ...
    @property
    def llm_max_context_tokens(self) -> int: ...
    @property
    def llm_anonymize(self) -> bool: ...


def provider_config_from_settings(settings: LLMSettings) -> ProviderConfig | None:
    """The client configuration, None when offline; LLMConfigError naming the variable that is missing."""
    name = (settings.llm_provider or OFFLINE).strip().lower()
    if name in ("", OFFLINE, "none"):
        return None
    preset = find_preset(name)
    base_url = settings.llm_base_url.strip() or preset.base_url
    if not base_url:
        hint = " (https://<resource>.openai.azure.com)" if preset.azure_api_version else ""
        raise LLMConfigError(f"KUBEMEDIC_LLM_BASE_URL is required for provider {preset.name}{hint}")
    if not base_url.startswith(("http://", "https://")):
        raise LLMConfigError(f"KUBEMEDIC_LLM_BASE_URL must start with http:// or https://, got {base_url!r}")
    model = settings.llm_model.strip() or preset.default_model
    if not model:
        what = "the deployment name" if preset.azure_api_version else "the model name"
        raise LLMConfigError(f"KUBEMEDIC_LLM_MODEL is required for provider {preset.name} ({what})")
    key = settings.llm_api_key.get_secret_value().strip()
    at_hosted_default = bool(preset.azure_api_version) or base_url == preset.base_url
    if preset.needs_key and at_hosted_default and not key:
        raise LLMConfigError(f"KUBEMEDIC_LLM_API_KEY is required for provider {preset.name}")
    return ProviderConfig(
        base_url=base_url,
        model=model,
        api_key=key,
        timeout_s=settings.llm_timeout_s,
        retry=RetryPolicy(max_retries=settings.llm_max_retries),
        max_context_tokens=settings.llm_max_context_tokens,
        azure_api_version=preset.azure_api_version,
        name=preset.name,
    )


def provider_from_settings(settings: LLMSettings) -> RedactingProvider | None:
    """A redacting provider for the configured endpoint, or None for the offline explainer."""
    config = provider_config_from_settings(settings)
    if config is None:
        return None
    return RedactingProvider(OpenAICompatibleProvider(config), anonymize=settings.llm_anonymize)
