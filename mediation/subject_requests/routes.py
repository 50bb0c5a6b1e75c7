"""The data-subject request register and the access export. HTTP only.

A supervisor records a request from a party's row on the case page, answers it once, and may
produce the access export (a printable page and a JSON file, in the person's language). Requests
and people outside the supervisor's association are 404; everyone else is refused by permission.
Every page and export writes its audit event before the response leaves (S27, S28).
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from mediation.cases.models import Case, Participant, Person
from mediation.cases.routes import case_section
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.i18n import FORMAT_LOCALES
from mediation.core.views import render_viewed, submit
from mediation.extensions import db, limiter
from mediation.groups.models import GroupParticipant
from mediation.subject_requests import queries, services
from mediation.subject_requests.forms import AnswerForm, EraseForm, ParticipantSearchForm, RequestForm
from mediation.subject_requests.models import DataSubjectRequest
from mediation.subject_requests.policies import visible_group_participants, visible_people, visible_requests

bp = Blueprint("subject_requests", __name__, url_prefix="/subject-requests")
# docs/security.md, S21: at most 10 exports an hour per user (the page and the file count together).
EXPORT_LIMIT = "10/hour"


def _user_key() -> str:
    return f"subject-export:{current_user.id}"


@case_section
def subject_request_links(case: Case, user) -> dict:
    """participant public id -> person public id, for the "data-subject request" link of each party row."""
    if not user.has(Permission.SUBJECT_REQUEST_MANAGE) or case.association_id != user.association_id:
        return {"subject_request_people": {}}
    rows = db.session.execute(select(Participant.public_id, Participant.person_id).where(
        Participant.case_id == case.id)).all()
    people = dict(db.session.execute(visible_people(user).with_only_columns(Person.id, Person.public_id)
                                     .where(Person.id.in_([row.person_id for row in rows]))).all())
    return {"subject_request_people": {row.public_id: people[row.person_id] for row in rows
                                       if row.person_id in people}}


def _load_request(request_id) -> DataSubjectRequest:
    return db.one_or_404(visible_requests(current_user).where(DataSubjectRequest.public_id == request_id))


@bp.route("/")
@require(Permission.SUBJECT_REQUEST_MANAGE)
def index():
    rows = db.session.scalars(visible_requests(current_user).order_by(
        DataSubjectRequest.answered_on.is_not(None), DataSubjectRequest.received_on.desc(),
        DataSubjectRequest.id.desc())).unique().all()
    open_rows = [row for row in rows if row.is_open]
    answered = [row for row in rows if not row.is_open]
    return render_viewed("subject_requests/index.html", entity="subject_request_register", entity_id=None,
                         association_id=current_user.association_id, open_rows=open_rows, answered=answered)


@bp.route("/people/<uuid:person_id>/new", methods=["GET", "POST"])
@require(Permission.SUBJECT_REQUEST_MANAGE)
def new(person_id):
    person = db.one_or_404(visible_people(current_user).where(Person.public_id == person_id))
    return _record_request(person, person=person)


def _record_request(subject, **shown):
    """The form that records a request of `subject` (a person of a case or a group-only participant), shown
    with `shown` on the page."""
    form = RequestForm()

    def page(status: int):
        return render_template("subject_requests/new.html", form=form, **shown), status

    if request.method == "GET":
        form.received_on.data = clock.today()
        return page(200)
    return submit(
        form,
        lambda: services.record_request(db.session, subject, services.NewRequest(
            type=form.type.data, received_on=form.received_on.data, note=form.note.data),
            actor=current_user, today=clock.today()),
        success=_("The request has been recorded."), page=page,
        done=lambda created: redirect(url_for("subject_requests.detail", request_id=created.public_id)))


@bp.route("/group-participants", methods=["GET", "POST"])
@require(Permission.SUBJECT_REQUEST_MANAGE)
def find_participant():
    """Find a participant known only from parenting groups by name (and phone), through the blind indexes
    (docs/domain.md, DOM137). POST only carries the name: never in a URL."""
    form = ParticipantSearchForm()
    matches = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            matches = queries.find_group_participants(db.session, current_user, form.full_name.data or "",
                                                      form.phone.data)
            services.record_participant_search(db.session, current_user.association_id)
            db.session.commit()
        else:
            status = 422
    return render_template("subject_requests/find_participant.html", form=form, matches=matches), status


@bp.route("/group-participants/<uuid:participant_id>/new", methods=["GET", "POST"])
@require(Permission.SUBJECT_REQUEST_MANAGE)
def new_for_participant(participant_id):
    participant = db.one_or_404(visible_group_participants(current_user)
                                .where(GroupParticipant.public_id == participant_id))
    return _record_request(participant, participant=participant)


@bp.route("/<uuid:request_id>/erase", methods=["POST"])
@require(Permission.SUBJECT_REQUEST_MANAGE)
def erase(request_id):
    """Erase a group-only participant on their request, and answer it (docs/domain.md, DOM139)."""
    record = _load_request(request_id)
    form = EraseForm()

    def page(status: int):
        current = _load_request(request_id)
        return render_template("subject_requests/detail.html", record=current, cases=_cases_of(current),
                               form=_answer_form(current) if current.is_open else None, erase_form=form), status

    return submit(
        form,
        lambda: services.erase_group_participant(db.session, record, actor=current_user, today=clock.today(),
                                                 version=form.version.data),
        success=_("The participant's identity is erased; the groups keep their counts."), page=page,
        done=lambda _result: redirect(url_for("subject_requests.detail", request_id=record.public_id)))


def _answer_form(record: DataSubjectRequest) -> AnswerForm:
    form = AnswerForm(formdata=None)
    form.answered_on.data = clock.today()
    form.version.data = record.version_id
    return form


@bp.route("/<uuid:request_id>")
@require(Permission.SUBJECT_REQUEST_MANAGE)
def detail(request_id):
    record = _load_request(request_id)
    return render_viewed("subject_requests/detail.html", entity=services.ENTITY, entity_id=record.public_id,
                         association_id=record.association_id, record=record, cases=_cases_of(record),
                         form=_answer_form(record) if record.is_open else None, erase_form=_erase_form(record))


def _erase_form(record: DataSubjectRequest) -> EraseForm:
    form = EraseForm(formdata=None)
    form.version.data = record.version_id
    return form


def _cases_of(record: DataSubjectRequest) -> list[Case]:
    """The person's cases, for the rectification links (the party edit page); none for a group participant."""
    if record.person_id is None:
        return []
    return list(db.session.scalars(select(Case).join(Participant, Participant.case_id == Case.id).where(
        Participant.person_id == record.person_id, Case.association_id == record.association_id)
        .order_by(Case.opened_on)).unique())


