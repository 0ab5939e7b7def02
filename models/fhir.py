"""The exported record (models/export.py) as a FHIR Bundle of type collection, built and validated with
fhir.resources (FHIR R4B, 4.3.0: the R4 family, resource for resource the same as R4 for what we use).

The person is the Patient; professionals are Practitioner + PractitionerRole, family carers and volunteers
RelatedPerson; the team a CareTeam; the care plan a CarePlan with its Goals (life goals and care goals), their
evaluations and the positive-health scorings as Observations; consent a Consent; meetings Appointments (and
Encounters once held, their minutes a Communication); agreements Tasks; referrals ServiceRequests; messages
Communications. Every entry is
referenced by `urn:uuid:`; constructing each resource validates it against the specification.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.communication import Communication
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.relatedperson import RelatedPerson
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

FHIR_VERSION = "4.3.0"
SYSTEM = "https://zorgteam.example/fhir/CodeSystem"  # our own codes: roles, disciplines, categories, kinds
SSIN = "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin"  # the Belgian INSZ
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
PROFESSIONALS = ("professional", "case_manager", "meeting_organiser")
APPOINTMENT_STATUS = {"planned": "booked", "held": "fulfilled", "cancelled": "cancelled"}
RESPONSE = {"NEEDS-ACTION": "needs-action", "ACCEPTED": "accepted", "DECLINED": "declined", "TENTATIVE": "tentative"}
TASK_STATUS = {"proposed": "requested", "accepted": "accepted", "declined": "rejected", "done": "completed",
               "cancelled": "cancelled"}
# A referral stays an active request until the help stopped (FHIR has no state for "waiting list").
REFERRAL_STATUS = {"asked": "active", "waitlisted": "active", "started": "active", "stopped": "completed"}
_NAMESPACE = uuid.UUID("5b7f0c1e-2f0e-4c8e-9a55-6a1f3a0c2d10")


def derived_id(record_id: str, kind: str) -> str:
    """A stable id for a second resource made from one record (the PractitionerRole of a member, ...)."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}/{record_id}"))


def _code(kind: str, code: str | None, text: str | None = None) -> dict:
    return {"coding": [{"system": f"{SYSTEM}/{kind}", "code": code}], "text": text or code}


def _period(start, end=None) -> dict:
    return {k: v for k, v in (("start", start), ("end", end)) if v}


def _telecom(*pairs) -> list[dict]:
    return [{"system": system, "value": value} for system, value in pairs if value]


class Refs:
    """The `urn:uuid:` reference of each record's resource, by what it is."""

    def __init__(self, doc: dict):
        self.patient = self._ref("Patient", doc["person"]["id"])
        self.team = self._ref("CareTeam", doc["team"]["id"])
        self.plan = self._ref("CarePlan", derived_id(doc["team"]["id"], "CarePlan"))
        self.members = {m["id"]: self._member(m) for m in doc["members"]}
        self.goals = {g["id"]: self._ref("Goal", g["id"]) for g in doc["life_goals"] + doc["care_goals"]}
        self.encounters = {m["id"]: self._ref("Encounter", derived_id(m["id"], "Encounter"))
                           for m in doc["meetings"] if m["status"] == "held"}

    @staticmethod
    def _ref(kind: str, rid: str) -> dict:
        return {"reference": f"urn:uuid:{rid}", "type": kind}

    def _member(self, member: dict) -> dict:
        if member["role"] == "person":
            return self.patient
        if member["role"] in PROFESSIONALS:
            return self._ref("PractitionerRole", derived_id(member["id"], "PractitionerRole"))
        return self._ref("RelatedPerson", member["id"])

    def member(self, member_id: str | None) -> dict | None:
        return self.members.get(member_id) if member_id else None

    def practitioner(self, member_id: str) -> dict:
        return self._ref("Practitioner", member_id)


# --- the people ------------------------------------------------------------------------------------------------

def patient(doc: dict, refs: Refs) -> Patient:
    person = doc["person"]
    address = person.get("address") or {}
    gp = next((m for m in doc["members"] if m["discipline"] == "gp" and m["ended_on"] is None), None)
    return Patient(
        id=person["id"], active=True,
        identifier=[{"system": SSIN, "value": person["insz_digits"]}] if person.get("insz_digits") else None,
        name=[{"family": person["family_name"], "given": [person["given_name"]],
               "text": f"{person['given_name']} {person['family_name']}"}],
        birthDate=person.get("birth_date"), telecom=_telecom(("phone", person.get("phone"))) or None,
        address=[{"line": [address["street"]] if address.get("street") else None, "postalCode": address.get("postcode"),
                  "city": address.get("city"), "country": "BE"}] if address else None,
        communication=[{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": person["language"]}]},
                        "preferred": True}],
        generalPractitioner=[refs.member(gp["id"])] if gp else ([{"display": person["gp"]}] if person.get("gp")
                                                               else None))


