"""Links that are the same on every page (the stylesheet, the main menu): built once per mount point.

Every page's frame links to ten fixed places; `url_for` for each costs more than the rest of the menu. Their URL
depends only on where the app is mounted (the request's script root), so it is kept per script root and
endpoint. Only endpoints without per-request values belong here; a team's links are built from its own URL."""
from __future__ import annotations

from flask import Flask, current_app, request, url_for

LIMIT = 512  # script roots come from the WSGI server, not the client; a bound all the same


def fixed_url(endpoint: str, **values: str) -> str:
    known = current_app.extensions["zorgteam.fixed_urls"]
    key = (request.script_root, endpoint, *sorted(values.items()))
    found = known.get(key)
    if found is None:
        if len(known) >= LIMIT:
            known.clear()
        found = known[key] = url_for(endpoint, **values)
    return found


def init_app(app: Flask) -> None:
    app.extensions["zorgteam.fixed_urls"] = {}
    app.jinja_env.globals["fixed_url"] = fixed_url
