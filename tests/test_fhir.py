"""The record as a FHIR Bundle: it validates with fhir.resources, holds Johan's life goals, his team, the consent,
both meetings and the agreements, and every reference in it points at an entry of the Bundle."""
from __future__ import annotations

import json
from collections import Counter

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from models import fhir
from models.export import export_record
from tests.test_export import run_cli

LIFE_GOALS = ["Ik wil thuis blijven wonen, samen met Maria.", "Ik wil elke zondag naar de duivenclub.",
              "Ik wil mijn kleinkinderen zien opgroeien."]


@pytest.fixture
def bundle_json(app, world) -> dict:
    result = run_cli(app, str(world.johan_team.id), "--format", "fhir")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_johans_bundle_validates_entry_by_entry(bundle_json):
    bundle = Bundle.model_validate(bundle_json)
    assert bundle.type == "collection" and len(bundle.entry) == len(bundle_json["entry"])
    for entry in bundle_json["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    assert len({e["fullUrl"] for e in bundle_json["entry"]}) == len(bundle_json["entry"])


def test_the_bundle_holds_every_kind_of_resource_the_issue_asks_for(bundle_json):
    kinds = Counter(e["resource"]["resourceType"] for e in bundle_json["entry"])
    assert kinds["Patient"] == 1 and kinds["CareTeam"] == 1 and kinds["CarePlan"] == 1 and kinds["Consent"] == 1
    # six professionals (Practitioner + PractitionerRole), Maria, An and Jef as RelatedPerson
    assert (kinds["Practitioner"], kinds["PractitionerRole"], kinds["RelatedPerson"]) == (6, 6, 3)
    assert kinds["Appointment"] == 2 and kinds["Encounter"] == 1 and kinds["Task"] == 6
    assert kinds["Communication"] == 4 + 1  # the messages, and the minutes of the held MDO


def test_johan_is_the_patient_with_his_insz(bundle_json):
    (patient,) = _resources(bundle_json, "Patient")
    assert patient["name"][0]["family"] == "Peeters" and patient["birthDate"] == "1947-03-12"
    assert patient["identifier"] == [{"system": fhir.SSIN, "value": "47031212340"}]
    assert patient["address"][0]["city"] == "Geel"
    gp = next(r for r in _resources(bundle_json, "PractitionerRole")
              if f"urn:uuid:{r['id']}" == patient["generalPractitioner"][0]["reference"])
    assert gp["code"][0]["coding"][0]["code"] == "gp"


def test_the_three_life_goals_and_the_care_goals_with_their_evaluations(bundle_json):
    goals = _resources(bundle_json, "Goal")
    life = [g for g in goals if g["category"][0]["coding"][0]["code"] == "life-goal"]
    assert [g["description"]["text"] for g in life] == LIFE_GOALS
    care = [g for g in goals if g["category"][0]["coding"][0]["code"] == "care-goal"]
    assert len(care) == 3 and all(g["extension"][0]["extension"][1]["valueReference"]["type"] == "Goal" for g in care)
    evaluated = [g for g in care if g.get("outcomeReference")]
    assert evaluated
    observations = {f"urn:uuid:{o['id']}": o for o in _resources(bundle_json, "Observation")}
    outcome = observations[evaluated[0]["outcomeReference"][0]["reference"]]
    assert outcome["focus"][0]["reference"] == f"urn:uuid:{evaluated[0]['id']}" and "valueInteger" in outcome


def test_the_team_the_consent_the_meetings_and_the_agreements(bundle_json):
    (team,) = _resources(bundle_json, "CareTeam")
    assert len(team["participant"]) == 10
    roles = [c["coding"][0]["code"] for p in team["participant"] for c in p["role"]]
    assert roles.count("coordinator") == 1 and roles.count("representative") == 1
    (consent,) = _resources(bundle_json, "Consent")
    assert consent["patient"]["type"] == "Patient" and len(consent["provision"]["provision"]) > 40
    assert sorted(a["status"] for a in _resources(bundle_json, "Appointment")) == ["booked", "fulfilled"]
    (encounter,) = _resources(bundle_json, "Encounter")
    assert encounter["status"] == "finished" and len(encounter["participant"]) == 7  # all but Johan and Sofie
    tasks = {t["description"]: t for t in _resources(bundle_json, "Task")}
    assert tasks["Weekdoos klaarzetten"]["status"] == "accepted" and len(tasks["Weekdoos klaarzetten"]["output"]) == 5
    (plan,) = _resources(bundle_json, "CarePlan")
    assert len(plan["activity"]) == 6 and len(plan["goal"]) == 6


def _references(node):
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield node["reference"]
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def test_every_reference_points_at_an_entry_of_the_bundle(bundle_json):
    urls = {e["fullUrl"] for e in bundle_json["entry"]}
    references = list(_references(bundle_json["entry"]))
    assert len(references) > 100
    assert sorted(set(references) - urls) == []


def test_constructing_a_resource_validates_it(db, world):
    """fhir.resources refuses what the specification refuses: the bundle is never built from an invalid value."""
    document = export_record(db, world.johan_team, None)
    document["person"]["birth_date"] = "12 maart 1947"
    with pytest.raises(ValidationError):
        fhir.bundle(document)


def test_the_fhir_download_passes_the_same_filter_as_the_json(login_as, world):
    bundle = login_as("maria").get(f"/teams/{world.johan_team.id}/export/record.fhir.json").get_json()
    texts = [p["contentString"] for c in _resources(bundle, "Communication") for p in c["payload"]]
    assert texts and not any("Inhalatietechniek nog onvoldoende" in t for t in texts)


def test_a_direct_message_goes_to_its_recipient_and_a_reply_answers_it(app, db, world):
    from models.messages import post_message, post_reply
    question = post_message(db, world.johan_team, world.member("maria"), "Mag Johan vandaag zwemmen?",
                            audience="member", recipient=world.member("els"))
    answer = post_reply(db, world.johan_team, world.member("els"), question, "Ja, rustig aan.")
    db.commit()
    result = run_cli(app, str(world.johan_team.id), "--format", "fhir")
    bundle = json.loads(result.output)
    communications = {c["id"]: c for c in _resources(bundle, "Communication")}
    roles = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    to_els = roles[communications[str(question.id)]["recipient"][0]["reference"]]
    assert to_els["resourceType"] == "PractitionerRole" and to_els["code"][0]["coding"][0]["code"] == "gp"
    reply = communications[str(answer.id)]
    assert reply["inResponseTo"] == [{"reference": f"urn:uuid:{question.id}", "type": "Communication"}]
    assert roles[reply["recipient"][0]["reference"]]["resourceType"] == "RelatedPerson"  # Maria
    Bundle.model_validate(bundle)
