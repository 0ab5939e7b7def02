"""My teams and the team overview, as the demo users see them."""
from __future__ import annotations

import re

import pytest
from flask import url_for


def test_karim_sees_all_ten_members_and_himself_as_coordinator(login_as, world):
    client = login_as("karim")
    page = client.get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)
    for name in ("Johan Peeters", "Karim El Amrani", "Griet Hermans", "dr. Els Janssens", "Tom Wouters",
                 "Sofie Maes", "Lotte Vermeulen", "Maria Peeters", "An Peeters", "Jef Claes"):
        assert f"<h3>{name}</h3>" in page
    coordinator = page.split('id="coordinator-h"')[1].split("</section>")[0]
    assert "Karim El Amrani" in coordinator


def test_jef_sees_the_team_but_not_the_identity_data(login_as, world):
    page = login_as("jef").get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)
    assert "Tom Wouters" in page
    assert "47.03.12-123.40" not in page and "1947" not in page


def test_karim_sees_the_identity_data(login_as, world):
    page = login_as("karim").get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)
    assert "47.03.12-123.40" in page and "12 maart 1947" in page


TEAM_MENU = ("teams.overview", "members.index", "goals.index", "info.index", "messages.index", "meetings.index",
             "agreements.index", "referrals.index", "privacy.index")


@pytest.mark.parametrize("page", ["", "members/", "agreements/", "privacy"])
def test_the_team_menu_links_to_each_page_of_the_team_and_marks_the_current_one(app, login_as, world, page):
    """The menu puts its links together from the overview's URL: they must be the pages' own URLs."""
    team_id = world.johan_team.id
    html = login_as("karim").get(f"/teams/{team_id}/{page}").get_data(as_text=True)
    menu = html.split('<nav class="teamnav"')[1].split("</nav>")[0]
    with app.test_request_context():
        expected = [url_for(endpoint, team_id=team_id) for endpoint in TEAM_MENU]
    assert re.findall(r'href="([^"]+)"', menu) == expected
    assert re.findall(r'href="([^"]+)" aria-current="page"', menu) == [f"/teams/{team_id}/{page}"]


@pytest.mark.parametrize("path", ["", "members/", "access-log/", "person"])
def test_outsiders_get_404_on_every_team_page(login_as, world, path):
    assert login_as("hanne").get(f"/teams/{world.johan_team.id}/{path}").status_code == 404


def test_karim_gets_404_on_ritas_team(login_as, world):
    assert login_as("karim").get(f"/teams/{world.rita_team.id}/").status_code == 404


def test_my_teams_lists_only_my_teams_and_searches_by_name(login_as, world):
    client = login_as("hanne")
    page = client.get("/teams/").get_data(as_text=True)
    assert "Rita Vos" in page and "Johan Peeters" not in page
    assert "Rita Vos" not in client.get("/teams/?q=johan").get_data(as_text=True)
    assert "Rita Vos" in client.get("/teams/?q=vos").get_data(as_text=True)


def test_anonymous_users_are_sent_to_login(client, world):
    response = client.get(f"/teams/{world.johan_team.id}/")
    assert response.status_code == 302 and "/login?next=" in response.location
