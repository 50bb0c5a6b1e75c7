"""My cases, search, opening a case, and the case page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.accounts.models import ServicePoint
from mediation.cases import queries
from mediation.cases.codes import Issue
from mediation.cases.forms.intake import IntakeForm
from mediation.cases.forms.search import CaseFilterForm, CaseSearchForm
from mediation.cases.identity import PersonData
from mediation.cases.policies import can_open_case
from mediation.cases.routes import SECTIONS, bp
from mediation.cases.services import duplicates, family, intake
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Permission, Role, require
from mediation.core.pagination import page_number
from mediation.core.views import render_viewed, submit
from mediation.extensions import db

PAGE_SIZE = 25


@bp.route("/")
@require(Permission.CASE_VIEW)
def index():
    filters = CaseFilterForm(request.args)
    filters.validate()  # unknown codes show an error and filter nothing

    def chosen(field) -> str | None:
        return field.data or None if not field.errors else None

    page = queries.case_list(
        db.session, current_user,
        status=chosen(filters.status),
        issue=chosen(filters.issue),
        follow_up_due=chosen(filters.follow_up) == "due",
        page=page_number(),
        per_page=PAGE_SIZE,
    )
    return render_template("cases/index.html", page=page, filters=filters, search=CaseSearchForm())


@bp.route("/search", methods=["POST"])
@require(Permission.CASE_VIEW)
def search():
    form = CaseSearchForm()
    if not form.validate_on_submit():
        return render_template("cases/search.html", form=form, results=[])
    results = queries.search_cases(db.session, current_user, form.query.data)
    record(db.session, AuditAction.SEARCH, entity="case", entity_id=None)
    page = render_template("cases/search.html", form=form, results=results)  # before the commit expires the rows
    db.session.commit()
    return page


def _intake_form() -> IntakeForm:
    form = IntakeForm()
    points = db.session.scalars(
        db.select(ServicePoint)
        .where(ServicePoint.association_id == current_user.association_id, ServicePoint.active.is_(True))
        .order_by(ServicePoint.code)
    ).all()
    form.service_point_id.choices = [(point.id, f"{point.code} · {point.name_ar if _is_ar() else point.name_fr}")
                                     for point in points]
    staff = queries.staff_of(db.session, current_user.association_id)
    form.lead_mediator_id.choices = [(0, "—")] + [(user.id, user.display_name) for user in staff]
    # The requesting party's consents, asked on the same page (docs/domain.md, DOM76).
    scopes = queries.scopes_for_new_party(db.session, current_user.association_id)
    form.keep_scopes(scopes)
    form.other.form.keep_scopes(scopes)  # the other parent or spouse is asked the same (DOM103)
    return form


def _is_ar() -> bool:
    from mediation.core.i18n import current_language

    return current_language() == "ar"


@bp.route("/new", methods=["GET", "POST"])
@require(Permission.CASE_CREATE)
def new():
    if not can_open_case(current_user):
        abort(403)
    form = _intake_form()
    if request.method == "GET":
        form.process(data={"service_point_id": (form.service_point_id.choices or [(None, "")])[0][0],
                           "first_contact_on": clock.today()})
    def page(status: int):
        return render_template("cases/new.html", form=form, picks_lead=current_user.role == Role.SUPERVISOR), status

    def opened(case):
        flash(_("Case %(reference)s opened.", reference=case.reference), "success")
        return redirect(url_for("cases.detail", case_id=case.public_id))

    if request.method == "GET":
        return page(200)
    return submit(form, lambda: family.open_family_case(
        db.session, intake_from_form(form), family_from_form(form), actor=current_user,
        answer=duplicates.Answer(form.match_choice.data or None)), done=opened, page=page)


def intake_from_form(form: IntakeForm) -> intake.NewCase:
    """Map fields to the service's arguments explicitly (no populate_obj)."""
    party = PersonData(
        full_name=form.full_name.data,
        full_name_latin=form.full_name_latin.data,
        sex=form.sex.data or None,
        birth_date=form.birth_date.data,
        phone=form.phone.data,
        email=form.email.data,
        address=form.address.data,
        contact_allowed=form.contact_allowed.data == "yes",
        safe_contact_instructions=form.safe_contact_instructions.data,
        preferred_language=form.preferred_language.data or None,
        interpreter_needed=form.interpreter_needed.data,
    )
    return intake.NewCase(
        service_point_id=form.service_point_id.data,
        first_contact_on=form.first_contact_on.data,
        intake_channel=form.intake_channel.data,
        referral_source=form.referral_source.data,
        issues=tuple(Issue(code) for code in form.issues.data),
        court_stage=form.court_stage.data,
        court_file_no=form.court_file_no.data,
        immediate_danger=form.immediate_danger.data == "yes",
        request_summary=form.request_summary.data,
        requesting_party=party,
        requesting_role=form.requesting_role.data,
        consents=form.consent_answers(),
        lead_mediator_id=form.lead_mediator_id.data or None,
    )


def family_from_form(form: IntakeForm) -> family.Family:
    """The other parent or spouse and the children whose rows were filled in (a row without a name is empty)."""
    other = form.other.form
    return family.Family(
        other=None if other.is_empty() else family.OtherParty(
            person=PersonData(full_name=other.full_name.data, sex=other.sex.data or None,
                                     contact_allowed=other.contact_allowed.data == "yes"),
            role=other.role.data or None,
            consents=other.consent_answers(),
        ),
        children=tuple(
            family.Child(person=PersonData(full_name=row.full_name.data, sex=row.sex.data or None,
                                                  birth_date=row.birth_date.data),
                         lives_with=row.lives_with.data or None)
            for row in (entry.form for entry in form.children.entries) if not row.is_empty()),
    )


@bp.route("/<uuid:case_id>")
@require(Permission.CASE_VIEW)
def detail(case_id):
    case = queries.load_case(db.session, current_user, case_id)
    context = {}
    for section in SECTIONS:
        context.update(section(case, current_user))
    # The internal print (docs/architecture.md, U3): the same page, whose screening content and
    # private notes also print. Putting them on paper is recorded as an export of the case.
    print_internal = request.args.get("print") == "internal"
    if print_internal:
        record(db.session, AuditAction.EXPORT, entity="case", entity_id=case.public_id,
               association_id=case.association_id)
    return render_viewed("cases/detail.html", entity="case", entity_id=case.public_id,
                         association_id=case.association_id, case=case, print_internal=print_internal, **context)
