"""Case routes: the people of a case, adult parties and children (docs/domain.md, DOM19-DOM24).

HTTP only: load the case through the user's scope (404 outside it), check the
object rule (403 on a closed case), validate, call the service, commit once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, Field, RadioField, SelectField

from mediation.cases import queries
from mediation.cases.contact import profile_of
from mediation.cases.forms.contact import CHANNEL_LABELS
from mediation.cases.forms.parties import ChildEditForm, ChildForm, PartyEditForm, PartyForm
from mediation.cases.identity import PersonData
from mediation.cases.models import Case, Participant
from mediation.cases.policies import can_edit_case
from mediation.cases.queries import active_participants
from mediation.cases.routes import bp, case_section
from mediation.cases.services import duplicates, parties
from mediation.core.authz import Permission, require
from mediation.core.views import submit
from mediation.extensions import db

CHANNEL_LABEL_OF = dict(CHANNEL_LABELS)
IN_SCHOOL = {"yes": True, "no": False}
VERSION_FIELDS = ("person_version", "participant_version")


@dataclass(frozen=True)
class PersonRow:
    """One line of the case page, read before the page's commit expires the rows."""

    public_id: object
    is_child: bool
    full_name: str
    full_name_latin: str | None
    role: object
    sex: object
    age_band: object
    is_requesting_party: bool
    is_party: bool
    phone: str | None
    may_contact: bool
    safe_contact_instructions: str | None
    # The contact profile's channels, as the profile form words them (docs/domain.md, DOM141).
    contact_channels: str
    lives_with: object
    in_school: bool | None
    takes_part: bool | None


@case_section
def parties_section(case: Case, user) -> dict:
    """The case's adults and children, names included: the case page is loaded through visible_cases."""
    rows = [
        PersonRow(
            public_id=p.public_id, is_child=p.is_child, full_name=p.person.full_name,
            full_name_latin=p.person.full_name_latin, role=p.role, sex=p.person.sex, age_band=p.age_band,
            is_requesting_party=p.is_requesting_party, is_party=p.is_party, phone=p.person.phone,
            may_contact=p.person.may_contact, safe_contact_instructions=p.person.safe_contact_instructions,
            contact_channels=str(CHANNEL_LABEL_OF.get(profile_of(p.person).choice, "")) if not p.is_child else "",
            lives_with=p.lives_with, in_school=p.in_school, takes_part=p.takes_part,
        )
        for p in active_participants(db.session, case)
    ]
    return {"participants": rows, "parties_editable": can_edit_case(user, case)}


def _editable_case(case_id) -> Case:
    case = queries.load_case(db.session, current_user, case_id)
    if not can_edit_case(current_user, case):
        abort(403)
    return case



def _person_data(form) -> PersonData:
    """Map fields to the service's arguments explicitly (no populate_obj)."""
    identity = dict(
        full_name=form.full_name.data,
        full_name_latin=form.full_name_latin.data or None,
        sex=form.sex.data,
        birth_date=form.birth_date.data or None,
    )
    if isinstance(form, ChildForm):
        return PersonData(**identity)
    return PersonData(
        **identity,
        phone=form.phone.data or None,
        email=form.email.data or None,
        address=form.address.data or None,
        contact_allowed=form.contact_allowed.data == "yes",
        safe_contact_instructions=form.safe_contact_instructions.data or None,
        preferred_language=form.preferred_language.data or None,
        interpreter_needed=form.interpreter_needed.data,
    )


def _part(form) -> parties.PartyRole | parties.ChildSituation:
    if isinstance(form, ChildForm):
        return parties.ChildSituation(lives_with=form.lives_with.data, in_school=IN_SCHOOL.get(form.in_school.data),
                                      takes_part=form.takes_part.data)
    return parties.PartyRole(role=form.role.data, is_requesting_party=form.is_requesting_party.data,
                             is_party=form.is_party.data)


def _render(case: Case, form, title, status: int, comparison=None):
    return render_template("cases/party_form.html", case=case, form=form, title=title,
                           comparison=comparison), status


def _add(case_id, form_class, add, title, done):
    case = _editable_case(case_id)
    form = form_class()
    if isinstance(form, PartyForm):  # the consents asked on the same page (docs/domain.md, DOM76)
        form.keep_scopes(queries.scopes_for_new_party(db.session, case.association_id))
    if request.method == "GET":
        return _render(case, form, title, 200)

    def added(participant):
        if participant.reused_person:
            flash(_("This person was already registered in your association: their record was reused, "
                    "not copied. Check their details."), "warning")
        return redirect(url_for("cases.detail", case_id=case.public_id, _anchor="parties"))

    answer = duplicates.Answer(form.match_choice.data or None)

    def change():
        extra = {"consents": form.consent_answers()} if isinstance(form, PartyForm) else {}
        return add(db.session, case, _person_data(form), _part(form), actor=current_user, answer=answer, **extra)

    return submit(form, change,
                  success=str(done), done=added, page=lambda status: _render(case, form, title, status))


