"""My teams and the team overview, as the demo users see them."""
from __future__ import annotations

import pytest


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
