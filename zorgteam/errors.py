"""Friendly error pages with a reference number; never a stack trace."""
from __future__ import annotations

import logging
import secrets

from flask import Flask, g, render_template
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

KNOWN = (400, 403, 404, 405, 409, 413, 429, 500, 503)


def error_page(code: int, reference: str | None = None):
    """The error page for `code` as a response."""
    reference = reference or g.get("request_id") or secrets.token_hex(6)
    return render_template("errors/error.html", code=code, reference=reference), code


def _http_error(error: HTTPException):
    code = error.code if error.code in KNOWN else 500
    return error_page(code)


def _crash(error: Exception):
    reference = g.get("request_id") or secrets.token_hex(6)
    log.exception("unhandled error, reference %s", reference)
    return error_page(500, reference)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _crash)