@bp.route("/<uuid:request_id>/answer", methods=["POST"])
@require(Permission.SUBJECT_REQUEST_MANAGE)
def answer(request_id):
    record = _load_request(request_id)
    form = AnswerForm()

    def page(status: int):
        current = _load_request(request_id)
        return render_template("subject_requests/detail.html", record=current, cases=_cases_of(current),
                               form=form, erase_form=_erase_form(current)), status

    return submit(
        form,
        lambda: services.answer_request(db.session, record, services.Answer(
            answered_on=form.answered_on.data, outcome=form.outcome.data, note=form.note.data),
            actor=current_user, today=clock.today(), version=form.version.data),
        success=_("The answer has been recorded."), page=page,
        done=lambda _result: redirect(url_for("subject_requests.detail", request_id=record.public_id)))


def _export_labels() -> dict:
    return {
        "notice": _("Personal data held by the association about this person, produced in answer to a "
                    "request under Law 09-08."),
        "excluded": _("Not included: notes confided by other parties, and staff-only records (safety "
                      "screening, professional assessments, supervision). The person may ask for the "
                      "staff-only records; the data protection officer decides case by case."),
    }


def _export(request_id):
    """The request, its export and the export's language; records the EXPORT event (committed by the caller).
    A group-only participant gets their own export (DOM138); once erased, nothing is held any more (404)."""
    record = _load_request(request_id)
    export: queries.PersonExport | queries.ParticipantExport
    if record.person is not None:
        language = queries.export_language(record.person, request.args.get("language"))
        export = queries.person_export(db.session, record.person)
    elif record.group_participant is not None:
        export = queries.participant_export(db.session, record.group_participant)
        language = queries.participant_export_language(export.groups, request.args.get("language"))
    else:
        abort(404)
    services.record_export(db.session, record)
    return record, export, language


@bp.route("/<uuid:request_id>/export")
@require(Permission.SUBJECT_REQUEST_MANAGE)
@limiter.shared_limit(EXPORT_LIMIT, scope="subject-export", key_func=_user_key)
def export_page(request_id):
    record, export, language = _export(request_id)
    g.language = language  # the whole printable page, direction included, is in the person's language
    with force_locale(FORMAT_LOCALES[language]):
        template = ("subject_requests/export.html" if isinstance(export, queries.PersonExport)
                    else "subject_requests/export_participant.html")
        page = render_template(template, record=record, export=export, labels=_export_labels(), today=clock.today())
    db.session.commit()
    return page


@bp.route("/<uuid:request_id>/export.json")
@require(Permission.SUBJECT_REQUEST_MANAGE)
@limiter.shared_limit(EXPORT_LIMIT, scope="subject-export", key_func=_user_key)
def export_json(request_id):
    record, export, language = _export(request_id)
    today = clock.today()
    with force_locale(FORMAT_LOCALES[language]):
        payload = (queries.as_json(export, generated_on=today, labels=_export_labels())
                   if isinstance(export, queries.PersonExport)
                   else queries.participant_as_json(export, generated_on=today, labels=_export_labels()))
    body = json.dumps({"language": language, **payload}, ensure_ascii=False, indent=2)
    db.session.commit()
    # A generated name: no name, no reference, nothing about the person (S21).
    filename = f"subject-access-{today.isoformat()}.json"
    return body, 200, {"Content-Type": "application/json; charset=utf-8",
                       "Content-Disposition": f'attachment; filename="{filename}"',
                       "Cache-Control": "no-store"}
