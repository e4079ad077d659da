"""Where each kind of OpenAI-compatible server usually listens, and what it needs.

A preset only fills defaults: `KUBEMEDIC_LLM_BASE_URL` overrides the URL (a NIM or vLLM on another
host, a non-default port). A key is required only by the hosted endpoints at their default URL;
local servers (Ollama, vLLM, llama.cpp, Foundry Local) accept any key unless started with one.

Foundry Local picks its port when its service starts (`foundry service status` prints the
endpoint); 5272 is the port its REST reference documents, so set the base URL when yours differs.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubemedic.llm.errors import LLMConfigError

AZURE_API_VERSION = "2024-10-21"  # the GA data-plane version with tool calling and streaming


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    base_url: str  # "" = the user must give one (Azure: https://<resource>.openai.azure.com)
    needs_key: bool
    default_model: str = ""  # "" = the user must name the model (Azure: the deployment)
    azure_api_version: str = ""  # set = talk to it with the Azure client


PRESETS: tuple[Preset, ...] = (
    Preset("openai", "https://api.openai.com/v1", needs_key=True, default_model="gpt-4o-mini"),
    Preset("azure", "", needs_key=True, azure_api_version=AZURE_API_VERSION),
    Preset("nvidia-nim", "https://integrate.api.nvidia.com/v1", needs_key=True),
    Preset("ollama", "http://127.0.0.1:11434/v1", needs_key=False),
    Preset("vllm", "http://127.0.0.1:8000/v1", needs_key=False),
    Preset("llama.cpp", "http://127.0.0.1:8080/v1", needs_key=False),
    Preset("foundry-local", "http://127.0.0.1:5272/v1", needs_key=False),
    Preset("openai-compatible", "", needs_key=False),
)
ALIASES = {"llamacpp": "llama.cpp", "llama-cpp": "llama.cpp", "nim": "nvidia-nim", "azure-openai": "azure",
           "foundry": "foundry-local", "custom": "openai-compatible"}  # fmt: skip
OFFLINE = "offline"


def find_preset(name: str) -> Preset:
    """The preset called `name` (case-insensitive, a few aliases); LLMConfigError listing the known ones."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    for preset in PRESETS:
        if preset.name == key:
            return preset
    known = ", ".join([OFFLINE, *(p.name for p in PRESETS)])
    raise LLMConfigError(f"KUBEMEDIC_LLM_PROVIDER={name!r} is not a known provider; use one of: {known}")
