"""Settings, read once at the edge (CLI, server start) from KUBEMEDIC_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KUBEMEDIC_", extra="ignore")

    data_dir: Path = Field(
        default=Path.home() / ".local" / "share" / "kubemedic",
        description="Where the default SQLite database lives.",
    )
    database_url: str = Field(default="", description="SQLAlchemy URL; empty = SQLite file in data_dir.")

    jwt_key: str = Field(default="", description="HS256 secret or RS256 public key (PEM) for bearer JWTs.")
    jwt_algorithms: str = Field(default="HS256", description="Comma-separated, e.g. RS256.")
    jwt_issuer: str = ""
    jwt_audience: str = ""
    cors_origins: str = Field(default="", description="Comma-separated origins allowed by CORS.")
    redis_url: str = Field(
        default="", description="redis://host:port/db; set it (with PostgreSQL) to run several serve replicas."
    )

    def store_url(self) -> str:
        from kubemedic.store import default_url

        return self.database_url or default_url(self.data_dir)
