"""A care team's life: starting one (/teams/new, `flask create-team`) and closing it (/teams/<team_id>/close)."""
from flask import Flask

from zorgteam.lifecycle.command import create_team_command
from zorgteam.lifecycle.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(create_team_command)
