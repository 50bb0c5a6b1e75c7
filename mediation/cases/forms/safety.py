"""Screening, consent, supervisor-decision and danger-flag forms (docs/domain.md, DOM25-DOM33).

Choice fields carry no Optional() validator: it would clear the "not a valid
choice" error of a blank or whitespace value, letting it reach the code lists.

Nothing is pre-answered: each gating indicator and each consent must be
chosen explicitly (never pre-ticked).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from mediation.cases.codes import (
    Adaptation,
    Concern,
    ConsentScope,
    ConsentStatus,
    GatingIndicator,
    ScreeningDecision,
    ViolenceLevel,
    ViolenceType,
)
from mediation.cases.forms.common import TEXT_MAX, MultiCheckboxField, long_text
from mediation.cases.models import ConsentGiver
from mediation.cases.rules import DECISION_REQUEST_NOTE_MAX, PARTY_SCOPES
from mediation.core.codes import choices
from mediation.core.forms import TODAY, BaseForm

YES_NO = [SelectChoice("no", _l("No")), SelectChoice("yes", _l("Yes"))]
ANSWER = _l("Answer this question.")


def _date_field(label) -> DateField:
    return DateField(label, validators=[InputRequired(_l("Enter a date."))], render_kw={"dir": "ltr", "max": TODAY})


def _indicator(code: GatingIndicator) -> RadioField:
    return RadioField(code.label, choices=YES_NO, validators=[InputRequired(ANSWER)])


class ScreeningForm(BaseForm):
    screened_on = _date_field(_l("Date of the screening"))
    violence = RadioField(_l("Violence disclosed"), choices=choices(ViolenceLevel),
                          validators=[InputRequired(ANSWER)])
    violence_types = MultiCheckboxField(_l("Types of violence (Law 103-13)"), choices=choices(ViolenceType))
    # One yes/no question per gating indicator; the field name is "gating_" + the code.
    gating_immediate_danger = _indicator(GatingIndicator.IMMEDIATE_DANGER)
    gating_fear_of_other_party = _indicator(GatingIndicator.FEAR_OF_OTHER_PARTY)
    gating_coercive_control = _indicator(GatingIndicator.COERCIVE_CONTROL)
    gating_child_protection_concern = _indicator(GatingIndicator.CHILD_PROTECTION_CONCERN)
    gating_abduction_threat = _indicator(GatingIndicator.ABDUCTION_THREAT)
    concerns = MultiCheckboxField(_l("Other concerns"), choices=choices(Concern),
                                  description=_l("They inform the decision; they do not make the screening positive."))
    mediator_view = SelectField(_l("Your recommendation"),
                                choices=[SelectChoice("", "—"), *choices(ScreeningDecision)])
    notes = long_text(_l("Screening notes (confidential)"))

    def indicator_fields(self):
        return [getattr(self, f"gating_{code.value}") for code in GatingIndicator]

    def indicators_yes(self) -> tuple[GatingIndicator, ...]:
        return tuple(code for code in GatingIndicator if getattr(self, f"gating_{code.value}").data == "yes")


GIVER_CHOICES = [
    SelectChoice(ConsentGiver.SELF.value, _l("The person themself")),
    SelectChoice(ConsentGiver.LEGAL_REPRESENTATIVE.value, _l("Legal representative")),
]


class ConsentForm(BaseForm):
    scope = SelectField(_l("Consent to"), choices=[SelectChoice("", "—"), *choices(ConsentScope)],
                        validators=[DataRequired(_l("Choose what the consent is about."))])
    status = RadioField(_l("The person's answer"), choices=choices(ConsentStatus), validators=[InputRequired(ANSWER)])
    on_date = _date_field(_l("Date"))
    given_by = RadioField(_l("Given by"), choices=GIVER_CHOICES, validators=[InputRequired(ANSWER)])


# The answers asked for each consent when a party is registered (docs/domain.md, DOM76): none is chosen in
# advance; "not asked" records nothing.
NOT_ASKED = "not_asked"
ANSWER_CHOICES = [
    SelectChoice(ConsentStatus.GIVEN.value, ConsentStatus.GIVEN.label),
    SelectChoice(ConsentStatus.REFUSED.value, ConsentStatus.REFUSED.label),
    # Translators: an answer about one consent: the person was not asked for it (yet).
    SelectChoice(NOT_ASKED, _l("Not asked yet")),
]
CONSENT_LEGEND = _l("Consent (Law 09-08)")


def consent_field_name(scope: ConsentScope) -> str:
    return f"consent_{scope.value}"


CONTACT_HELP = _l("Covers calls from the service and automatic reminders and convocations by SMS or e-mail, "
                  "only by the channels and at the number of the person's contact profile. Without it, "
                  "nothing is sent and nobody calls.")


def _answer(scope: ConsentScope, description=None) -> RadioField:
    return RadioField(scope.label, choices=ANSWER_CHOICES, description=description or "",
                      validators=[InputRequired(_l("Answer for this consent: given, refused or not asked."))])


class ConsentAnswersForm(BaseForm):
    """One question per scope of PARTY_SCOPES; the route removes those that do not apply (keep_scopes)."""

    CONSENT_FIELDS = tuple(consent_field_name(scope) for scope in PARTY_SCOPES)

    consent_mediation = _answer(ConsentScope.MEDIATION)
    consent_data_processing = _answer(ConsentScope.DATA_PROCESSING)
    consent_contact = _answer(ConsentScope.CONTACT, CONTACT_HELP)
    consent_statistics = _answer(ConsentScope.STATISTICS)
    consent_sensitive_data = _answer(ConsentScope.SENSITIVE_DATA)
    consent_share_for_referral = _answer(ConsentScope.SHARE_FOR_REFERRAL)

    def keep_scopes(self, scopes) -> None:
        """Remove the questions of the scopes that do not apply here (before validation)."""
        for scope in PARTY_SCOPES:
            if scope not in scopes:
                del self[consent_field_name(scope)]

    def consent_answers(self) -> dict[ConsentScope, ConsentStatus]:
        """The given or refused answers; a scope not asked is left out."""
        answers = {}
        for scope in PARTY_SCOPES:
            name = consent_field_name(scope)
            if name in self and self[name].data in (ConsentStatus.GIVEN, ConsentStatus.REFUSED):
                answers[scope] = ConsentStatus(self[name].data)
        return answers


class DecisionForm(BaseForm):
    decision = RadioField(_l("Decision"), choices=choices(ScreeningDecision), validators=[InputRequired(ANSWER)])
    adaptations = MultiCheckboxField(_l("Adaptations"), choices=choices(Adaptation),
                                     description=_l("Only with a decision to proceed with adaptations."))
    rationale = TextAreaField(_l("Reasons (confidential)"),
                              validators=[DataRequired(_l("Give the reasons for the decision.")),
                                          Length(max=TEXT_MAX)])


class ClearDangerForm(BaseForm):
    note = TextAreaField(_l("Why the danger is over (confidential)"),
                         validators=[DataRequired(_l("Say why the danger is over.")), Length(max=TEXT_MAX)])


class DecisionRequestForm(BaseForm):
    """Ask the supervisors for a decision from a refusal of the mediation gate (docs/domain.md, DOM71)."""

    note = TextAreaField(_l("A note for the supervisor (optional, confidential)"),
                         validators=[Optional(), Length(max=DECISION_REQUEST_NOTE_MAX)])
