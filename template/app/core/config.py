"""Settings read from the environment (12-factor, no prefix); defaults come from the answers."""

import json
from functools import lru_cache
from importlib.resources import files
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.core.urls import validate_origin


class ProjectDefaults(BaseModel):
    """What the project was rendered with (app/core/defaults.json)."""

    title: str
    slug: str
    description: str
    version: str
    database_url: str
    cache_ttl_seconds: int
    cors_origins: list[str]
    cors_allow_credentials: bool
    cors_allow_methods: list[str]
    cors_allow_headers: list[str]
    web_concurrency: int


PROJECT = ProjectDefaults.model_validate_json(
    files("app.core").joinpath("defaults.json").read_text(encoding="utf-8")
)

StrList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    """The service's configuration; every field can be set by an environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "staging", "production"] = "development"
    log_level: Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"] = "INFO"
    database_url: str = PROJECT.database_url
    redis_url: str = "redis://127.0.0.1:6379/0"
    cache_ttl_seconds: int = Field(default=PROJECT.cache_ttl_seconds, ge=1, le=86400)
    cors_origins: StrList = Field(default_factory=lambda: list(PROJECT.cors_origins))
    cors_allow_credentials: bool = PROJECT.cors_allow_credentials
    cors_allow_methods: StrList = Field(default_factory=lambda: list(PROJECT.cors_allow_methods))
    cors_allow_headers: StrList = Field(default_factory=lambda: list(PROJECT.cors_allow_headers))
    web_concurrency: int = Field(default=PROJECT.web_concurrency, ge=1, le=64)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    database_timeout_seconds: float = Field(default=5.0, gt=0)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("cors_origins", "cors_allow_methods", "cors_allow_headers", mode="before")
    @classmethod
    def _parse_list(cls, value: Any) -> Any:
        # Accept a JSON list or a comma-separated string, as env vars are often written by hand.
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            validate_origin(origin)
        return origins

    @model_validator(mode="after")
    def _refuse_wildcard_with_credentials(self) -> "Settings":
        if self.cors_allow_credentials and "*" in self.cors_origins:
            raise ValueError(
                'CORS_ORIGINS contains "*" while CORS_ALLOW_CREDENTIALS is true; '
                "list the exact origins instead"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once; tests override it with dependency_overrides."""
    return Settings()
