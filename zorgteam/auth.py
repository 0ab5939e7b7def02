"""Logging in and out: the login manager, throttled password login, the TOTP step, logout that ends the session at once."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired

from models import User, audit
from models.base import utcnow
from models.users import failures_since, find_user, record_failure, unknown_account_check, use_recovery_code
from zorgteam.access import LOGGED_IN, PUBLIC, Blueprint
from zorgteam.db import get_session
from zorgteam.limits import MaxLength
from zorgteam.home import landing, start_session
from zorgteam.translate import gettext as _
from zorgteam.translate import lazy_gettext as _l

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()  # every POST, in every blueprint, needs the token
PENDING_2FA = "2fa_user"
PENDING_2FA_MINUTES = 5


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in.")), MaxLength(254)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in.")),
                                                          MaxLength(1000)])


class TwoFactorForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Vul de code in.")), MaxLength(32)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        user = get_session().get(User, uuid.UUID(user_id))
    except ValueError:
        return None
    return user if user is not None and user.active else None


def safe_next(target: str | None) -> str:
    """Only a local path: `next=` never sends anyone to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target \
            or any(ord(c) < 32 or ord(c) == 127 for c in target):  # a line break cannot go in a Location header
        return url_for("teams.home")  # which lands each user where they start (zorgteam/home.py)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("teams.home")
    return target


def _throttle_keys(email: str) -> tuple[str, str]:
    return "account:" + email.strip().lower(), "address:" + (request.remote_addr or "?")


def _throttled(email: str) -> bool:
    settings = current_app.config["ZORGTEAM"]
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    account, address = _throttle_keys(email)
    db = get_session()
    return (failures_since(db, account, since) >= settings.login_max_failures_account
            or failures_since(db, address, since) >= settings.login_max_failures_address)


def _fail(form, email: str, user: User | None):
    record_failure(get_session(), *_throttle_keys(email))
    audit.record(get_session(), user, "login-failed", outcome="failed")
    form.form_errors.append(_l("Het e-mailadres of het wachtwoord klopt niet."))
    return render_template("auth/login.html", form=form)


def complete_login(user: User):
    """Start a fresh session (new id) for `user` and go where they were headed, else where they start (carers on
    their tasks, everyone else on the home screen).

    A language chosen before logging in survives the new session and becomes the account's.
    """
    target = request.args.get("next")
    lang = session.get("lang")
    session.regenerate()
    if lang:
        session["lang"] = user.language = lang
    login_user(user)
    start_session()
    audit.record(get_session(), user, "login")
    return redirect(safe_next(target) if target else landing())


@bp.route("/login", methods=["GET", "POST"], access=PUBLIC)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("teams.home"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    if _throttled(form.email.data):
        form.form_errors.append(_l("Te veel mislukte pogingen. Wacht een kwartier en probeer dan opnieuw."))
        return render_template("auth/login.html", form=form)
    user = find_user(get_session(), form.email.data)
    if user is None:
        unknown_account_check(form.password.data)
        return _fail(form, form.email.data, None)
    if not user.check_password(form.password.data) or not user.active:
        return _fail(form, form.email.data, user)
    if user.two_factor:
        session[PENDING_2FA] = [str(user.id), utcnow().isoformat()]
        return redirect(url_for("auth.second_factor", next=request.args.get("next")))
    return complete_login(user)


def _pending_user() -> User | None:
    pending = session.get(PENDING_2FA)
    if not pending:
        return None
    user_id, since = pending
    if utcnow() - datetime.fromisoformat(since) > timedelta(minutes=PENDING_2FA_MINUTES):
        return None
    return load_user(user_id)


@bp.route("/login/2fa", methods=["GET", "POST"], access=PUBLIC)
def second_factor():
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    form = TwoFactorForm()
    if not form.validate_on_submit():
        return render_template("auth/second_factor.html", form=form)
    code = form.code.data.replace(" ", "")
    if _throttled(user.email):
        form.form_errors.append(_l("Te veel mislukte pogingen. Wacht een kwartier en probeer dan opnieuw."))
    elif user.verify_totp(code) or use_recovery_code(get_session(), user, code):
        return complete_login(user)
    else:
        record_failure(get_session(), *_throttle_keys(user.email))
        audit.record(get_session(), user, "login-failed", outcome="failed")
        form.form_errors.append(_l("Deze code klopt niet of werd al gebruikt."))
    return render_template("auth/second_factor.html", form=form)


@bp.route("/logout", methods=["POST"], access=LOGGED_IN)
def logout():
    audit.record(get_session(), current_user._get_current_object(), "logout")
    logout_user()
    session.end()
    flash(_("U bent afgemeld."), "info")  # a lazy string cannot be stored in the session (JSON)
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # the server-side session is the protection
