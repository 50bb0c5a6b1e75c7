"""Document routes: the case's documents, producing one, its print-ready page and PDF, its signed scan.

HTTP only: the rules are in mediation.documents.services. One commit per request. A document of another case
reached through this case's address answers 404, as an unknown one (docs/security.md, S70).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.attachments.rules import UPLOAD_OVERHEAD_BYTES
from mediation.attachments.services import max_bytes
from mediation.cases import queries as case_queries
from mediation.cases.models import Case
from mediation.cases.routes import case_section
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Permission, require
from mediation.core.i18n import current_language, normalise, text_direction
from mediation.core.security import cache_privately, cacheable
from mediation.core.uploads import accepts_upload
from mediation.core.views import render_viewed, submit
from mediation.documents import pdf, queries
from mediation.documents.codes import DocumentLanguage
from mediation.documents.forms import NONE, DocumentForm, SignedScanForm
from mediation.documents.models import GeneratedDocument
from mediation.documents.policies import can_produce_documents, can_read_documents
from mediation.documents.printing import SourceGone, render_document
from mediation.documents.services import DocumentRequest, attach_signed_scan, produce_document, reference_of
from mediation.extensions import db

bp = Blueprint("documents", __name__)

# What a PDF carries: never shown inline by the application (as attachments, docs/security.md, S46).
PDF_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "no-store",
}


def _css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and line ends escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("\r", "")
    return f'"{escaped}"'


@bp.route("/print.css")
@require(Permission.HOME)
@cacheable
def print_marks():
    """The print stylesheet that marks every printed sheet of the application "Confidential — internal", in
    the page's language (docs/domain.md, DOM158). It holds no data: every signed-in account reads it (the
    pages before logging in hold nothing to mark).

    Every page links it with its language in the address, so the browser keeps it a day and a page view costs
    no second request (docs/security.md, S74). Asked without a language, it follows the account's choice and
    is not kept: the same address could then answer another language."""
    css = render_template("documents/print_marks.css", mark=_css_string(_("Confidential — internal")))
    response = Response(css, mimetype="text/css")
    if normalise(request.args.get("lang")) == current_language():
        return cache_privately(response)
    return response


@case_section
def documents_section(case: Case, user) -> dict:
    if not can_read_documents(user, case):
        return {"documents_visible": False}
    return {"documents_visible": True, "documents": queries.documents_of(db.session, case)}


def _case(case_id) -> Case:
    case = case_queries.load_case(db.session, current_user, case_id)
    if not can_read_documents(current_user, case):
        abort(404)
    return case


def _document(case: Case, document_id) -> GeneratedDocument:
    document = queries.document_of(db.session, case, document_id)
    if document is None:
        abort(404)
    return document


def _form(case: Case) -> DocumentForm:
    form = DocumentForm()
    form.participant.choices = [(NONE, _("Choose…"))] + [
        (str(party.public_id), party.person.full_name) for party in queries.parties_of(db.session, case)]
    appointments = {}
    for party in queries.parties_of(db.session, case):
        for appointment in queries.invitations_of(db.session, case, party):
            appointments[appointment.public_id] = appointment
    form.appointment.choices = [(NONE, _("Choose…"))] + [
        (str(key), appointment.start_local.replace("T", " ")) for key, appointment in appointments.items()]
    return form


def _index(case: Case, form: DocumentForm, status: int = 200):
    context = {"case": case, "form": form, "documents": queries.documents_of(db.session, case),
               "can_produce": can_produce_documents(current_user, case), "pdf_available": pdf.available(),
               "pdf_unavailable": pdf.UNAVAILABLE}
    if status == 200:
        return render_viewed("documents/index.html", entity="case", entity_id=case.public_id,
                             association_id=case.association_id, **context)
    return render_template("documents/index.html", **context), status


@bp.route("/cases/<uuid:case_id>/documents")
@require(Permission.CASE_VIEW)
def index(case_id):
    case = _case(case_id)
    form = _form(case)
    if not form.language.data:
        form.language.data = DocumentLanguage.AR.value
    return _index(case, form)


@bp.route("/cases/<uuid:case_id>/documents", methods=["POST"])
@require(Permission.CASE_EDIT)
def produce(case_id):
    case = _case(case_id)
    if not can_produce_documents(current_user, case):
        abort(403)
    form = _form(case)
    return submit(
        form,
        lambda: produce_document(db.session, case, DocumentRequest(
            kind=form.kind.data, language=form.language.data, participant=form.participant.data,
            appointment=form.appointment.data, bring=tuple(form.bring.data or ())), actor=current_user),
        success=_("Document produced."),
        done=lambda document: redirect(url_for("documents.page", case_id=case.public_id,
                                               document_id=document.public_id)),
        page=lambda status: _index(case, form, status))


def _toolbar(case: Case, document: GeneratedDocument) -> dict:
    """The browser's toolbar above the page, in the interface's language (the page is in the recipient's)."""
    language = current_language()
    return {
        "lang": language, "dir": text_direction(language), "label": _("Document tools"),
        "back_url": url_for("documents.index", case_id=case.public_id), "back": _("Back to the case's documents"),
        "print_hint": _("Print this page from the browser (Ctrl+P): A4, with page numbers."),
        "pdf_url": url_for("documents.pdf_file", case_id=case.public_id, document_id=document.public_id)
        if pdf.available() else None,
        "pdf": _("Download the PDF"), "unavailable": str(pdf.UNAVAILABLE),
    }


@bp.route("/cases/<uuid:case_id>/documents/<uuid:document_id>")
@require(Permission.CASE_VIEW)
def page(case_id, document_id):
    case = _case(case_id)
    document = _document(case, document_id)
    try:
        html = render_document(db.session, case, document, toolbar=_toolbar(case, document))
    except SourceGone:
        abort(404)
    record(db.session, AuditAction.VIEW, entity="generated_document", entity_id=document.public_id,
           association_id=case.association_id)
    db.session.commit()
    return html


@bp.route("/cases/<uuid:case_id>/documents/<uuid:document_id>/pdf")
@require(Permission.CASE_VIEW)
def pdf_file(case_id, document_id):
    case = _case(case_id)
    document = _document(case, document_id)
    if not pdf.available():
        return render_template("documents/pdf_unavailable.html", case=case, reason=pdf.UNAVAILABLE), 503
    try:
        content = pdf.render_pdf(render_document(db.session, case, document, for_pdf=True))
    except SourceGone:
        abort(404)
    name = f"{document.kind.value}-{reference_of(case, document).replace('/', '-')}.pdf"
    record(db.session, AuditAction.EXPORT, entity="generated_document", entity_id=document.public_id,
           association_id=case.association_id)
    db.session.commit()
    response = Response(content, mimetype="application/pdf")
    response.headers.update(PDF_HEADERS)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _upload_limit() -> int:
    return max_bytes() + UPLOAD_OVERHEAD_BYTES


@bp.route("/cases/<uuid:case_id>/documents/<uuid:document_id>/signed", methods=["GET", "POST"])
@accepts_upload(_upload_limit)
@require(Permission.CASE_EDIT)
def signed(case_id, document_id):
    case = _case(case_id)
    document = _document(case, document_id)
    if not can_produce_documents(current_user, case) or document.attachment_id is not None:
        abort(403)
    form = SignedScanForm()
    context = {"case": case, "document": document, "form": form, "reference": reference_of(case, document)}
    if request.method == "GET":
        form.document_date.data = clock.today()
        return render_viewed("documents/signed_form.html", entity="generated_document",
                             entity_id=document.public_id, association_id=case.association_id, **context)
    upload = form.file.data
    return submit(
        form,
        lambda: attach_signed_scan(db.session, case, document, getattr(upload, "stream", None),
                                   form.document_date.data, actor=current_user),
        success=_("Signed copy attached to the case's documents."),
        done=lambda _attachment: redirect(url_for("documents.index", case_id=case.public_id)),
        page=lambda status: (render_template("documents/signed_form.html", **context), status))
