"""Settings, read once at the edge (CLI, server start) from KUBEMEDIC_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from kubemedic.metrics.prometheus import PrometheusCollector


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KUBEMEDIC_", extra="ignore")

    data_dir: Path = Field(
        default=Path.home() / ".local" / "share" / "kubemedic",
        description="Where the default SQLite database lives.",
    )
    database_url: str = Field(default="", description="SQLAlchemy URL; empty = SQLite file in data_dir.")
    retention_hours: float = Field(
        default=24.0,
        gt=0,
        description="How long serve keeps timeline entries, minute summaries and resolved findings.",
    )
    series_raw_hours: float = Field(
        default=6.0, gt=0, description="How long serve keeps raw metric points (one per reading, 15 s apart)."
    )
    series_1m_hours: float = Field(default=48.0, gt=0, description="How long it keeps 1-minute buckets.")
    series_10m_hours: float = Field(default=720.0, gt=0, description="How long it keeps 10-minute buckets.")

    jwt_key: str = Field(default="", description="HS256 secret or RS256 public key (PEM) for bearer JWTs.")
    jwt_algorithms: str = Field(default="HS256", description="Comma-separated, e.g. RS256.")
    jwt_issuer: str = ""
    jwt_audience: str = ""
    cors_origins: str = Field(default="", description="Comma-separated origins allowed by CORS.")

    llm_provider: str = Field(
        default="offline",
        description="offline, or a preset: openai, azure, nvidia-nim, ollama, vllm, llama.cpp, foundry-local",
    )
    llm_base_url: str = Field(default="", description="Overrides the preset's base URL (Azure: endpoint).")
    llm_model: str = Field(default="", description="Model name (Azure: the deployment name).")
    llm_api_key: SecretStr = Field(default=SecretStr(""), description="Never logged.")
    llm_timeout_s: float = Field(default=60.0, gt=0, description="Per attempt; for a stream, per next chunk.")
    llm_max_retries: int = Field(default=2, ge=0, le=10, description="On 429/5xx/connection errors.")
    llm_max_context_tokens: int = Field(default=8000, ge=256, description="Prompt budget (estimated tokens).")
    llm_anonymize: bool = Field(default=False, description="Mask names/IPs/images before the LLM; map back.")
    redis_url: str = Field(
        default="",
        description="redis://host:port/db; set it (with PostgreSQL) to run several serve replicas.",
    )

    prometheus_url: str = Field(
        default="", description="Prometheus server, e.g. http://prometheus:9090; empty = no queries."
    )
    prometheus_token: SecretStr = Field(default=SecretStr(""), description="Bearer token; never logged.")
    prometheus_queries_file: Path | None = Field(
        default=None, description="File of 'name = PromQL' lines (default: error rate and p99 latency)."
    )
    prometheus_queries: str = Field(
        default="", description="'name=PromQL' pairs separated by ';' (added to the file's queries)."
    )
    prometheus_timeout_s: float = Field(default=10.0, gt=0, description="Per HTTP request to Prometheus.")
    prometheus_step_s: float = Field(default=15.0, gt=0, description="Resolution of the range queries.")

    def prometheus(self) -> PrometheusCollector | None:
        """The Prometheus collector these settings describe; None without a URL. InputError for a
        queries file or pair that cannot be read."""
        if not self.prometheus_url:
            return None
        from kubemedic.metrics.prometheus import PrometheusCollector, load_queries

        return PrometheusCollector(
            self.prometheus_url,
            load_queries(self.prometheus_queries_file, self.prometheus_queries),
            token=self.prometheus_token.get_secret_value() or None,
            timeout_s=self.prometheus_timeout_s,
            step_s=self.prometheus_step_s,
        )

    def store_url(self) -> str:
        from kubemedic.store import default_url

        return self.database_url or default_url(self.data_dir)
