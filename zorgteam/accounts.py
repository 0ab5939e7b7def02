"""The account: profile, password change, two-factor login, accepting an invitation, resetting a forgotten password.

Glossary: invitation = uitnodiging, password reset = nieuw wachtwoord, two-factor login = aanmelden in twee stappen,
recovery code = herstelcode.
"""
from __future__ import annotations

from datetime import timedelta

import pyotp
import segno
from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from models import User, audit
from models.base import utcnow
from models.members import current_designations, teams_of
from models.permissions import Designation
from models.users import (PasswordRejected, check_password_policy, disable_totp, enable_totp, find_user, issue_token,
                          redeem_token, set_new_password)
from zorgteam import mail
from zorgteam.access import LOGGED_IN, PUBLIC, Blueprint
from zorgteam.auth import PENDING_2FA, complete_login
from zorgteam.db import get_session
from zorgteam.limits import MaxLength
from zorgteam.translate import gettext as _
from zorgteam.translate import lazy_gettext as _l

bp = Blueprint("accounts", __name__)
PENDING_SECRET = "2fa_pending_secret"  # the secret being enrolled, until a code confirms it
INVITATION, RESET = "invitation", "reset"


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("Nieuw wachtwoord"), validators=[DataRequired(_l("Kies een wachtwoord.")),
                                                                MaxLength(1000)],
                             render_kw={"autocomplete": "new-password"})
    repeat = PasswordField(_l("Herhaal het nieuwe wachtwoord"),
                           validators=[DataRequired(_l("Vul het wachtwoord nog eens in.")),
                                       EqualTo("password", _l("De twee wachtwoorden zijn niet gelijk.")),
                                       MaxLength(1000)],
                           render_kw={"autocomplete": "new-password"})

    def validate_password(self, field):
        try:
            check_password_policy(field.data)
        except PasswordRejected as error:
            raise ValidationError(str(error)) from None


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Huidig wachtwoord"), validators=[DataRequired(_l("Vul uw huidige wachtwoord in.")),
                                                                MaxLength(1000)],
                            render_kw={"autocomplete": "current-password"})


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in.")), MaxLength(254)],
                       render_kw={"autocomplete": "email"})


class CodeForm(FlaskForm):
    code = StringField(_l("Code uit de app"), validators=[DataRequired(_l("Vul de code in.")), MaxLength(32)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PasswordCheckForm(FlaskForm):
    password = PasswordField(_l("Uw wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in.")),
                                                             MaxLength(1000)],
                             render_kw={"autocomplete": "current-password"})


def _initials(name: str | None) -> str:
    return "".join(word[0].upper() + "." for word in (name or "").split() if word[0].isalpha())


def _invitations(db, user: User) -> list[tuple[str, str]]:
    """(the person's initials, the coordinator's initials) per team: all an invitation link shows before login."""
    found = []
    for team in teams_of(db, user.id):
        coordinator = current_designations(db, team).get(Designation.COORDINATOR)
        found.append((team.person.initials, _initials(coordinator.member.name) if coordinator else ""))
    return found


def _link_user(token: str, purpose: str, consume: bool = False) -> User | None:
    """The active account of a valid link; used up when `consume`."""
    user = redeem_token(get_session(), token[:100], purpose, consume=consume)
    return user if user is not None and user.active else None


def _link_gone(purpose: str):
    return render_template("accounts/link_gone.html", purpose=purpose), 410


def _session_id() -> str | None:
    record = getattr(session, "record", None)
    return record.id if record is not None else None


def _log_in(user: User):
    """After a link set the password: logged in, or on to the code step when two-factor login is on."""
    if not user.two_factor:
        return complete_login(user)
    session.regenerate()
    session[PENDING_2FA] = [str(user.id), utcnow().isoformat()]
    return redirect(url_for("auth.second_factor"))


def _set_password_by_link(token: str, purpose: str, form: NewPasswordForm):
    """Use the link up, set the password, end the account's other sessions, log in."""
    user = _link_user(token, purpose, consume=True)
    if user is None:  # used meanwhile, by a concurrent request
        return _link_gone(purpose)
    set_new_password(get_session(), user, form.password.data, keep_session=_session_id())
    return _log_in(user)


@bp.route("/invite/<token>", methods=["GET", "POST"], access=PUBLIC)
def accept_invitation(token):
    user = _link_user(token, INVITATION)
    if user is None:
        return _link_gone(INVITATION)
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return render_template("accounts/invitation.html", form=form, teams=_invitations(get_session(), user))
    return _set_password_by_link(token, INVITATION, form)


