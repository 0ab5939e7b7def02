"""Security headers on every response: CSP without unsafe-inline, no sniffing, no referrer, no framing, no caching."""
from __future__ import annotations

from flask import Flask, current_app, request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def secure(response):
    """Set the headers on `response`; also called directly for a response made after the hooks ran (a 503)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    if not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
    if current_app.extensions.get("zorgteam.hsts"):
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return response


def init_app(app: Flask, production: bool) -> None:
    app.extensions["zorgteam.hsts"] = production  # HSTS only where the site is served over HTTPS
    app.after_request(secure)
