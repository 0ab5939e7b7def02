"""Accounts (`User`): argon2id passwords, TOTP second factor with recovery codes, single-use tokens for invitations and resets."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ForeignKey, Integer, String, false, func, select
from sqlalchemy.orm import Mapped, mapped_column

from models import audit
from models.base import Base, UUIDKey, utcnow
from models.encrypted import Encrypted, PersonData, encrypted_check, encrypted_column

MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
_COMMON = frozenset(Path(__file__).with_name("common_passwords.txt").read_text().split())
# Verifying against this keeps the time of a login for an unknown account the same as for a known one.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class PasswordRejected(ValueError):
    """A new password that does not meet the policy; the message says why, in plain words."""


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens. "
                               "Een zin van een paar woorden is sterk en makkelijk te onthouden.")
    if len(password) > 1000:
        raise PasswordRejected("Dat wachtwoord is te lang (meer dan 1000 tekens).")
    if password.lower() in _COMMON or len(set(password)) < 4:
        raise PasswordRejected("Dit wachtwoord is te bekend of te eenvoudig. Kies een ander.")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class User(UUIDKey, PersonData, Base):
    """A person who can log in. The e-mail address stays clear (it is needed to log in); the name is encrypted."""

    __tablename__ = "users"
    __table_args__ = tuple(encrypted_check("name") + encrypted_check("totp_secret"))

    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    _name: Mapped[bytes | None] = encrypted_column("name")
    _totp_secret: Mapped[bytes | None] = encrypted_column("totp_secret")
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8), default="nl")
    active: Mapped[bool] = mapped_column(default=True)
    # Zone staff (medewerkers van de eerstelijnszone) manage the social map; set by `flask socialmap staff`.
    zone_staff: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    name = Encrypted("_name")
    totp_secret = Encrypted("_totp_secret")

    def encryption_subject(self) -> uuid.UUID:
        return self.ensure_id()

    # Flask-Login's interface
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)

    def set_password(self, password: str) -> None:
        check_password_policy(password)
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        """True when `password` is right; takes as long when the account has no password."""
        try:
            return _hasher.verify(self.password_hash or _DUMMY_HASH, password) and self.password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    @property
    def two_factor(self) -> bool:
        return self._totp_secret is not None

    def verify_totp(self, code: str) -> bool:
        """A code from the authenticator app, accepted once (a replay within its window is refused)."""
        totp = pyotp.TOTP(self.totp_secret)
        now = utcnow()
        for offset in (-1, 0, 1):
            at = now + timedelta(seconds=30 * offset)
            step = totp.timecode(at)
            if (self.totp_last_step is None or step > self.totp_last_step) and totp.verify(code, for_time=at):
                self.totp_last_step = step
                return True
        return False


def unknown_account_check(password: str) -> bool:
    """Spend the time a real verification takes, so unknown accounts cannot be told apart."""
    try:
        _hasher.verify(_DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        pass
    return False


def find_user(session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


class RecoveryCode(UUIDKey, Base):
    """A single-use recovery code for a lost authenticator, stored hashed."""

    __tablename__ = "recovery_codes"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


def new_recovery_codes(session, user: User, count: int = 8) -> list[str]:
    """Replace the user's recovery codes; the plain codes are shown once."""
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(old)
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(count)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=token_hash(c)) for c in codes)
    return codes


def use_recovery_code(session, user: User, code: str) -> bool:
    found = session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == token_hash(code.strip().lower()),
        RecoveryCode.used_at.is_(None)))
    if found is None:
        return False
    found.used_at = utcnow()
    return True


class AccountToken(UUIDKey, Base):
    """A single-use, short-lived link token (invitation or password reset), stored hashed."""

    __tablename__ = "account_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # "invitation" or "reset"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


def issue_token(session, user: User, purpose: str, valid: timedelta) -> str:
    """A new token for `user`; earlier unused tokens of the same purpose stop working."""
    for old in session.scalars(select(AccountToken).where(
            AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None))):
        old.used_at = utcnow()
    token = secrets.token_urlsafe(32)
    session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=token_hash(token),
                             expires_at=utcnow() + valid))
    return token


