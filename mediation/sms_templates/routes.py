"""The association's SMS texts: list, edit with a preview, reset to the built-in text (DOM146; S84).

Its supervisors only; another association's texts answer 404, as an unknown one does.
"""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.accounts.models import Association
from mediation.core.authz import Permission, require
from mediation.core.views import load_in_scope, submit
from mediation.extensions import db
from mediation.sms_templates import services
from mediation.sms_templates.codes import BUILT_IN, MessageKind, TemplateLanguage
from mediation.sms_templates.forms import SmsTextForm
from mediation.sms_templates.policies import can_manage_sms_templates, managed_associations
from mediation.sms_templates.queries import text_of, texts_of
from mediation.sms_templates.render import preview, shown_default

bp = Blueprint("sms_templates", __name__, url_prefix="/sms-texts")


def _association(association_id: UUID | None = None) -> Association:
    scope = managed_associations(current_user)
    conditions = [Association.public_id == association_id] if association_id is not None else []
    return load_in_scope(scope, *conditions, allowed=lambda association: can_manage_sms_templates(current_user,
                                                                                                  association))


def _codes(kind: str, language: str) -> tuple[MessageKind, TemplateLanguage]:
    try:
        return MessageKind(kind), TemplateLanguage(language)
    except ValueError:
        abort(404)


@bp.route("")
@require(Permission.SMS_TEMPLATE_MANAGE)
def index():
    association = _association()
    own = texts_of(db.session, association.id)
    defaults = {(kind, language): shown_default(kind, language, association)
                for kind in MessageKind for language in BUILT_IN}
    return render_template("sms_templates/index.html", association=association, own=own, kinds=list(MessageKind),
                           languages=list(TemplateLanguage), built_in=BUILT_IN, defaults=defaults)


@bp.route("/<uuid:association_id>/<kind>/<language>", methods=["GET", "POST"])
@require(Permission.SMS_TEMPLATE_MANAGE)
def edit(association_id: UUID, kind: str, language: str):
    association = _association(association_id)
    message_kind, template_language = _codes(kind, language)
    template = text_of(db.session, association.id, message_kind, template_language)
    default = shown_default(message_kind, template_language, association)
    form = SmsTextForm()

    def page(status: int, shown: str | None = None):
        text = shown if shown is not None else (form.text.data or "")
        report = preview(association, template_language, text) if text.strip() else None
        return render_template("sms_templates/edit.html", association=association, kind=message_kind,
                               template_language=template_language, template=template, default=default, form=form,
                               report=report), status

    if not form.is_submitted():
        form.text.data = template.text if template is not None else (default or "")
        return page(200)
    if form.preview.data and form.validate():
        return page(200)

    return submit(form, lambda: services.save_text(db.session, association, message_kind, template_language,
                                                   form.text.data, actor=current_user),
                  success=_("The text has been saved."), page=page,
                  done=lambda _template: redirect(url_for("sms_templates.index")))


@bp.route("/<uuid:association_id>/<kind>/<language>/reset", methods=["POST"])
@require(Permission.SMS_TEMPLATE_MANAGE)
def reset(association_id: UUID, kind: str, language: str):
    association = _association(association_id)
    message_kind, template_language = _codes(kind, language)
    return submit(None,
                  lambda: services.reset_text(db.session, association, message_kind, template_language,
                                              actor=current_user),
                  success=_("The built-in text will be sent again."),
                  done=lambda _result: redirect(url_for("sms_templates.index")))
