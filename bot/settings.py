"""Settings from the environment or a ``.env`` file (pydantic-settings)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from dialogs.deadlines import DEFAULT_ZONE

# Telegram tokens look like 123456789:AA...; the part after the colon is 30+ URL-safe characters.
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
#: What ``setWebhook`` accepts as ``secret_token``: 1-256 characters of these.
WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class Settings(BaseSettings):
    """Everything the bot reads from its environment. The token is a secret: never logged."""

    # The input is kept out of validation errors: it may be a token or the webhook secret.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias="TELEGRAM_BOT_TOKEN"
    )
    #: More bots served by the same process and database (one per city, say), comma-separated;
    #: each passes Telegram's send limit on its own, by polling or behind one webhook server
    #: (a path per bot). Secrets, like the first token.
    telegram_bot_tokens: Annotated[tuple[SecretStr, ...], NoDecode] = Field(
        default=(), validation_alias="TELEGRAM_BOT_TOKENS"
    )
    db: Path = Field(default=Path("nianbao.db"), validation_alias="NIANBAO_DB")
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), validation_alias="NIANBAO_ADMIN_IDS"
    )
    api_base_url: str | None = Field(default=None, validation_alias="TELEGRAM_API_BASE_URL")
    timezone: str = Field(default=DEFAULT_ZONE.key, validation_alias="NIANBAO_TZ")
    bot_username: str | None = Field(default=None, validation_alias="NIANBAO_BOT_USERNAME")
    #: Days off for years chinese-calendar has no data for yet: ``2027-01-01,2027-02-05..02-11``.
    holidays: Annotated[frozenset[date], NoDecode] = Field(
        default=frozenset(), validation_alias="NIANBAO_HOLIDAYS"
    )
    #: The secret Telegram sends with each webhook post; derived from the token when unset.
    #: With several bots, each bot's own secret is derived from it and the bot's id
    #: (``bot.webhook.hooks``), so one bot's secret opens no other bot's path.
    webhook_secret: SecretStr | None = Field(
        default=None, validation_alias="NIANBAO_WEBHOOK_SECRET"
    )

    #: The stall locator's threshold: the event loop kept from running longer than this is
    #: logged with the stack of the code that kept it (``bot.watchdog``); 0 turns it off.
    stall_ms: float = Field(default=50.0, ge=0, validation_alias="NIANBAO_STALL_MS")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[\s,，;]+", value) if p]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("NIANBAO_ADMIN_IDS must be Telegram user ids separated by commas")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("telegram_bot_tokens", mode="before")
    @classmethod
    def _split_tokens(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(SecretStr(p) for p in re.split(r"[\s,，;]+", value) if p)
        return value

    @field_validator("holidays", mode="before")
    @classmethod
    def _holiday_list(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(_holidays(value))
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"NIANBAO_TZ: unknown time zone {value!r}") from None
        return value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _telegram_secret(cls, value: object) -> object:
        # Checked here, not by Telegram at setWebhook, so a bad one stops the start with a
        # line naming the setting; the message never repeats the secret, nor any of it.
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if not isinstance(value, str):
            return value
        if not value:
            return None  # set but empty, as in a .env template: derived from the token
        if len(value) > 256:
            raise ValueError(
                f"NIANBAO_WEBHOOK_SECRET is {len(value)} characters long;"
                " Telegram allows at most 256"
            )
        if not WEBHOOK_SECRET_PATTERN.match(value):
            raise ValueError(
                "NIANBAO_WEBHOOK_SECRET may only contain A-Z, a-z, 0-9, _ and -"
                " (Telegram's rule for a webhook secret)"
            )
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def tokens(self) -> list[str]:
        """Every bot token, ``TELEGRAM_BOT_TOKEN`` first (the first bot), then
        ``TELEGRAM_BOT_TOKENS`` in order, each once."""
        found: list[str] = []
        first = [self.telegram_bot_token] if self.telegram_bot_token is not None else []
        for secret in (*first, *self.telegram_bot_tokens):
            token = secret.get_secret_value().strip()
            if token and token not in found:
                found.append(token)
        return found

    def token_problem(self) -> str | None:
        """Why the tokens cannot be used (None when they look right). Never echoes a token."""
        tokens = self.tokens()
        if not tokens:
            return "TELEGRAM_BOT_TOKEN is not set"
        for number, token in enumerate(tokens, start=1):
            if not TOKEN_PATTERN.match(token):
                alone = len(tokens) == 1 and self.telegram_bot_token is not None
                which = "TELEGRAM_BOT_TOKEN" if alone else f"bot token {number}"
                return f"{which} is malformed (expected digits, a colon and the secret part)"
        ids = [token.partition(":")[0] for token in tokens]
        if len(set(ids)) < len(ids):
            return "two bot tokens belong to the same bot (the digits before the colon)"
        return None


def settings_problem(error: ValidationError) -> str:
    """One line naming the first invalid setting and what is wrong with it (never its value:
    the settings are built with their input hidden from errors)."""
    first = error.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
    message = str(first.get("msg", "")).removeprefix("Value error, ")
    # Our validators' messages name their setting already.
    return message if message.startswith((f"{where} ", f"{where}:")) else f"{where}: {message}"


def _holidays(text: str) -> list[date]:
    """Dates and ranges (``2027-02-05..2027-02-11`` or ``2027-02-05..02-11``), separated by
    commas or spaces."""
    days: list[date] = []
    for part in (p for p in re.split(r"[\s,，;]+", text) if p):
        first, _, last = part.partition("..")
        try:
            start = date.fromisoformat(first)
            if not last:
                end = start
            elif last.count("-") == 1:
                end = date.fromisoformat(f"{start.year}-{last}")
            else:
                end = date.fromisoformat(last)
        except ValueError:
            raise ValueError(
                f"NIANBAO_HOLIDAYS: {part!r} is not a date (YYYY-MM-DD) or a range"
                " (YYYY-MM-DD..YYYY-MM-DD)"
            ) from None
        if not start <= end <= start + timedelta(days=31):
            raise ValueError(f"NIANBAO_HOLIDAYS: {part!r} is not a range of at most a month")
        days.extend(start + timedelta(days=n) for n in range((end - start).days + 1))
    return days