def redeem_token(session, token: str, purpose: str, consume: bool = True) -> User | None:
    """The user of a valid, unused, unexpired token; the token is used up when `consume`."""
    query = select(AccountToken).where(AccountToken.token_hash == token_hash(token), AccountToken.purpose == purpose)
    if consume:  # lock and re-read the row: a concurrent redemption waits, then sees the token used (PostgreSQL)
        query = query.with_for_update().execution_options(populate_existing=True)
    found = session.scalar(query)
    if found is None or found.used_at is not None or found.expires_at < utcnow():
        return None
    if consume:
        found.used_at = utcnow()
    return session.get(User, found.user_id)


class WebSession(Base):
    """A server-side login session; the cookie holds only a random token whose hash is the key."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    data: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


def _session_cipher(token: str) -> AESGCM:
    # The key comes from the cookie's token, which the database never holds (only its hash): a copy of the
    # database cannot read what a session carries, such as a flashed message naming a team member.
    return AESGCM(hmac.new(token.encode(), b"zorgteam session data", hashlib.sha256).digest())


def seal_session_data(token: str, data: dict) -> str:
    """The session's data, encrypted under a key derived from its cookie token, as text for `WebSession.data`."""
    nonce = os.urandom(12)
    sealed = _session_cipher(token).encrypt(nonce, json.dumps(data).encode(), token_hash(token).encode())
    return base64.b64encode(nonce + sealed).decode()


def open_session_data(token: str, stored: str) -> dict | None:
    """The data sealed by `seal_session_data`; None when it does not decrypt (the session is then ended)."""
    try:
        raw = base64.b64decode(stored, validate=True)
        plain = _session_cipher(token).decrypt(raw[:12], raw[12:], token_hash(token).encode())
    except (ValueError, InvalidTag):
        return None
    return json.loads(plain)


def end_sessions(session, user_id: uuid.UUID, keep: str | None = None) -> None:
    """Log the user out everywhere (logout elsewhere, password change, disabled account, lost membership).

    `keep` is the id of a session to leave alone: the caller's own, which it regenerates itself."""
    for web_session in session.scalars(select(WebSession).where(WebSession.user_id == user_id)):
        if web_session.id != keep:
            session.delete(web_session)


def set_new_password(session, user: User, password: str, keep_session: str | None = None) -> None:
    """A new password (policy checked: PasswordRejected); every other session of the user ends."""
    user.set_password(password)
    end_sessions(session, user.id, keep=keep_session)
    audit.record(session, user, "update", target=user, category="password")


def enable_totp(session, user: User, secret: str, code: str) -> list[str] | None:
    """Turn on the second factor when `code` proves the app holds `secret`; the new recovery codes, or None.

    The confirming code counts as used, so it cannot be replayed at the next login."""
    totp = pyotp.TOTP(secret)
    now = utcnow()
    steps = [totp.timecode(now + timedelta(seconds=30 * offset)) for offset in (-1, 0, 1)
             if totp.verify(code, for_time=now + timedelta(seconds=30 * offset))]
    if not steps:
        return None
    user.totp_secret, user.totp_last_step = secret, max(steps)
    audit.record(session, user, "update", target=user, category="two-factor")
    return new_recovery_codes(session, user)


def disable_totp(session, user: User) -> None:
    """Turn the second factor off; the recovery codes go with it."""
    user.totp_secret, user.totp_last_step = None, None
    for code in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(code)
    audit.record(session, user, "update", target=user, category="two-factor")


class LoginFailure(Base):
    """A failed login, kept for the throttling window, per account and per address (both hashed)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def failures_since(session, key: str, since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(LoginFailure)
                          .where(LoginFailure.key == token_hash(key), LoginFailure.at >= since))


def record_failure(session, *keys: str) -> None:
    session.add_all(LoginFailure(key=token_hash(k)) for k in keys)
