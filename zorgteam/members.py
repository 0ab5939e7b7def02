"""Team members, roles and reachability; adding (by invitation or as a contact), changing, ending; designations; the person's record."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Optional, ValidationError

from models import Member, StaleEdit, audit
from models.members import (DISCIPLINES, MembershipRule, current_designations, designate, designation_history,
                            end_membership, invite, team_members, update_member)
from models.members import add_member as add_member_to_team
from models.people import LANGUAGES, InvalidINSZ, check_insz, update_person
from models.permissions import Permission, Role
from models.socialmap import organisations_by_name
from models.socialmap.contacts import all_contacts, find_contact
from models.socialmap.proposals import propose
from models.users import issue_token
from zorgteam import labels, mail
from zorgteam.access import Blueprint, team_child
from zorgteam.db import get_session
from zorgteam.limits import MaxLength
from zorgteam.translate import gettext as _
from zorgteam.translate import lazy_gettext as _l

bp = Blueprint("members", __name__, url_prefix="/teams/<team_id>")


def _choices(mapping: dict) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in mapping.items()]


class MemberForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), MaxLength(200)])
    role = SelectField(_l("Rol in het team"), choices=[])
    discipline = SelectField(_l("Discipline (voor zorgverleners)"), choices=[])
    relation = StringField(_l("Relatie tot de persoon"), validators=[MaxLength(100)])
    organisation = StringField(_l("Organisatie"), validators=[MaxLength(200)])
    phone = StringField(_l("Telefoon"), validators=[MaxLength(40)], render_kw={"type": "tel", "autocomplete": "off"})
    email = EmailField(_l("E-mailadres"), validators=[Optional(), Email(_l("Dit is geen geldig e-mailadres.")),
                                                      MaxLength(254)])
    reachability = TextAreaField(_l("Wanneer en hoe bereikbaar"), validators=[MaxLength(500)])
    night_contact = BooleanField(_l("Mag 's nachts gebeld worden"))
    version = HiddenField()

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.role.choices = [(r.value, str(labels.ROLES[r.value])) for r in Role if r != Role.PERSON]
        self.discipline.choices = [("", "—")] + [(d, str(labels.DISCIPLINES[d])) for d in DISCIPLINES]

    def validate_discipline(self, field):
        if self.role.data in (Role.PROFESSIONAL, Role.CASE_MANAGER) and not field.data:
            raise ValidationError(_l("Kies de discipline van deze zorgverlener."))

    def details(self) -> dict:
        return {"discipline": self.discipline.data or None, "relation": self.relation.data or None,
                "organisation": self.organisation.data or None, "phone": self.phone.data or None,
                "email": (self.email.data or "").strip().lower() or None,
                "reachability": self.reachability.data or None, "night_contact": self.night_contact.data}


class NewMemberForm(MemberForm):
    directory_organisation = SelectField(_l("Organisatie op de sociale kaart"), choices=[], default="",
                                         validate_choice=False)
    propose_organisation = BooleanField(_l("Voorstellen voor de sociale kaart"))
    send_invitation = BooleanField(_l("Stuur een uitnodiging om Zorgteam te gebruiken"), default=True)

    def __init__(self, organisations=(), *args, **kw):
        super().__init__(*args, **kw)
        self.organisations = {str(o.id): o for o in organisations}
        self.directory_organisation.choices = [("", str(_l("niet op de sociale kaart: typ de naam hieronder")))] + [
            (key, f"{o.name} ({o.city})" if o.city else o.name) for key, o in self.organisations.items()]

    def validate_directory_organisation(self, field):
        if field.data and field.data not in self.organisations:
            raise ValidationError(_l("Kies een organisatie uit de lijst."))

    def details(self) -> dict:
        """With an organisation picked from the social map, the member points to it and carries its name."""
        details = super().details()
        picked = self.organisations.get(self.directory_organisation.data or "")
        if picked is not None:
            details["organisation_id"] = picked.id
            details["organisation"] = details["organisation"] or picked.name
        return details

    def validate_send_invitation(self, field):
        if field.data and not self.email.data:
            raise ValidationError(_l("Vul een e-mailadres in om een uitnodiging te sturen."))

    def validate_propose_organisation(self, field):
        if field.data and self.directory_organisation.data:
            raise ValidationError(_l("U koos de organisatie al op de sociale kaart: er is niets voor te stellen."))
        if field.data and not (self.organisation.data or "").strip():
            raise ValidationError(_l("Typ de naam van de organisatie die u wil voorstellen."))


class ContactPickForm(FlaskForm):
    """The first, optional step of "Teamlid toevoegen": a contact person of the social map (a GET, no script)."""

    class Meta:
        csrf = False  # choosing only fills in the form; nothing is saved

    contact = SelectField(_l("Contactpersoon op de sociale kaart"), choices=[], validate_choice=False)

    def __init__(self, contacts=(), *args, **kw):
        super().__init__(*args, **kw)
        self.contact.choices = [("", str(_l("kies een contactpersoon")))] + [
            (str(c.id), _contact_label(c)) for c in contacts]


def _contact_label(contact) -> str:
    discipline = f" ({labels.DISCIPLINES[contact.discipline]})" if contact.discipline in labels.DISCIPLINES else ""
    return f"{contact.name}{discipline}, {contact.organisation.name}"


def _from_contact(contact) -> dict:
    """What a contact person of the map fills in on a new member: they work there, as a professional."""
    return {"name": contact.name, "role": Role.PROFESSIONAL.value, "discipline": contact.discipline or "",
            "organisation": contact.organisation.name, "directory_organisation": str(contact.organisation_id),
            "phone": contact.phone, "email": contact.email, "reachability": contact.reachability}


class DesignationForm(FlaskForm):
    kind = SelectField(_l("Rol"), choices=[])
    member_id = SelectField(_l("Wie"), choices=[])

    def __init__(self, members, *args, **kw):
        super().__init__(*args, **kw)
        self.kind.choices = _choices(labels.DESIGNATIONS)
        self.member_id.choices = [("", str(_l("niemand")))] + [(str(m.id), m.name) for m in members]


class PersonForm(FlaskForm):
    given_name = StringField(_l("Voornaam"), validators=[DataRequired(_l("Vul de voornaam in.")), MaxLength(100)])
    family_name = StringField(_l("Familienaam"), validators=[DataRequired(_l("Vul de familienaam in.")),
                                                             MaxLength(100)])
    birth_date = DateField(_l("Geboortedatum"), validators=[Optional()])
    insz = StringField(_l("INSZ (rijksregisternummer)"), validators=[MaxLength(20)])
    street = StringField(_l("Straat en huisnummer"), validators=[MaxLength(200)])
    postcode = StringField(_l("Postcode"), validators=[MaxLength(10)])
    city = StringField(_l("Gemeente"), validators=[MaxLength(100)])
    phone = StringField(_l("Telefoon"), validators=[MaxLength(40)], render_kw={"type": "tel"})
    language = SelectField(_l("Taal"), choices=list(LANGUAGES.items()))
    gp = StringField(_l("Huisarts"), validators=[MaxLength(200)])
    version = HiddenField()

    def validate_insz(self, field):
        if field.data:
            try:
                check_insz(field.data, self.birth_date.data)
            except InvalidINSZ as error:
                raise ValidationError(str(error)) from None


def invitation_mail(team, user, is_new: bool) -> None:
    """The invitation to a team: a link to choose a password for a new account, else a link to the team."""
    settings = current_app.config["ZORGTEAM"]
    if is_new:
        token = issue_token(get_session(), user, "invitation", timedelta(days=settings.invitation_valid_days))
        link = settings.base_url + url_for("accounts.accept_invitation", token=token)
        body = _("U werd uitgenodigd in het zorgteam van %(initials)s op Zorgteam.\n\n"
                 "Kies hier uw wachtwoord (de link werkt één keer, %(days)s dagen lang):\n%(link)s\n",
                 initials=team.person.initials, days=settings.invitation_valid_days, link=link)
    else:
        link = settings.base_url + url_for("teams.overview", team_id=team.id)
        body = _("U werd toegevoegd aan het zorgteam van %(initials)s op Zorgteam:\n%(link)s\n",
                 initials=team.person.initials, link=link)
    mail.send(user.email, _("Uitnodiging voor een zorgteam"), body)


@bp.route("/members/", access=Permission.TEAM_VIEW)
def index(team, member):
    db = get_session()
    audit.record(db, member, "read", team=team, category="members-list")
    members = team_members(db, team)
    return render_template("members/index.html", team=team, member=member, members=members,
                           past=team_members(db, team, past=True), designations=current_designations(db, team),
                           history=designation_history(db, team), designation_form=DesignationForm(members))


def _new_member_form() -> tuple[NewMemberForm, object]:
    """The add form; on a GET, prefilled from `?contact=` (a contact person) or `?organisation=` (the map)."""
    db = get_session()
    picked = find_contact(db, request.args["contact"]) if request.args.get("contact") else None
    prefill = _from_contact(picked) if picked and request.method == "GET" else None
    form = NewMemberForm(organisations_by_name(db), data=prefill)
    if request.method == "GET" and picked is None:
        form.directory_organisation.data = request.args.get("organisation") or ""
        if request.args.get("contact"):
            form.form_errors.append(_("Deze contactpersoon staat niet (meer) op de sociale kaart."))
    return form, picked


def _form_page(team, member, form, picked=None, status: int = 200):
    pick = ContactPickForm(all_contacts(get_session()), data={"contact": str(picked.id) if picked else ""})
    return render_template("members/form.html", team=team, member=member, form=form, new=True, pick=pick,
                           picked=picked), status


@bp.route("/members/new", methods=["GET", "POST"], access=Permission.MEMBERS_MANAGE)
def add(team, member):
    form, picked = _new_member_form()
    if not form.validate_on_submit():
        return _form_page(team, member, form, picked)
    db = get_session()
    try:
        added = add_member_to_team(db, team, member, role=form.role.data, name=form.name.data, **form.details())
        if form.propose_organisation.data:
            propose(db, member, added, form.organisation.data)
        if form.send_invitation.data:
            invitation_mail(team, *invite(db, team, member, added, form.email.data))
    except MembershipRule as error:
        form.form_errors.append(str(error))
        return _form_page(team, member, form, status=422)
    flash(_("%(name)s is toegevoegd aan het zorgteam.", name=added.name), "info")
    return redirect(url_for("members.index", team_id=team.id))


@bp.route("/members/<member_id>/edit", methods=["GET", "POST"], access=Permission.MEMBERS_MANAGE)
def edit(team, member, member_id):
    target = team_child(team, Member, member_id)
    form = MemberForm(obj=target)
    if not form.validate_on_submit():
        return render_template("members/form.html", team=team, member=member, form=form, target=target)
    changes = {"name": form.name.data, "role": form.role.data, **form.details()}
    if target.role == Role.PERSON:
        changes.pop("role")
    try:
        update_member(get_session(), target, member, int(form.version.data or 0), **changes)
    except StaleEdit:
        form.form_errors.append(_("Iemand anders heeft dit teamlid intussen gewijzigd. Hieronder ziet u de "
                                  "huidige gegevens; voer uw wijziging opnieuw in."))
        fresh = MemberForm(obj=target, formdata=None)
        fresh.form_errors = form.form_errors
        return render_template("members/form.html", team=team, member=member, form=fresh, target=target), 409
    flash(_("De gegevens van %(name)s zijn bewaard.", name=target.name), "info")
    return redirect(url_for("members.index", team_id=team.id))


class EndForm(FlaskForm):
    """Ending a membership asks first: only a post with `confirm` from the confirmation page does it."""

    confirm = HiddenField()


@bp.route("/members/<member_id>/end", methods=["GET", "POST"], access=Permission.MEMBERS_MANAGE)
def end(team, member, member_id):
    """GET (or a post without the confirmation): "Weet u het zeker?" with what happens; confirmed: end it."""
    target = team_child(team, Member, member_id)
    form = EndForm()
    if not form.validate_on_submit() or form.confirm.data != "yes":
        return render_template("members/end.html", team=team, member=member, target=target, form=form)
    try:
        end_membership(get_session(), target, member)
    except MembershipRule as error:
        flash(str(error), "error")
        return redirect(url_for("members.index", team_id=team.id))
    flash(_("%(name)s is geen lid meer van het zorgteam. Het blijft zichtbaar in de geschiedenis.",
            name=target.name), "info")
    return redirect(url_for("members.index", team_id=team.id))


@bp.route("/designations", methods=["POST"], access=Permission.DESIGNATIONS_MANAGE)
def hand_over(team, member):
    db = get_session()
    form = DesignationForm(team_members(db, team))
    if form.validate_on_submit():
        target = team_child(team, Member, form.member_id.data) if form.member_id.data else None
        try:
            designate(db, team, member, form.kind.data, target)
            flash(_("De rol %(kind)s is bewaard.", kind=labels.DESIGNATIONS[form.kind.data]), "info")
        except MembershipRule as error:
            flash(str(error), "error")
    return redirect(url_for("members.index", team_id=team.id))


def _person_data(person) -> dict:
    address = person.address or {}
    return {"given_name": person.given_name, "family_name": person.family_name, "birth_date": person.birth_date,
            "insz": person.insz or "", "phone": person.phone, "language": person.language, "gp": person.gp,
            "version": person.version, **{k: address.get(k) for k in ("street", "postcode", "city")}}


@bp.route("/person", methods=["GET", "POST"], access=Permission.PERSON_EDIT)
def edit_person(team, member):
    person = team.person
    form = PersonForm(data=_person_data(person))
    if not form.validate_on_submit():
        audit.record(get_session(), member, "read", team=team, target=person, category="person")
        return render_template("members/person.html", team=team, member=member, form=form)
    address = {k: getattr(form, k).data for k in ("street", "postcode", "city") if getattr(form, k).data}
    try:
        update_person(get_session(), person, member, int(form.version.data or 0), insz=form.insz.data,
                      given_name=form.given_name.data, family_name=form.family_name.data,
                      birth_date=form.birth_date.data, address=address or None, phone=form.phone.data or None,
                      language=form.language.data, gp=form.gp.data or None)
    except InvalidINSZ as error:
        form.insz.errors = [str(error)]
        return render_template("members/person.html", team=team, member=member, form=form), 422
    except StaleEdit:
        fresh = PersonForm(formdata=None, data=_person_data(person))
        fresh.form_errors.append(_("Iemand anders heeft deze gegevens intussen gewijzigd. Hieronder ziet u de "
                                   "huidige gegevens; voer uw wijziging opnieuw in."))
        return render_template("members/person.html", team=team, member=member, form=fresh), 409
    flash(_("De gegevens van %(name)s zijn bewaard.", name=person.full_name), "info")
    return redirect(url_for("teams.overview", team_id=team.id))
