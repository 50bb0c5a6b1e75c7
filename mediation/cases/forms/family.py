"""The family recorded on the intake page with the requesting party: the other parent or spouse, and
the children (docs/domain.md, DOM103). Both parts are optional; a row left empty records nobody.

A row that is started must be completed: the other party's contact question and consents, a child's
sex. A role or sex the request already implies is not asked again (cases/rules.py).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from mediation.cases.codes import ChildLivesWith, Sex
from mediation.cases.forms.common import ADULT_ROLES, NAME_MAX, birth_field
from mediation.cases.forms.safety import ConsentAnswersForm
from mediation.core.codes import choices
from mediation.core.forms import BaseForm, person_name

YES_NO = [SelectChoice("no", _l("No")), SelectChoice("yes", _l("Yes"))]
# Translators: the empty choice of a list the request already answers (a mother's sex, the other parent's role).
IMPLIED = _l("As the request implies")
CHOOSE = _l("Choose…")


def _name(label) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=NAME_MAX), person_name], render_kw={"dir": "auto"})


def implied_sex_field() -> SelectField:
    """An adult's sex, not asked again for a mother or a father (docs/domain.md, DOM103)."""
    return SelectField(_l("Sex"), choices=[SelectChoice("", IMPLIED), *choices(Sex)], validators=[Optional()],
                       description=_l("Asked only when the role does not say it."))


class _Row(BaseForm):
    """A part of the intake form repeated or nested on the page: no token of its own."""

    class Meta:
        csrf = False

    full_name = _name(_l("Full name"))
    # The fields a row needs once its name is given, with the message when one is missing.
    NEEDED: tuple[tuple[str, Any], ...] = ()

    def is_empty(self) -> bool:
        return not self.full_name.data

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.is_empty():
            # No name: the row records nobody and asks nothing. What was sent is still checked: a value a
            # list does not offer, or input that is not text, is refused.
            for field in self:
                if not self._sent(field):
                    field.errors = []
            return not any(field.errors for field in self)
        for name, message in self.NEEDED:
            if self[name].data in (None, "") and not self[name].errors:
                self[name].errors = [message]
                valid = False
        return valid

    def _sent(self, field) -> bool:
        return field.name in self.not_text or any(value != "" for value in field.raw_data or ())


class OtherPartyForm(_Row, ConsentAnswersForm):
    """The other parent or spouse: asked the same consents as the requesting party, each answered."""

    full_name = _name(_l("Full name of the other parent or spouse"))
    role = SelectField(_l("Their role in the family"), choices=[SelectChoice("", IMPLIED), *choices(ADULT_ROLES)],
                       validators=[Optional()],
                       description=_l("Leave as it is for the other parent or spouse: the father when a "
                                      "mother asks, the mother when a father asks, the other spouse."))
    sex = implied_sex_field()
    contact_allowed = RadioField(_l("May the service contact this person?"), choices=YES_NO,
                                 validators=[Optional()])
    NEEDED = (("contact_allowed", _l("Answer this question.")),)
    # The order of the page, the consents last (they are declared first, with ConsentAnswersForm).
    LAYOUT = ((None, ("full_name", "role", "sex", "contact_allowed", *ConsentAnswersForm.CONSENT_FIELDS)),)


class ChildRowForm(_Row):
    sex = SelectField(_l("Sex"), choices=[SelectChoice("", CHOOSE), *choices(Sex)], validators=[Optional()])
    birth_date = birth_field()
    lives_with = SelectField(_l("Lives with"), choices=[SelectChoice("", CHOOSE), *choices(ChildLivesWith)],
                             validators=[Optional()])
    NEEDED = (("sex", _l("Choose the child's sex.")),)


def nested_fields_in_error(fields) -> list[Field]:
    """The fields of rows (a FormField, or a FieldList of them) that hold an error, in page order."""
    found = []
    for field in fields:
        rows = field.entries if hasattr(field, "entries") else [field]
        for row in rows:
            found += row.form.fields_in_error()
    return found


def name_rows(other, children) -> None:
    """Name each row's fields after their row in the error summary, where "Sex" alone would not say whose."""
    for sub in other.form:
        sub.summary_label = gettext("%(row)s: %(field)s", row=gettext("The other parent or spouse"),
                                    field=sub.label.text)
    for number, entry in enumerate(children.entries, start=1):
        for sub in entry.form:
            sub.summary_label = gettext("%(row)s: %(field)s", row=gettext("Child %(number)d", number=number),
                                        field=sub.label.text)