def _contact(member: dict) -> dict:
    return {"name": [{"text": member["name"]}], "active": member["ended_on"] is None,
            "telecom": _telecom(("phone", member["phone"]), ("email", member["email"])) or None}


def team_people(doc: dict, refs: Refs) -> list:
    """A Practitioner and PractitionerRole per professional, a RelatedPerson per family carer or volunteer."""
    found = []
    for member in doc["members"]:
        if member["role"] == "person":
            continue
        period = _period(member["started_on"], member["ended_on"])
        if member["role"] in PROFESSIONALS:
            found.append(Practitioner(id=member["id"], **_contact(member)))
            found.append(PractitionerRole(
                id=derived_id(member["id"], "PractitionerRole"), active=member["ended_on"] is None, period=period,
                practitioner=refs.practitioner(member["id"]),
                code=[_code("discipline", member["discipline"] or member["role"])],
                organization={"display": member["organisation"]} if member["organisation"] else None,
                telecom=_contact(member)["telecom"], availabilityExceptions=member["reachability"]))
        else:
            found.append(RelatedPerson(
                id=member["id"], patient=refs.patient, period=period,
                relationship=[_code("role", member["role"], member["relation"] or member["role"])],
                **_contact(member)))
    return found


def care_team(doc: dict, refs: Refs) -> CareTeam:
    held = {}
    for record in doc["designations"]:
        if record["ended_at"] is None:
            held.setdefault(record["member_id"], []).append(_code("designation", record["kind"]))
    person = doc["person"]
    return CareTeam(
        id=doc["team"]["id"], status="inactive" if doc["team"]["closed_on"] else "active", subject=refs.patient,
        period=_period(doc["team"]["created_at"], doc["team"]["closed_on"]),
        name=f"Zorgteam van {person['given_name']} {person['family_name']}",
        participant=[{"member": refs.member(m["id"]), "role": [_code("role", m["role"])] + held.get(m["id"], []),
                      "period": _period(m["started_on"], m["ended_on"])} for m in doc["members"]])


# --- the care plan: goals, evaluations, scorings, agreements ----------------------------------------------------

def _goal_relationship(life_goal: dict) -> list[dict]:
    """A care goal serves a life goal (the R4 goal-relationship extension)."""
    return [{"url": "http://hl7.org/fhir/StructureDefinition/goal-relationship", "extension": [
        {"url": "type", "valueCodeableConcept": {"coding": [
            {"system": "http://hl7.org/fhir/goal-relationship-type", "code": "other"}], "text": "dient"}},
        {"url": "target", "valueReference": life_goal}]}]


def goals(doc: dict, refs: Refs) -> list[Goal]:
    outcomes: dict[str, list] = {}
    for evaluation in doc["goal_evaluations"]:
        outcomes.setdefault(evaluation["care_goal_id"], []).append(
            {"reference": f"urn:uuid:{evaluation['id']}", "type": "Observation"})
    found = [Goal(id=g["id"], lifecycleStatus=g["lifecycle"], description={"text": g["text"]}, subject=refs.patient,
                  category=[_code("goal-kind", "life-goal", "levensdoel")], startDate=g["expressed_on"],
                  priority={"text": str(g["position"])}, expressedBy=refs.member(g["expressed_by_id"]))
             for g in doc["life_goals"]]
    for g in doc["care_goals"]:
        levels = (g["gas"] or {}).get("levels", {})
        found.append(Goal(
            id=g["id"], lifecycleStatus=g["lifecycle"], description={"text": g["text"]}, subject=refs.patient,
            category=[_code("goal-kind", "care-goal", "zorg- en ondersteuningsdoel")],
            achievementStatus={"coding": [{"system": GOAL_ACHIEVEMENT, "code": g["achievement"]}]},
            target=[{"dueDate": g["target_date"]}] if g["target_date"] else None,
            expressedBy=refs.member(g["created_by_id"]), outcomeReference=outcomes.get(g["id"]),
            note=[{"text": f"GAS {level}: {levels[level]}"} for level in sorted(levels, key=int)] or None,
            extension=_goal_relationship(refs.goals[g["life_goal_id"]]) if g["life_goal_id"] in refs.goals else None))
    return found


