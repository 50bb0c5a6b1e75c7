"""Attachment routes: the case page's section, the upload form, the download.

HTTP only: the rules are in mediation.attachments.services. One commit per request. A download is never
shown inline (docs/security.md, S46): it is sent as an attachment, under a sandboxing CSP, without sniffing.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, abort, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.attachments import queries
from mediation.attachments.codes import EXTENSIONS, MEDIA_TYPES, AttachmentVisibility
from mediation.attachments.forms import AttachmentForm, limit_description
from mediation.attachments.policies import can_add_attachment, can_read_attachments, visibilities_for
from mediation.attachments.routes import bp
from mediation.attachments.rules import UPLOAD_OVERHEAD_BYTES
from mediation.attachments.services import NewAttachment, add_attachment, max_bytes, record_download
from mediation.attachments.storage import storage_for
from mediation.cases import queries as case_queries
from mediation.cases.models import Case
from mediation.cases.routes import case_section
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.codes import choices
from mediation.core.uploads import accepts_upload
from mediation.core.views import render_viewed, submit
from mediation.extensions import db

# What a download carries, whatever the file holds (S46).
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "no-store",
}


def _between_transactions(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Each chunk is read in a transaction of its own, ended before its bytes go out: on SQLite every
    transaction holds the write lock (docs/architecture.md, D1), and a slow client must not hold it for a
    whole download."""
    for chunk in chunks:
        db.session.rollback()  # only reads since the commit above: nothing is lost
        yield chunk


@case_section
def attachment_section(case: Case, user) -> dict:
    """The documents of the case the user may open, for its staff and the association's supervisors."""
    if not can_read_attachments(user, case):
        return {"attachments_visible": False}
    return {
        "attachments_visible": True,
        "attachments": queries.attachments_of(db.session, case, user),
        "attachment_can_add": can_add_attachment(user, case),
    }


def _upload_limit() -> int:
    return max_bytes() + UPLOAD_OVERHEAD_BYTES


def _form(case: Case) -> AttachmentForm:
    form = AttachmentForm()
    form.visibility.choices = choices(visibilities_for(current_user))
    limit_description(form, max_bytes() // (1024 * 1024))
    return form


@bp.route("/cases/<uuid:case_id>/attachments/new", methods=["GET", "POST"])
@accepts_upload(_upload_limit)
@require(Permission.CASE_EDIT)
def attachment_new(case_id):
    case = case_queries.load_case(db.session, current_user, case_id)
    if not can_add_attachment(current_user, case):
        abort(403)
    form = _form(case)
    if request.method == "GET":
        form.document_date.data = clock.today()
        form.visibility.data = AttachmentVisibility.CASE_STAFF.value
        return render_viewed("attachments/attachment_form.html", entity="case", entity_id=case.public_id,
                             association_id=case.association_id, case=case, form=form)

    def page(status: int):
        return render_template("attachments/attachment_form.html", case=case, form=form), status

    upload = form.file.data
    return submit(
        form,
        lambda: add_attachment(db.session, case, NewAttachment(
            kind=form.kind.data, visibility=form.visibility.data, label=form.label.data,
            document_date=form.document_date.data), getattr(upload, "stream", None), actor=current_user),
        success=_("Document attached."),
        done=lambda _attachment: redirect(url_for("cases.detail", case_id=case.public_id, _anchor="attachments")),
        page=page)


@bp.route("/cases/<uuid:case_id>/attachments/<uuid:attachment_id>")
@require(Permission.CASE_VIEW)
def attachment_download(case_id, attachment_id):
    case = case_queries.load_case(db.session, current_user, case_id)
    attachment = queries.attachment_of(db.session, case, attachment_id, current_user)
    if attachment is None:
        abort(404)
    record_download(db.session, case, attachment)
    name = f"{attachment.kind.value}-{attachment.document_date.isoformat()}.{EXTENSIONS[attachment.content_type]}"
    content_type, size = MEDIA_TYPES[attachment.content_type], attachment.size
    storage_key, chunk_count, backend = attachment.storage_key, attachment.chunk_count, attachment.storage
    db.session.commit()  # the event is saved before the first byte leaves (S28)
    chunks = _between_transactions(storage_for(db.session, backend).stream(storage_key, chunk_count))
    response = Response(stream_with_context(chunks), mimetype=content_type, direct_passthrough=True)
    response.headers.update(DOWNLOAD_HEADERS)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
