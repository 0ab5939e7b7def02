"""Shared information in the web layer: the nine category pages, the medication day schedule and problem reports."""
from flask import Flask

from models.info import NotShared
from zorgteam.info.fields import ITEM_ADD, ITEM_TITLES, LABELS, OPTIONS
from zorgteam.info.problems import bp as medication_bp
from zorgteam.info.views import bp, not_shared

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(medication_bp)
    app.register_error_handler(NotShared, not_shared)
    app.jinja_env.globals.update(FIELD_LABELS=LABELS, OPTION_LABELS=OPTIONS, ITEM_TITLES=ITEM_TITLES,
                                 ITEM_ADD=ITEM_ADD)
