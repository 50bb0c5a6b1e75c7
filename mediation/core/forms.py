"""BaseForm: typed text only, surrounding whitespace stripped, control characters and unknown choices refused."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, FileField, Form, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectField, SelectFieldBase, SelectMultipleField
from wtforms.validators import DataRequired, Optional, Regexp, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, DateInput, HiddenInput, ListWidget

from mediation.core import clock
from mediation.core.names import display_name_error, invisible_characters_error

if TYPE_CHECKING:
    from wtforms.fields.core import UnboundField

    from mediation.core.errors import DomainError

MULTILINE_ALLOWED = frozenset("\t\n\r")
# A date input's `min` or `max` declared as TODAY shows the current day (for dates that cannot be in the
# future, or in the past); the others show the bounds of date_bounds().
TODAY = "today"
NOT_TEXT = _l("This field accepts typed text only, not a file.")
UNKNOWN_CHOICE = _l("This is not a valid choice: choose one of the options offered.")


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def refuse_control_characters(form: Form, field: Field) -> None:
    """NUL and other control characters have no place in typed text (and PostgreSQL refuses NUL)."""
    value = field.data
    if not isinstance(value, str):
        return
    allowed = MULTILINE_ALLOWED if isinstance(field, TextAreaField) else frozenset()
    if any(unicodedata.category(char) == "Cc" and char not in allowed for char in value):
        raise StopValidation(_l("Remove the invisible control characters from this field."))


def person_name(form: Form, field: Field) -> None:
    """The name of a person of a case holds no invisible character (core/names.py): they spoof how it reads."""
    error = invisible_characters_error(field.data) if isinstance(field.data, str) else None
    if error is not None:
        raise ValidationError(error)


def display_name(form: Form, field: Field) -> None:
    """A staff member's display name follows core/names.py, on the administrator's form and on the user's own
    profile alike; the services apply the same rules again."""
    if isinstance(field.data, str) and field.data:
        error = display_name_error(unicodedata.normalize("NFC", field.data))
        if error is not None:
            raise ValidationError(error)


def keep_choice_error(form: Form, field: Field) -> None:
    """A choice the list does not offer stays refused, even when it is only spaces.

    Optional() clears a field's errors when its value is blank, and to it spaces are blank: a value of
    spaces would pass as "not given" and reach the service as an unknown code (S16). Running first, this
    stops the chain with the choice error (WTForms' translated "Not a valid choice.") kept. An empty value
    is still "not given" for optional fields.
    """
    if field.errors and any(not isinstance(value, str) or value for value in field.raw_data or ()):
        raise StopValidation()


def date_bounds(render_kw: dict | None) -> dict:
    """A date input's attributes with the `min` and `max` its calendar shows, as of the current day.

    By default from clock.EARLIEST_DAY to clock.furthest_day() (MEDIATION_MAX_DAYS_AHEAD); a field narrows
    them with render_kw={"max": TODAY} or {"min": TODAY}. The browser's calendar offers nothing outside;
    the services refuse with their own message what a script sends there.
    """
    attributes = {"min": clock.EARLIEST_DAY.isoformat(), "max": clock.furthest_day().isoformat(),
                  **(render_kw or {})}
    today = clock.today().isoformat()
    return {name: today if name in ("min", "max") and value == TODAY else value for name, value in attributes.items()}


def _typed_text_only(form: Form, formdata: MultiDict) -> tuple[MultiDict, set[str]]:
    """The submitted pairs whose value is text; the names of the fields that were sent anything else.

    A multipart request can send a file under any field's name, and a JSON body numbers, lists or null:
    string filters and validators fail on them with a 500 (S16). Only a FileField takes a file.
    """
    file_fields = {field.name for field in form if isinstance(field, FileField)}
    kept: MultiDict = MultiDict()
    refused: set[str] = set()
    for key, value in formdata.items(multi=True):
        if isinstance(value, str) or key in file_fields:
            kept.add(key, value)
        else:
            refused.add(key)
    return kept, refused


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form: Form, unbound_field: UnboundField, options: dict[str, Any]) -> Field:
            # Fields here declare validators and filters as keyword arguments.
            field_class = unbound_field.field_class
            declared = unbound_field.kwargs
            if issubclass(field_class, StringField):  # includes passwords and text areas
                options["validators"] = [refuse_control_characters, *declared.get("validators", ())]
                # A trailing space in a password is significant (docs/security.md, S2).
                if not issubclass(field_class, PasswordField):
                    options["filters"] = (*declared.get("filters", ()), _strip)
            render_kw = declared.get("render_kw") or {}
            if isinstance(getattr(field_class, "widget", None), DateInput) or render_kw.get("type") == "date":
                options["render_kw"] = date_bounds(render_kw)  # as of today: the form is bound per request
            if issubclass(field_class, SelectFieldBase):  # select, radio and checkbox lists
                options["validators"] = [keep_choice_error, *declared.get("validators", ())]
                if issubclass(field_class, SelectField):  # instead of "Invalid Choice: could not coerce."
                    options["invalid_value_message"] = declared.get("invalid_value_message") or UNKNOWN_CHOICE
            return unbound_field.bind(form=form, **options)

        def wrap_formdata(self, form: BaseForm, formdata: Any) -> MultiDict | None:
            try:
                # WTForms makes the form's Meta at run time from the Meta classes of its bases: super() is
                # Flask-WTF's, which the stubs cannot see from this plain class.
                formdata = super().wrap_formdata(form, formdata)  # type: ignore[misc]
            except (TypeError, ValueError):  # a JSON body that is not an object of fields
                formdata = MultiDict()
            if formdata is None:
                return None
            formdata, form.not_text = _typed_text_only(form, formdata)
            return formdata

    # The names of the fields that were sent a file or a non-text JSON value (set by wrap_formdata).
    not_text: set[str] | frozenset[str] = frozenset()

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if field.name in self.not_text:
                field.errors = [NOT_TEXT]
                valid = False
            elif any(name.startswith(f"{field.name}-") for name in self.not_text):
                # A field of a nested form (a FieldList's row): its value was dropped, so refuse the whole form.
                if NOT_TEXT not in self.form_errors:
                    self.form_errors.append(NOT_TEXT)
                valid = False
        return valid


class CheckboxList(SelectMultipleField):
    """A multiple choice shown as a list of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
TIME_MESSAGE = _l("Enter the time as HH:MM, for example 09:30.")


def time_field(label: str | LazyString, required_message: str | LazyString) -> StringField:
    """A time of day typed as HH:MM (24 hours), with the numeric keyboard on a phone."""
    return StringField(label, validators=[DataRequired(required_message), Regexp(TIME_PATTERN, message=TIME_MESSAGE)],
                       render_kw={"inputmode": "numeric", "placeholder": "09:30", "dir": "ltr",
                                  "autocomplete": "off"})


def version_field() -> IntegerField:
    """The record's version when the form was shown (docs/security.md, S31); absent means "do not check"."""
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


def attach_error(form: Form, error: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's refusal (a DomainError) beside the field it names, else above the form."""
    name = (aliases or {}).get(error.field, error.field) if error.field else None
    field = form._fields.get(name) if name else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
