"""Settings: defaults.py, then ZORGTEAM_* (and DATABASE_URL) from the environment, then explicit overrides."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from config import defaults

ROOT = defaults.ROOT


@dataclass(frozen=True)
class Settings:
    """Everything the app, the CLI and Alembic need to know about their surroundings."""

    database_url: str
    keyring: Path
    secret_key: str | None
    smtp_url: str | None
    outbox: Path
    base_url: str
    production: bool
    session_idle_minutes: int
    session_absolute_hours: int
    require_2fa_for_professionals: bool
    login_window_minutes: int
    login_max_failures_account: int
    login_max_failures_address: int
    invitation_valid_days: int
    reset_valid_minutes: int
    mdo_min_disciplines: int
    mdo_interval_days: int
    mdo_return_home_days: int
    gdt_min_providers: int
    gdt_max_paid_providers: int
    gdt_per_calendar_year: int
    goal_evaluation_days: int
    reminder_due_days: int
    reminder_meeting_hours: int
    erasure_retention_days: int



_ENV = {
    "database_url": "DATABASE_URL",
    "keyring": "ZORGTEAM_KEYRING",
    "secret_key": "ZORGTEAM_SECRET_KEY",
    "smtp_url": "ZORGTEAM_SMTP_URL",
    "base_url": "ZORGTEAM_BASE_URL",
    "production": "ZORGTEAM_PRODUCTION",
    "require_2fa_for_professionals": "ZORGTEAM_REQUIRE_2FA_FOR_PROFESSIONALS",
}


def _convert(name: str, value, kind):
    if isinstance(value, str) and kind in ("bool", bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(value, str) and kind in ("int", int):
        return int(value)
    if name in ("keyring", "outbox"):
        path = Path(value)
        return path if path.is_absolute() else ROOT / path
    return value


def _absolute_sqlite(url: str) -> str:
    """A relative SQLite path is taken from the project root, wherever the command runs."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(ROOT / url[len(prefix):])
    return url


def load(overrides: dict | None = None) -> Settings:
    """Build the settings: defaults, then the environment, then `overrides`."""
    values = {}
    for field in fields(Settings):
        value = getattr(defaults, field.name.upper())
        env = _ENV.get(field.name, "ZORGTEAM_" + field.name.upper())
        if os.environ.get(env):
            value = os.environ[env]
        values[field.name] = _convert(field.name, value, field.type)
    settings = Settings(**values)
    if overrides:
        settings = replace(settings, **{k: _convert(k, v, "") for k, v in overrides.items()})
    return replace(settings, database_url=_absolute_sqlite(settings.database_url))
