"""Settings from the environment (or a `.env` file), validated at start-up.

Every variable is listed in the README's Configuration table. Defaults are named constants so
tests and docs refer to one place.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")
DEFAULT_COUNTRY = "US"
DEFAULT_LOCALE = "en"
DEFAULT_TICK_SECONDS = 5.0
DEFAULT_CONCURRENT_UPDATES = 16
DEFAULT_CLAIM_TIMEOUT_MINUTES = 15
DEFAULT_COACH_INVITE_HOURS = 48
DEFAULT_COACHING_TIMEZONE = "UTC"
DEFAULT_PORT = 8080
DEFAULT_METRICS_PORT = 9464  # the usual Prometheus exporter port
MIN_RETENTION_DAYS = 14  # a week's notice, then at least a week more
_HOURS_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


class Settings(BaseSettings):
    """Runtime configuration. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    telegram_bot_token: str | None = Field(default=None, description="BotFather token")
    telegram_api_base_url: str | None = Field(
        default=None, description="Another Bot API server, e.g. http://127.0.0.1:8081/bot"
    )
    telegram_rate_limiter: bool = Field(
        default=True, description="Hold sends to Telegram's limits (about 30 messages/s)"
    )
    telegram_concurrent_updates: int = Field(
        default=DEFAULT_CONCURRENT_UPDATES, ge=1, le=1024,
        description="updates handled at once (one person's messages stay in order)",
    )
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str | None = Field(
        default=None, description="SQLAlchemy async URL; default SQLite in DATA_DIR"
    )
    database_schema: str | None = Field(
        default=None, description="PostgreSQL schema to use (search_path); default public"
    )
    encryption_keys: str | None = Field(
        default=None, description="Fernet keys, comma-separated, newest first"
    )
    default_country: str = DEFAULT_COUNTRY
    locale: str = Field(default=DEFAULT_LOCALE,
                        description="language of new people (templates, words, safety data)")
    extra_locales: str | None = Field(
        default=None, description="other languages served, comma-separated (e.g. 'es,fr')"
    )
    log_level: str = "INFO"
    scheduler_tick_seconds: float = DEFAULT_TICK_SECONDS
    coaches_chat_id: int | None = Field(
        default=None, description="Telegram group chat where on-duty coaches are alerted"
    )
    handoff_claim_timeout_minutes: int = Field(
        default=DEFAULT_CLAIM_TIMEOUT_MINUTES, ge=1,
        description="Minutes before a person waiting for a coach is told nobody is free yet",
    )
    coaching_hours: str | None = Field(
        default=None, description='When coaches are around, e.g. "09:00-21:00"; unset = always'
    )
    coaching_timezone: str = Field(
        default=DEFAULT_COACHING_TIMEZONE, description="Time zone of COACHING_HOURS"
    )
    coach_invite_hours: int = Field(
        default=DEFAULT_COACH_INVITE_HOURS, ge=1, description="How long a coach invite code works"
    )
    handoff_secret: str | None = Field(
        default=None,
        description="Signs coach buttons; default: derived from the newest encryption key",
    )

    retention_days: int | None = Field(
        default=None, ge=MIN_RETENTION_DAYS,
        description="Delete people who haven't written for this many days (a week's notice first)",
    )
    webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL Telegram posts updates to (run --webhook)"
    )
    webhook_secret: str | None = Field(
        default=None, description="Secret token Telegram sends with each update (run --webhook)"
    )
    port: int = Field(default=DEFAULT_PORT, ge=1, le=65535,
                      description="Port the webhook and /healthz listen on")
    webhook_listen: str = Field(default="0.0.0.0", description="Address the web server binds")
    metrics_port: int = Field(default=DEFAULT_METRICS_PORT, ge=0, le=65535,
                              description="Port /metrics is served on (0: not served)")
    metrics_listen: str = Field(default="127.0.0.1",
                                description="Address /metrics binds (localhost by default)")

    @field_validator("retention_days", mode="before")
    @classmethod
    def _blank_days(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("default_country")
    @classmethod
    def _upper_country(cls, value: str) -> str:
        value = value.strip().upper()
        if len(value) != 2 or not value.isalpha():
            raise ValueError("DEFAULT_COUNTRY must be a two-letter ISO code such as US or GB")
        return value

    @field_validator("database_schema")
    @classmethod
    def _plain_schema(cls, value: str | None) -> str | None:
        if value and not value.replace("_", "").isalnum():
            raise ValueError("DATABASE_SCHEMA may hold only letters, digits and underscores")
        return value or None

    @field_validator("coaching_hours")
    @classmethod
    def _hours_range(cls, value: str | None) -> str | None:
        value = (value or "").replace(" ", "")
        if value and not _HOURS_RE.match(value):
            raise ValueError('COACHING_HOURS must look like "09:00-21:00" (24-hour clock)')
        return value or None

    @field_validator("coaching_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        value = value.strip() or DEFAULT_COACHING_TIMEZONE
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                "COACHING_TIMEZONE must be an IANA zone such as Europe/London"
            ) from exc
        return value

    @field_validator("coaches_chat_id", mode="before")
    @classmethod
    def _blank_chat(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("locale")
    @classmethod
    def _plain_locale(cls, value: str) -> str:
        value = value.strip() or DEFAULT_LOCALE
        if not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", value):
            raise ValueError("LOCALE must be a language code such as en or pt_BR")
        return value

    @field_validator("telegram_bot_token", "telegram_api_base_url", "database_url",
                     "encryption_keys", "handoff_secret", "webhook_url", "webhook_secret")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    def locales(self) -> list[str]:
        """Every locale served: LOCALE first, then EXTRA_LOCALES."""
        extra = [item.strip() for item in (self.extra_locales or "").split(",") if item.strip()]
        return list(dict.fromkeys([self.locale, *extra]))

    def resolved_database_url(self) -> str:
        """The database to use: DATABASE_URL, or a SQLite file inside DATA_DIR."""
        if self.database_url:
            url = self.database_url
            # Hosting platforms hand out postgres:// URLs, and people write sqlite:///file;
            # SQLAlchemy async needs a driver name.
            for prefix, driver in (("postgres://", "postgresql+asyncpg://"),
                                   ("postgresql://", "postgresql+asyncpg://"),
                                   ("sqlite://", "sqlite+aiosqlite://")):
                if url.startswith(prefix):
                    return driver + url[len(prefix) :]
            return url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'recovery-bot.sqlite3').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once from the environment."""
    return Settings()


def configure_encryption(settings: Settings) -> None:
    """Set up encryption at rest from ENCRYPTION_KEYS, or the local key file for SQLite."""
    from bot.errors import ConfigurationError
    from bot.storage import crypto

    if settings.encryption_keys:
        crypto.configure(crypto.parse_keys(settings.encryption_keys))
    elif settings.resolved_database_url().startswith("sqlite"):
        url = settings.resolved_database_url()
        database = Path(url.split(":///", 1)[1]) if ":///" in url else None
        crypto.configure(crypto.key_file_keys(settings.data_dir, database))
    else:
        raise ConfigurationError(
            "ENCRYPTION_KEYS must be set when DATABASE_URL is not SQLite: what people write is "
            "encrypted at rest. Create a key with `recovery-bot keys new`."
        )