def observations(doc: dict, refs: Refs) -> list[Observation]:
    """GAS evaluations (focus: their care goal) and positive-health scorings (a component per dimension)."""
    found = [Observation(
        id=e["id"], status="final", code=_code("observation", "gas-evaluation", "Goal Attainment Scaling"),
        subject=refs.patient, focus=[refs.goals[e["care_goal_id"]]] if e["care_goal_id"] in refs.goals else None,
        effectiveDateTime=e["evaluated_on"], performer=[refs.member(e["evaluated_by_id"])] if e["evaluated_by_id"]
        else None, encounter=refs.encounters.get(e["meeting_id"]),
        valueInteger=e["level"] if e["level"] is not None else None,
        valueCodeableConcept=None if e["level"] is not None else {
            "coding": [{"system": GOAL_ACHIEVEMENT, "code": e["achievement"]}]},
        note=[{"text": e["remark"]}] if e["remark"] else None) for e in doc["goal_evaluations"]]
    found += [Observation(
        id=s["id"], status="final", code=_code("observation", "positive-health", "Positieve Gezondheid"),
        subject=refs.patient, effectiveDateTime=s["scored_on"],
        performer=[refs.member(s["scored_by_id"])] if s["scored_by_id"] else None,
        component=[{"code": _code("positive-health-dimension", d), "valueInteger": v}
                   for d, v in sorted((s["scores"] or {}).items())],
        note=[{"text": s["remark"]}] if s["remark"] else None) for s in doc["health_scorings"]]
    return found


def care_plan(doc: dict, refs: Refs) -> CarePlan:
    person = doc["person"]
    return CarePlan(
        id=derived_id(doc["team"]["id"], "CarePlan"), status="completed" if doc["team"]["closed_on"] else "active",
        intent="plan", subject=refs.patient,
        title=f"Zorgplan van {person['given_name']} {person['family_name']}", careTeam=[refs.team],
        created=doc["team"]["created_at"], goal=list(refs.goals.values()) or None,
        activity=[{"reference": {"reference": f"urn:uuid:{a['id']}", "type": "Task"}} for a in doc["agreements"]]
        or None)


def tasks(doc: dict, refs: Refs) -> list[Task]:
    done: dict[str, list] = {}
    for completion in doc["agreement_completions"]:
        done.setdefault(completion["agreement_id"], []).append(
            {"type": {"text": "afgewerkt"}, "valueDateTime": completion["completed_at"]})
    return [Task(
        id=a["id"], status=TASK_STATUS[a["status"]], intent="plan", description=a["what"], for_fhir=refs.patient,
        owner=refs.member(a["owner_id"]), requester=refs.member(a["created_by_id"]), authoredOn=a["created_at"],
        lastModified=a["done_at"], basedOn=[refs.plan], code=_code("recurrence", a["recurrence"]),
        focus=refs.goals.get(a["care_goal_id"]), encounter=refs.encounters.get(a["meeting_id"]),
        restriction={"period": {"end": a["due_on"]}} if a["due_on"] else None,
        note=[{"text": a["remark"]}] if a["remark"] else None, output=done.get(a["id"])) for a in doc["agreements"]]


def service_requests(doc: dict, refs: Refs) -> list[ServiceRequest]:
    """Referrals to an organisation of the social map: the need as the code, our status as an order detail,
    the days help started and stopped as the occurrence period."""
    return [ServiceRequest(
        id=r["id"], status=REFERRAL_STATUS[r["status"]], intent="order", subject=refs.patient,
        code=_code("need", r["need"]), authoredOn=r["asked_on"], requester=refs.member(r["referred_by_id"]),
        performer=[{"display": r["organisation_name"]}], basedOn=[refs.plan],
        occurrencePeriod=_period(r["started_on"], r["stopped_on"]) or None,
        note=[{"text": r["note"]}] if r["note"] else None,
        orderDetail=[_code("referral-status", r["status"])]) for r in doc["referrals"]]


# --- consent, meetings, messages ---------------------------------------------------------------------------------

def consent(doc: dict, refs: Refs) -> Consent:
    """Who may see which category of shared information: a permit (or deny) per member and category."""
    grants = doc["consent_grants"]
    changed = max((g["changed_at"] for g in grants), default=None)
    return Consent(
        id=derived_id(doc["team"]["id"], "Consent"), status="active", patient=refs.patient, dateTime=changed,
        scope={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}]},
        category=[{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        policyRule={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN"}]},
        provision={"type": "deny", "provision": [{
            "type": "permit" if g["granted"] else "deny", "period": _period(None, g["valid_until"]) or None,
            "actor": [{"role": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                            "code": "IRCP"}]}, "reference": refs.member(g["member_id"])}],
            "class": [{"system": f"{SYSTEM}/info-category", "code": g["category"]}]}
            for g in grants if refs.member(g["member_id"])] or None})


