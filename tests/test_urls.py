"""The page frame's fixed links (zorgteam/urls.py): the same as url_for gives, and per mount point."""
from __future__ import annotations

import re

from flask import url_for

from zorgteam.urls import fixed_url

FRAME = [("static", {"filename": "zorgteam.css"}), ("static", {"filename": "zorgteam.js"}), ("teams.home", {}),
         ("home.index", {}), ("teams.index", {}), ("tasks.index", {}), ("socialmap.index", {}),
         ("accounts.profile", {}), ("auth.logout", {}), ("i18n.choose", {})]


def test_fixed_urls_are_what_url_for_gives(app):
    with app.test_request_context("/"):
        for endpoint, values in FRAME:
            assert fixed_url(endpoint, **values) == url_for(endpoint, **values)
            assert fixed_url(endpoint, **values) == url_for(endpoint, **values)  # the second time: from the cache


def test_an_app_mounted_elsewhere_gets_its_own_links(app):
    with app.test_request_context("/"):
        at_root = fixed_url("teams.index")
    with app.test_request_context("/", base_url="http://localhost/zorg/"):
        mounted = fixed_url("teams.index")
    assert (at_root, mounted) == ("/teams/", "/zorg/teams/")


def test_every_link_of_the_frame_on_a_page_goes_where_the_routes_say(login_as):
    client = login_as("karim")
    page = client.get("/teams/").get_data(as_text=True)
    with client.application.test_request_context("/"):
        expected = {url_for(endpoint, **values) for endpoint, values in FRAME}
    linked = set(re.findall(r'(?:href|src|action)="([^"]+)"', page))
    assert expected <= linked, expected - linked
