"""Case routes: an adult party's contact profile (docs/domain.md, DOM141).

HTTP only: the case through the user's scope (404 outside it), the participant in that case
(404 otherwise), the object rule (403 on a closed case), then the service, one commit.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from mediation.cases import queries
from mediation.cases.contact import profile_of
from mediation.cases.forms.contact import ContactProfileForm
from mediation.cases.policies import can_edit_case
from mediation.cases.routes import bp
from mediation.cases.services.contact import set_contact_profile
from mediation.core.authz import Permission, require
from mediation.core.views import submit
from mediation.extensions import db

TITLE = _l("Contact profile")


@bp.route("/<uuid:case_id>/participants/<uuid:participant_id>/contact", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def contact_profile(case_id, participant_id):
    case = queries.load_case(db.session, current_user, case_id)
    participant = queries.participant_in_case(db.session, case, participant_id)
    if participant is None or participant.is_child:
        abort(404)
    if not can_edit_case(current_user, case):
        abort(403)
    person = participant.person
    if request.method == "GET":
        profile = profile_of(person)
        form = ContactProfileForm(data={"channels": profile.choice, "sms_number": profile.sms_number or "",
                                        "name_service": profile.name_service,
                                        "person_version": person.version_id})
    else:
        form = ContactProfileForm()

    def page(status: int):
        return render_template("cases/contact_profile.html", case=case, form=form, title=TITLE,
                               person_name=person.full_name), status

    if request.method == "GET":
        return page(200)
    return submit(
        form,
        lambda: set_contact_profile(db.session, case, participant, choice=form.channels.data,
                                    sms_number=form.sms_number.data, name_service=form.name_service.data,
                                    person_version=form.person_version.data),
        success=_("The contact profile has been saved."), page=page,
        done=lambda _result: redirect(url_for("cases.detail", case_id=case.public_id, _anchor="parties")))