@bp.route("/<uuid:case_id>/parties/new", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def party_new(case_id):
    return _add(case_id, PartyForm, parties.add_party, _l("Add a party"), _l("The party has been added."))


@bp.route("/<uuid:case_id>/children/new", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def child_new(case_id):
    return _add(case_id, ChildForm, parties.add_child, _l("Add a child"), _l("The child has been added."))


# Editing


def _stored_values(participant: Participant) -> dict:
    """The form's view of what is stored now: prefills the edit form and shows a conflict."""
    person = participant.person
    values = {
        "full_name": person.full_name,
        "full_name_latin": person.full_name_latin or "",
        "sex": person.sex.value,
        "birth_date": person.birth_date or "",
        "person_version": person.version_id,
        "participant_version": participant.version_id,
    }
    if participant.is_child:
        values.update(
            lives_with=participant.lives_with.value if participant.lives_with else "",
            in_school={True: "yes", False: "no"}.get(participant.in_school, ""),
            takes_part=bool(participant.takes_part),
        )
    else:
        values.update(
            role=participant.role.value,
            is_requesting_party=participant.is_requesting_party,
            is_party=participant.is_party,
            phone=person.phone or "",
            email=person.email or "",
            address=person.address or "",
            contact_allowed="yes" if person.may_contact else "no",
            safe_contact_instructions=person.safe_contact_instructions or "",
            preferred_language=person.preferred_language.value if person.preferred_language else "",
            interpreter_needed=person.interpreter_needed,
        )
    return values


@dataclass(frozen=True)
class Difference:
    label: str
    submitted: str
    current: str

    @property
    def differs(self) -> bool:
        return self.submitted != self.current


def _display(field: Field, value) -> str:
    if isinstance(field, BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, (SelectField, RadioField)):
        labels = {str(choice.value): str(choice.label) for choice in field.iter_choices()}
        return labels.get(str(value or ""), "") if value else ""
    return "" if value is None else str(value)


def _comparison(form, participant: Participant) -> list[Difference]:
    """The user's input next to the values saved in the meantime, field by field."""
    stored = _stored_values(participant)
    return [
        Difference(str(form[name].label.text), _display(form[name], form[name].data),
                   _display(form[name], stored[name]))
        for _legend, names in form.LAYOUT
        for name in names
    ]


def _stale(case: Case, form, participant_id, title):
    """The input kept beside the current values, with the current versions (409)."""
    participant = queries.participant_in_case(db.session, case, participant_id)
    if participant is None:
        abort(404)
    comparison = _comparison(form, participant)
    stored = _stored_values(participant)
    for name in VERSION_FIELDS:
        form[name].data = stored[name]
        form[name].raw_data = [str(stored[name])]
    return _render(case, form, title, 409, comparison)


@bp.route("/<uuid:case_id>/participants/<uuid:participant_id>/edit", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def participant_edit(case_id, participant_id):
    case = queries.load_case(db.session, current_user, case_id)
    participant = queries.participant_in_case(db.session, case, participant_id)
    if participant is None:
        abort(404)
    if not can_edit_case(current_user, case):
        abort(403)
    child = participant.is_child
    form_class = ChildEditForm if child else PartyEditForm
    title = _l("Edit the child") if child else _l("Edit the party")
    if request.method == "GET":
        return _render(case, form_class(data=_stored_values(participant)), title, 200)
    form = form_class()

    def page(status: int):
        if status == 409:
            return _stale(case, form, participant_id, title)
        if any(form[name].errors for name in VERSION_FIELDS):
            form.form_errors.append(_("The form has expired or was sent from elsewhere. "
                                      "Please reload the page and try again."))
        return _render(case, form, title, status)

    return submit(
        form,
        lambda: parties.update_participant(
            db.session, case, participant, _person_data(form), _part(form),
            person_version=form.person_version.data, participant_version=form.participant_version.data,
            actor=current_user,
        ),
        success=_("The changes have been saved."), page=page,
        done=lambda _result: redirect(url_for("cases.detail", case_id=case.public_id, _anchor="parties")))
