"""Agreements in the web layer: the team's agreements, who does what, and the user's own tasks (/my/tasks)."""
from flask import Flask

from zorgteam.agreements import tasks, views
from zorgteam.agreements.texts import day_words, done_words, next_words, rhythm, when

bp = views.bp


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(tasks.bp)
    app.jinja_env.globals.update(agreement_when=when, agreement_rhythm=rhythm, agreement_next=next_words,
                                 day_words=day_words, done_words=done_words)
