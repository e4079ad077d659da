"""From settings to a provider: offline by default, presets fill the gaps, and a missing or wrong
setting is a clear error naming the variable."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from kubemedic.config import Settings
from kubemedic.llm import (
    PRESETS,
    LLMConfigError,
    ProviderConfig,
    RedactingProvider,
    find_preset,
    provider_config_from_settings,
    provider_from_settings,
)


def _settings(**values: object) -> Settings:
    return Settings(**values)  # type: ignore[arg-type]


def test_offline_is_the_default() -> None:
    assert provider_from_settings(_settings()) is None
    assert provider_from_settings(_settings(llm_provider="OFFLINE")) is None


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("ollama", "http://127.0.0.1:11434/v1"),
        ("vllm", "http://127.0.0.1:8000/v1"),
        ("llama.cpp", "http://127.0.0.1:8080/v1"),
        ("llamacpp", "http://127.0.0.1:8080/v1"),
        ("foundry-local", "http://127.0.0.1:5272/v1"),
    ],
)
def test_local_presets_need_only_a_model(name: str, url: str) -> None:
    config = provider_config_from_settings(_settings(llm_provider=name, llm_model="llama3.1"))
    assert config is not None and config.base_url == url and config.api_key == ""


def test_hosted_presets_need_a_key_at_their_default_url() -> None:
    with pytest.raises(LLMConfigError, match="KUBEMEDIC_LLM_API_KEY is required for provider openai"):
        provider_config_from_settings(_settings(llm_provider="openai"))
    with pytest.raises(LLMConfigError, match="KUBEMEDIC_LLM_API_KEY is required for provider nvidia-nim"):
        provider_config_from_settings(
            _settings(llm_provider="nvidia-nim", llm_model="meta/llama-3.1-8b-instruct")
        )
    # a self-hosted NIM on another URL may run without a key
    nim = provider_config_from_settings(
        _settings(
            llm_provider="nim",
            llm_model="meta/llama-3.1-8b-instruct",
            llm_base_url="http://nim.ai.svc:8000/v1",
        )
    )
    assert nim is not None and nim.name == "nvidia-nim"
    openai = provider_config_from_settings(_settings(llm_provider="openai", llm_api_key=SecretStr("sk-x")))
    assert (
        openai is not None
        and openai.model == "gpt-4o-mini"
        and openai.base_url == "https://api.openai.com/v1"
    )


def test_azure_needs_endpoint_deployment_and_key() -> None:
    with pytest.raises(
        LLMConfigError, match=r"KUBEMEDIC_LLM_BASE_URL is required for provider azure \(https://"
    ):
        provider_config_from_settings(
            _settings(llm_provider="azure", llm_model="gpt4o", llm_api_key=SecretStr("k"))
        )
    with pytest.raises(
        LLMConfigError, match=r"KUBEMEDIC_LLM_MODEL is required for provider azure \(the deployment"
    ):
        provider_config_from_settings(
            _settings(
                llm_provider="azure", llm_base_url="https://r.openai.azure.com", llm_api_key=SecretStr("k")
            )
        )
    config = provider_config_from_settings(
        _settings(
            llm_provider="azure",
            llm_base_url="https://r.openai.azure.com",
            llm_model="gpt4o",
            llm_api_key=SecretStr("k"),
        )
    )
    assert config is not None and config.azure_api_version == "2024-10-21"


def test_unknown_provider_and_bad_url_are_named() -> None:
    with pytest.raises(
        LLMConfigError, match=r"'gpt' is not a known provider; use one of: offline, openai, azure"
    ):
        provider_config_from_settings(_settings(llm_provider="gpt"))
    with pytest.raises(LLMConfigError, match="must start with http"):
        provider_config_from_settings(
            _settings(llm_provider="vllm", llm_model="m", llm_base_url="localhost:8000")
        )


def test_settings_flow_into_the_config_and_the_key_is_never_shown() -> None:
    settings = _settings(
        llm_provider="vllm",
        llm_model="qwen",
        llm_api_key=SecretStr("very-secret-key"),
        llm_timeout_s=5,
        llm_max_retries=4,
        llm_max_context_tokens=4000,
    )
    config = provider_config_from_settings(settings)
    assert config == ProviderConfig(
        "http://127.0.0.1:8000/v1",
        "qwen",
        api_key="very-secret-key",
        timeout_s=5,
        retry=config.retry if config else None,  # type: ignore[arg-type]
        max_context_tokens=4000,
        name="vllm",
    )
    assert config is not None and config.retry.max_retries == 4
    assert "very-secret-key" not in repr(config) and "very-secret-key" not in repr(settings)
    provider = provider_from_settings(settings)
    assert isinstance(provider, RedactingProvider) and provider.label == "vllm qwen at 127.0.0.1:8000"


def test_every_preset_is_found_by_name() -> None:
    assert [find_preset(p.name) for p in PRESETS] == list(PRESETS)
