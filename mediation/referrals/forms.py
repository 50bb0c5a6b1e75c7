"""Referral forms: a referral, the destination's answer, a safeguarding exception and its decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from mediation.cases.codes import ReferralDestination
from mediation.core.codes import choices
from mediation.core.forms import TODAY, BaseForm, CheckboxList, version_field
from mediation.referrals.codes import ANSWERS, SafeguardingGround, SharedData, Urgency
from mediation.referrals.rules import EXCEPTION_REASON_MAX, ORGANISATION_MAX, REASON_MAX

NONE = ""
LENGTH = _l("Use at most %(max)d characters.")


class ReferralForm(BaseForm):
    # Choices set by the route: the case's active participants (public ids).
    participant = SelectField(_l("Person referred"), choices=[], default=NONE,
                              validators=[InputRequired(_l("Choose the person referred."))])
    destination = SelectField(_l("Destination"),
                              choices=[SelectChoice(NONE, _l("Choose…")), *choices(ReferralDestination)],
                              default=NONE, validators=[InputRequired(_l("Choose the destination."))])
    organisation_name = StringField(_l("Name of the organisation"),
                                    validators=[InputRequired(_l("Enter the name of the organisation.")),
                                                Length(max=ORGANISATION_MAX, message=LENGTH)],
                                    render_kw={"maxlength": ORGANISATION_MAX})
    urgency = RadioField(_l("Urgency"), choices=choices(Urgency),
                         validators=[InputRequired(_l("Say whether the referral is urgent."))])
    reason = TextAreaField(_l("Reason for the referral"),
                           validators=[InputRequired(_l("Give the reason for the referral.")),
                                       Length(max=REASON_MAX, message=LENGTH)],
                           description=_l("Staff only: never shown to the parties."),
                           render_kw={"rows": 4, "maxlength": REASON_MAX})
    made_on = DateField(_l("Date of the referral"),
                        validators=[InputRequired(_l("Enter the date the referral was made."))],
                        render_kw={"max": TODAY})
    data_shared = CheckboxList(
        _l("Data shared with the destination"), choices=choices(SharedData), validate_choice=True,
        description=_l("Share the minimum. Leave every box empty when you only gave the person the "
                       "destination's address: no consent is needed then."))


class AnswerForm(BaseForm):
    status = RadioField(_l("Answer of the destination"), choices=choices(ANSWERS),
                        validators=[InputRequired(_l("Choose the answer."))])
    feedback_on = DateField(_l("Date of the answer"),
                            validators=[InputRequired(_l("Enter the date of the answer, or the date you noted "
                                                         "that none came."))],
                            render_kw={"max": TODAY})
    version = version_field()


class ExceptionRequestForm(BaseForm):
    # Choices set by the route: the case's active participants (public ids).
    participant = SelectField(_l("Person whose data would be shared"), choices=[], default=NONE,
                              validators=[InputRequired(_l("Choose the person referred."))])
    ground = RadioField(_l("Ground"), choices=choices(SafeguardingGround),
                        validators=[InputRequired(_l("Choose the ground for the exception."))])
    reason = TextAreaField(_l("Why the data must be shared without consent"),
                           validators=[InputRequired(_l("Give the reason for the request.")),
                                       Length(max=EXCEPTION_REASON_MAX, message=LENGTH)],
                           render_kw={"rows": 4, "maxlength": EXCEPTION_REASON_MAX})


class ExceptionDecisionForm(BaseForm):
    decision = RadioField(_l("Decision"), choices=[SelectChoice("approve", _l("Approve the exception")),
                                                   SelectChoice("refuse", _l("Refuse the exception"))],
                          validators=[InputRequired(_l("Choose your decision."))])
    decision_reason = TextAreaField(_l("Reason for the decision"),
                                    validators=[InputRequired(_l("Give the reason for your decision.")),
                                                Length(max=EXCEPTION_REASON_MAX, message=LENGTH)],
                                    render_kw={"rows": 4, "maxlength": EXCEPTION_REASON_MAX})
    version = version_field()
