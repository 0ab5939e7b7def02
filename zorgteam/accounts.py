"""The account: profile, password change, two-factor login, accepting an invitation, resetting a forgotten password."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from zorgteam.access import LOGGED_IN, PUBLIC, Blueprint

bp = Blueprint("accounts", __name__)


@bp.route("/account/", access=LOGGED_IN)
def profile():
    return render_template("accounts/profile.html", user=current_user)


@bp.route("/invite/<token>", methods=["GET", "POST"], access=PUBLIC)
def accept_invitation(token):
    raise NotImplementedError


@bp.route("/password/forgot", methods=["GET", "POST"], access=PUBLIC)
def forgot_password():
    raise NotImplementedError
