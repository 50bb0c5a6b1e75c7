"""The agreement's form: every point of the case's issues on one page (docs/domain.md, DOM77).

The point fields depend on the case's issues, so the form class is made per case (`agreement_form_for`):
a status (radio buttons) and a text per issue, named point_<issue>_status and point_<issue>_text.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms import IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from mediation.agreements.models import POINT_TEXT_MAX
from mediation.agreements.services.versions import point_field
from mediation.cases.codes import AgreementForm, AgreementNature, Issue, PointStatus
from mediation.cases.forms.common import MultiCheckboxField
from mediation.core.codes import choices
from mediation.core.forms import BaseForm, DayField

YES, NO = "yes", "no"
LENGTH_MESSAGE = _l("Use at most %(max)d characters.")
STATUS_MESSAGE = _l("Choose agreed, partly agreed or not agreed for this point.")


class AgreementFormBase(BaseForm):
    nature = RadioField(_l("Nature of the agreement"), choices=choices(AgreementNature),
                        validators=[InputRequired(_l("Choose the nature of the agreement."))])
    agreement_form = RadioField(_l("Form of the agreement"), choices=choices(AgreementForm),
                                validators=[Optional()],
                                description=_l("Required to conclude the agreement."))
    signed_by = MultiCheckboxField(_l("Signed by"), choices=[], validators=[Optional()],
                                   description=_l("Only for a written and signed agreement."))
    signed_on = DayField(_l("Signed on (optional)"), validators=[Optional()],
                         future_message=_l("This date cannot be in the future."))
    submitted_to_court = RadioField(
        _l("Did the parties declare they will submit it to the family court?"),
        choices=[SelectChoice(YES, _l("Yes")), SelectChoice(NO, _l("No"))], validators=[Optional()],
        description=_l("As the parties declared it; leave blank if they did not say."))
    concluded_on = DayField(
        _l("Concluded on (optional)"), validators=[Optional()],
        future_message=_l("This date cannot be in the future."),
        description=_l("Leave blank to save a draft. With a date, this version is the concluded agreement; a later "
                       "revision is saved as a new version."))
    # The latest version the form was filled from (0: none yet): compared, never assigned (docs/security.md, S31).
    based_on = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    issues: tuple[Issue, ...] = ()

    def point_fields(self, issue: Issue):
        return self[point_field(issue, "status")], self[point_field(issue, "text")]


def _text_label(issue: Issue) -> LazyString:
    """The label of a point's text names its issue, so that the error summary says which point is wrong. It
    interpolates the issue's own label, a translated constant of the code list, never anything typed."""
    return LazyString(lambda: gettext("%(issue)s: what the parties settled (optional)", issue=str(issue.label)))


def agreement_form_for(issues: list[Issue]) -> type[AgreementFormBase]:
    """The form class for a case with these issues: one status and one text per issue, in the case's order."""
    fields: dict[str, object] = {"issues": tuple(issues)}
    for issue in issues:
        fields[point_field(issue, "status")] = RadioField(
            issue.label, choices=choices(PointStatus), validators=[InputRequired(STATUS_MESSAGE)])
        fields[point_field(issue, "text")] = TextAreaField(
            _text_label(issue),
            validators=[Optional(), Length(max=POINT_TEXT_MAX, message=LENGTH_MESSAGE)],
            render_kw={"rows": 3, "maxlength": POINT_TEXT_MAX})
    points = tuple(name for issue in issues for name in (point_field(issue, "status"), point_field(issue, "text")))
    fields["LAYOUT"] = (
        (_l("The agreement"), ("nature", "agreement_form")),
        (_l("Points"), points),
        (_l("Signatures and court"), ("signed_by", "signed_on", "submitted_to_court", "concluded_on")),
    )
    return type("AgreementVersionForm", (AgreementFormBase,), fields)