def _send_reset_mail(email: str) -> None:
    """A reset link for a known, active account; nothing (and nothing different to see) otherwise."""
    db = get_session()
    user = find_user(db, email)
    if user is None or not user.active:
        return
    settings = current_app.config["ZORGTEAM"]
    token = issue_token(db, user, RESET, timedelta(minutes=settings.reset_valid_minutes))
    audit.record(db, None, "create", target=user, category="password-reset")
    link = settings.base_url + url_for("accounts.reset_password", token=token)
    body = _("U vroeg een nieuw wachtwoord aan voor Zorgteam.\n\nKies het hier (de link werkt één keer, "
             "%(minutes)s minuten lang):\n%(link)s\n\nVroeg u dit niet aan? Dan hoeft u niets te doen; "
             "uw wachtwoord blijft hetzelfde.\n", minutes=settings.reset_valid_minutes, link=link)
    mail.send(user.email, _("Een nieuw wachtwoord voor Zorgteam"), body)  # queued: the answer is the same


@bp.route("/password/forgot", methods=["GET", "POST"], access=PUBLIC)
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("accounts/forgot.html", form=form)
    _send_reset_mail(form.email.data)
    return render_template("accounts/forgot_sent.html",
                           minutes=current_app.config["ZORGTEAM"].reset_valid_minutes)


@bp.route("/password/reset/<token>", methods=["GET", "POST"], access=PUBLIC)
def reset_password(token):
    if _link_user(token, RESET) is None:
        return _link_gone(RESET)
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return render_template("accounts/reset.html", form=form)
    return _set_password_by_link(token, RESET, form)


@bp.route("/account/", access=LOGGED_IN)
def profile():
    return render_template("accounts/profile.html", user=current_user)


@bp.route("/account/password", methods=["GET", "POST"], access=LOGGED_IN)
def change_password():
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if not form.validate_on_submit():
        return render_template("accounts/password.html", form=form)
    if not user.check_password(form.current.data):
        form.current.errors.append(_("Dit is niet uw huidige wachtwoord."))
        return render_template("accounts/password.html", form=form)
    set_new_password(get_session(), user, form.password.data, keep_session=_session_id())
    session.regenerate()  # a new session id with the new password; every other session has ended
    login_user(user)
    flash(_("Uw wachtwoord is gewijzigd. Op andere toestellen bent u nu afgemeld."), "info")
    return redirect(url_for("accounts.profile"))


def _qr_code(user: User, secret: str) -> Markup:
    """The enrolment QR code as inline SVG, drawn on the server (the CSP allows no scripts or inline styles)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Zorgteam")
    svg = segno.make(uri, error="m").svg_inline(scale=4, omitsize=True, light="white",
                                                 title=_("QR-code om Zorgteam toe te voegen aan uw app"))
    return Markup(svg)  # segno escapes the title; the rest is drawn from the QR matrix


@bp.route("/account/2fa", methods=["GET", "POST"], access=LOGGED_IN)
def two_factor():
    user = current_user._get_current_object()
    if user.two_factor:
        return render_template("accounts/two_factor_on.html", form=PasswordCheckForm())
    secret = session.setdefault(PENDING_SECRET, pyotp.random_base32())
    form = CodeForm()
    if form.validate_on_submit():
        codes = enable_totp(get_session(), user, secret, form.code.data.replace(" ", ""))
        if codes is not None:
            session.pop(PENDING_SECRET)
            return render_template("accounts/recovery_codes.html", codes=codes)
        form.code.errors.append(_("Deze code klopt niet. Kijk of de tijd op uw telefoon juist staat en "
                                  "vul de code in die de app nu toont."))
    return render_template("accounts/two_factor_setup.html", form=form, secret=secret, qr=_qr_code(user, secret))


@bp.route("/account/2fa/disable", methods=["POST"], access=LOGGED_IN)
def disable_two_factor():
    user = current_user._get_current_object()
    form = PasswordCheckForm()
    if not user.two_factor:
        return redirect(url_for("accounts.two_factor"))
    if not form.validate_on_submit():
        return render_template("accounts/two_factor_on.html", form=form)
    if not user.check_password(form.password.data):
        form.password.errors.append(_("Dit wachtwoord klopt niet."))
        return render_template("accounts/two_factor_on.html", form=form)
    disable_totp(get_session(), user)
    flash(_("Aanmelden in twee stappen staat nu uit."), "info")
    return redirect(url_for("accounts.profile"))
