"""Languages: Dutch (Flemish) first, English second; the choice is kept in the session and on the account."""
from __future__ import annotations

from flask import Flask, redirect, request, session
from flask_babel import Babel, format_date, format_datetime, get_locale
from flask_login import current_user

from config import ROOT
from zorgteam.access import PUBLIC, Blueprint
from zorgteam.auth import safe_next
from zorgteam.translate import catalog as _catalog

LANGUAGES = {"nl": "Nederlands", "en": "English"}
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    return "nl"


def _install_template_gettext(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalog().ugettext(s), ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n), newstyle=True)


@bp.route("/language", methods=["POST"], access=PUBLIC)
def choose():
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.language = lang
    return redirect(safe_next(request.form.get("next")))


def init_app(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    app.config["BABEL_DEFAULT_LOCALE"] = "nl"
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Brussels"
    Babel(app, locale_selector=select_locale)
    _install_template_gettext(app)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, get_locale=get_locale)
    app.jinja_env.filters.update(format_date=format_date, format_datetime=format_datetime)
    app.register_blueprint(bp)