def _comment(meeting: dict) -> str | None:
    lines = [f"Plaats: {meeting['place']}" if meeting["place"] else None,
             f"Video: {meeting['video_link']}" if meeting["video_link"] else None]
    lines += [f"Agenda: {item['text']}" for item in meeting["agenda"] or [] if item.get("text")]
    return "\n".join(line for line in lines if line) or None


def meetings(doc: dict, refs: Refs) -> list:
    """An Appointment per meeting; a held one also an Encounter (who took part, how) and its minutes."""
    invitees: dict[str, list] = {}
    for invitee in doc["meeting_invitees"]:
        invitees.setdefault(invitee["meeting_id"], []).append(invitee)
    found = []
    for m in doc["meetings"]:
        people = [i for i in invitees.get(m["id"], []) if refs.member(i["member_id"])]
        found.append(Appointment(
            id=m["id"], status=APPOINTMENT_STATUS[m["status"]], appointmentType=_code("meeting-kind", m["kind"]),
            start=m["starts_at"], minutesDuration=m["duration_minutes"], created=m["created_at"],
            end=_end(m), comment=_comment(m),
            participant=[{"actor": refs.member(i["member_id"]), "status": RESPONSE.get(i["response"], "needs-action"),
                          "required": "optional" if i["role"] == "optional" else "required"} for i in people]
            or [{"actor": refs.patient, "status": "needs-action"}]))
        if m["id"] in refs.encounters:
            found += _held(m, people, refs)
    return found


def _end(meeting: dict) -> str:
    return (datetime.fromisoformat(meeting["starts_at"]) + timedelta(minutes=meeting["duration_minutes"])).isoformat()


def _held(m: dict, people: list[dict], refs: Refs) -> list:
    encounter = refs.encounters[m["id"]]
    took_part = [i for i in people if i["attendance"] in ("present", "video", "phone")
                 and refs.member(i["member_id"])["type"] != "Patient"]
    found = [Encounter(
        id=encounter["reference"].removeprefix("urn:uuid:"), status="finished", subject=refs.patient,
        class_fhir={"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HH",
                    "display": "home health"},
        type=[_code("meeting-kind", m["kind"])], period=_period(m["starts_at"], _end(m)),
        appointment=[{"reference": f"urn:uuid:{m['id']}", "type": "Appointment"}],
        participant=[{"individual": refs.member(i["member_id"]), "type": [_code("attendance", i["attendance"])]}
                     for i in took_part] or None)]
    if m["minutes"]:
        found.append(Communication(
            id=derived_id(m["id"], "minutes"), status="completed", subject=refs.patient, encounter=encounter,
            category=[_code("communication", "minutes", "verslag")], sent=m["closed_at"], recipient=[refs.team],
            payload=[{"contentString": m["minutes"]}]))
    return found


def communications(doc: dict, refs: Refs) -> list[Communication]:
    """A Communication per message: to the team, or to the one member of a direct message; a reply inResponseTo
    the first message of its thread."""
    return [Communication(
        id=msg["id"], status="completed", subject=refs.patient, sent=msg["posted_at"],
        sender=refs.member(msg["author_id"]), recipient=[refs.member(msg["recipient_id"]) or refs.team],
        inResponseTo=[{"reference": f"urn:uuid:{msg['parent_id']}", "type": "Communication"}]
        if msg["parent_id"] else None,
        category=[_code("message-kind", msg["kind"]), _code("audience", msg["audience"])],
        payload=[{"contentString": msg["body"]}]) for msg in doc["messages"]]


def bundle(doc: dict) -> Bundle:
    """The record as a FHIR Bundle (type collection); raises a validation error should any resource be invalid."""
    refs = Refs(doc)
    resources = [patient(doc, refs), *team_people(doc, refs), care_team(doc, refs), care_plan(doc, refs),
                 *goals(doc, refs), *observations(doc, refs), consent(doc, refs), *meetings(doc, refs),
                 *tasks(doc, refs), *service_requests(doc, refs), *communications(doc, refs)]
    return Bundle(type="collection", timestamp=doc["exported_at"],
                  identifier={"system": f"{SYSTEM}/export", "value": derived_id(doc["exported_at"], "Bundle")},
                  entry=[{"fullUrl": f"urn:uuid:{r.id}", "resource": r} for r in resources])
