"""The privacy hub: every right in one place, each link only for those who may use it; the team menu stays short."""
from __future__ import annotations

import re

import pytest

LINKS = {"Toestemming", "Wat u kan zien", "Wie bekeek wat", "Verbeteringen", "Zorgplan afdrukken",
         "Gegevens meenemen", "Gegevens wissen"}


def _links(client, team_id) -> set[str]:
    page = client.get(f"/teams/{team_id}/privacy").get_data(as_text=True)
    hub = page.split('<ul class="list hub">')[1].split("</ul>")[0]
    return set(re.findall(r"<strong>([^<]+)</strong>", hub)) & LINKS


@pytest.mark.parametrize("who, expected", [
    ("karim", {"Toestemming", "Wie bekeek wat", "Verbeteringen", "Zorgplan afdrukken", "Gegevens meenemen",
               "Gegevens wissen"}),
    ("johan", {"Toestemming", "Wie bekeek wat", "Verbeteringen", "Zorgplan afdrukken", "Gegevens meenemen"}),
    ("tom", {"Wat u kan zien", "Zorgplan afdrukken"}),
    ("jef", {"Wat u kan zien"}),
])
def test_the_hub_offers_each_right_to_those_who_have_it(login_as, world, who, expected):
    assert _links(login_as(who), world.johan_team.id) == expected


def test_every_link_of_the_hub_opens_for_who_sees_it(login_as, world):
    client = login_as("karim")
    page = client.get(f"/teams/{world.johan_team.id}/privacy").get_data(as_text=True)
    hub = page.split('<ul class="list hub">')[1].split("</ul>")[0]
    for url in re.findall(r'href="([^"]+)"', hub):
        assert client.get(url).status_code == 200, url


def test_the_team_menu_marks_privacy_on_the_pages_it_leads_to(login_as, world):
    page = login_as("karim").get(f"/teams/{world.johan_team.id}/access-log/").get_data(as_text=True)
    menu = page.split('class="teamnav"')[1].split("</nav>")[0]
    assert re.search(r'aria-current="page">Privacy<', menu)
    assert "Wie bekeek wat" not in menu
