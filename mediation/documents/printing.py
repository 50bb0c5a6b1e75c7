"""A produced document as a print-ready HTML page, in its recipient's language (docs/domain.md, DOM150-DOM155).

Each kind reads its own source, and nothing else: the concluded agreement's points and signatories, one
appointment, the attendance by date, the closure's date and whether it rests on an agreement. No screening,
note, supervisor's rationale or address of a person is ever read here, so none can reach a page (S72).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from flask import render_template, url_for
from flask_babel import force_locale
from sqlalchemy.orm import Session

from mediation.agreements.models import AgreementVersion
from mediation.appointments.models import Appointment
from mediation.cases.codes import OUTCOME_GROUP, OutcomeGroup, Sex
from mediation.cases.models import Case, Closure, Participant
from mediation.core import clock
from mediation.core.i18n import FORMAT_LOCALES, text_direction
from mediation.documents import queries
from mediation.documents.codes import DocumentKind
from mediation.documents.models import GeneratedDocument
from mediation.documents.services import bring_items, reference_of

TEMPLATES = {
    DocumentKind.AGREEMENT: "documents/print/agreement.html",
    DocumentKind.CONVOCATION: "documents/print/convocation.html",
    DocumentKind.ATTESTATION: "documents/print/attestation.html",
    DocumentKind.CLOSURE_LETTER: "documents/print/closure_letter.html",
}


def direction_of(value: str | None) -> str:
    """The direction of typed text by its first strong letter, decided here: a PDF's layout does not read
    dir="auto" (French points in an Arabic agreement keep their full stop at their end)."""
    for char in value or "":
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


class SourceGone(Exception):
    """What the document was produced from is no longer there (an appointment deleted, a case anonymised)."""


@dataclass(frozen=True)
class Addressee:
    name: str
    female: bool | None  # None: sex not recorded, the neutral form is used


def _addressee(participant: Participant, language: str) -> Addressee:
    person = participant.person
    name = person.full_name_latin if language == "fr" and person.full_name_latin else person.full_name
    female = {Sex.FEMALE: True, Sex.MALE: False}.get(person.sex)
    return Addressee(name=name, female=female)


def _agreement(session: Session, document: GeneratedDocument, language: str) -> dict[str, Any]:
    version: AgreementVersion | None = (queries.agreement_version(session, document.agreement_version_id)
                                        if document.agreement_version_id else None)
    if version is None:
        raise SourceGone()
    case = session.get_one(Case, document.case_id)
    signed = version.signatory_ids
    parties = [_addressee(party, language) for party in queries.parties_of(session, case) if party.id in signed]
    if not parties:
        parties = [_addressee(party, language) for party in queries.parties_of(session, case)]
    return {"version": version, "parties": parties, "mediators": queries.mediators_of(session, case)}


def _convocation(session: Session, document: GeneratedDocument, language: str) -> dict[str, Any]:
    appointment = session.get(Appointment, document.appointment_id) if document.appointment_id else None
    if appointment is None or document.participant is None:
        raise SourceGone()
    arrival = clock.local_datetime(queries.arrival_of(appointment, document.participant))
    return {"appointment": appointment, "arrival": arrival, "bring": bring_items(document)}


def _attestation(session: Session, document: GeneratedDocument, language: str) -> dict[str, Any]:
    case = session.get_one(Case, document.case_id)
    if document.participant is None:
        raise SourceGone()
    rows = queries.attendance_of(session, case, document.participant)
    return {"attendance": rows}


def _closure_letter(session: Session, document: GeneratedDocument, language: str) -> dict[str, Any]:
    closure = session.get(Closure, document.closure_id) if document.closure_id else None
    if closure is None:
        raise SourceGone()
    # DOM155: every closure without an agreement reads the same, a safety closure included.
    return {"closed_on": closure.closed_on, "with_agreement": OUTCOME_GROUP[closure.outcome] is OutcomeGroup.AGREEMENT}


SOURCES = {
    DocumentKind.AGREEMENT: _agreement,
    DocumentKind.CONVOCATION: _convocation,
    DocumentKind.ATTESTATION: _attestation,
    DocumentKind.CLOSURE_LETTER: _closure_letter,
}


def render_document(session: Session, case: Case, document: GeneratedDocument, *, for_pdf: bool = False,
                    toolbar: dict[str, Any] | None = None) -> str:
    """The page, in the document's language whatever the interface's. For the PDF its assets are addressed
    relative to the static folder (pdf.render_pdf reads them from there); in a browser, by their URLs."""
    language = document.language.value
    if case.anonymised_at is not None:
        raise SourceGone()
    with force_locale(FORMAT_LOCALES[language]):
        context = SOURCES[document.kind](session, document, language)
        association = queries.association_of(session, case)
        point = queries.service_point_of(session, case)
        return render_template(
            TEMPLATES[document.kind], document=document, case=case, lang=language, dir=text_direction(language),
            reference=reference_of(case, document), issued_on=clock.local_date(document.created_at),
            association_name=association.name_ar if language == "ar" else association.name_fr,
            association=association,
            service_point_name=point.name_ar if language == "ar" else point.name_fr,
            addressee=_addressee(document.participant, language) if document.participant else None,
            direction_of=direction_of,
            asset=(lambda path: path) if for_pdf else (lambda path: url_for("static", filename=path)),
            toolbar=None if for_pdf else toolbar, **context)
