"""The personal calendar feed: create, rotate or revoke a secret URL at /account/calendar, and the feed itself at
/calendar/<token>.ics, where the token is the only credential (a calendar program cannot log in)."""
from __future__ import annotations

from flask import abort, current_app, flash, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from models.calendar import feed_ics, feed_of, feed_owner, issue_feed, revoke_feed
from zorgteam.access import LOGGED_IN, PUBLIC, Blueprint
from zorgteam.db import get_session
from zorgteam.translate import gettext as _

bp = Blueprint("calendar", __name__)
TOKEN_MAX = 100


def _page(url: str | None = None, status: int = 200):
    feed = feed_of(get_session(), current_user)
    return render_template("calendar/account.html", feed=feed, url=url, form=FlaskForm()), status


@bp.route("/account/calendar", access=LOGGED_IN)
def account():
    return _page()


@bp.route("/account/calendar", methods=["POST"], access=LOGGED_IN, endpoint="change")
def change():
    """Create or rotate (the old URL stops working) and show the new URL once; or revoke."""
    db = get_session()
    if not FlaskForm().validate_on_submit():
        return _page(status=400)
    if request.form.get("action") == "revoke":
        revoke_feed(db, current_user)
        flash(_("Uw agenda-feed is ingetrokken: de link werkt niet meer."), "info")
        return _page()
    token = issue_feed(db, current_user)
    base_url = current_app.config["ZORGTEAM"].base_url.rstrip("/")
    return _page(base_url + url_for("calendar.feed", token=token))


@bp.route("/calendar/<token>.ics", access=PUBLIC)
def feed(token: str):
    db = get_session()
    user = feed_owner(db, token) if len(token) <= TOKEN_MAX else None
    if user is None:
        abort(404)
    body = feed_ics(db, user, current_app.config["ZORGTEAM"].base_url)
    return current_app.response_class(body, mimetype="text/calendar", headers={"Cache-Control": "no-store"})
