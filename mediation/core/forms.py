"""BaseForm: typed text only, surrounding whitespace stripped, control characters and unknown choices refused."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    Field,
    FieldList,
    FileField,
    Form,
    FormField,
    IntegerField,
    PasswordField,
    StringField,
    TextAreaField,
)
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

    def fields_in_error(self) -> list[Field]:
        """The fields with an error, in the order of the page: the form's LAYOUT (fieldsets of field names)
        when it has one, then the others in declaration order. The error summary lists them."""
        names = [name for _legend, group in getattr(self, "LAYOUT", ()) for name in group if name in self]
        # short_name: the key of the field in the form, without the prefix of a form repeated on a page.
        names += [field.short_name for field in self if field.short_name not in names]
        return [self[name] for name in names if self[name].errors]

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


class NestedForm(FormField):
    """A form nested in another (a part of the page with fields of its own), whose errors can also be set as
    one field's: input sent under its own name that is not text is refused on it."""

    _own_errors: list[Any] | None = None

    @property
    def errors(self) -> Any:
        return self._own_errors if self._own_errors is not None else self.form.errors

    @errors.setter
    def errors(self, value: Sequence[str]) -> None:
        self._own_errors = list(value)


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


# Typed dates (docs/domain.md, DOM75): day/month/year as written on a national identity card or in a
# family record book (separated by / . or -), the ISO form YYYY-MM-DD, and for a birth date the year alone.
# Any script's decimal digits count (an Arabic keyboard types ٢٥/٠٣/١٩٨٥).
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4})$")
ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
YEAR_ALONE = re.compile(r"^(\d{4})$")
TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2}$")
DAY_FORMAT_HINT = _l("Day/month/year, for example 25/03/2024.")
BIRTH_FORMAT_HINT = _l("Day/month/year as on the identity card or in the family record book, for example "
                       "25/03/1985; or the year alone (1985) when the exact date is not known.")
DAY_FORMAT_MESSAGE = _l("Enter the date as day/month/year, for example 25/03/2024.")
BIRTH_FORMAT_MESSAGE = _l("Enter the birth date as day/month/year (for example 25/03/1985), or the year alone "
                          "(1985).")
FOUR_DIGIT_YEAR = _l("Write the year with its four digits, for example 1985 rather than 85.")
NO_SUCH_DAY = _l("This date does not exist: check the day and the month.")
BIRTH_IN_FUTURE = _l("The birth date cannot be in the future.")
BIRTH_IMPLAUSIBLE = _l("This birth date is not plausible.")


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.digit(char)) if char.isdecimal() else char for char in text)


def parse_typed_day(text: str, *, year_alone: bool = False) -> date | int:
    """The day (or, when `year_alone`, possibly a year) a person typed; ValueError with the message to show."""
    value = _ascii_digits(text.strip())
    if (match := DAY_MONTH_YEAR.match(value)) is not None:
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif (match := ISO_DAY.match(value)) is not None:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif year_alone and YEAR_ALONE.match(value):
        return int(value)
    elif TWO_DIGIT_YEAR.match(value):
        raise ValueError(FOUR_DIGIT_YEAR)
    else:
        raise ValueError(BIRTH_FORMAT_MESSAGE if year_alone else DAY_FORMAT_MESSAGE)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(NO_SUCH_DAY) from None


def _day_text(value: object) -> str:
    """A stored day shown as the form asks for it: day/month/year, or the year alone."""
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, str) and ISO_DAY.match(value):
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    return "" if value is None else str(value)


class DayField(StringField):
    """A day typed as text (docs/domain.md, DOM75): `data` is a date, shown back as day/month/year.

    Every date of a form that asks for a birth date is one of these, so that one form follows one
    convention. A day outside clock.EARLIEST_DAY..clock.furthest_day() is refused like date_bounds().
    """

    data: Any  # a date (a BirthField: the stored text), or None

    def __init__(self, label: str | LazyString | None = None, validators: list[Any] | None = None, *,
                 future_message: str | LazyString | None = None, **kwargs: Any) -> None:
        """`future_message`, when given, refuses a day after today with it (a day that has happened)."""
        kwargs.setdefault("description", DAY_FORMAT_HINT)
        render_kw = {"dir": "ltr", "inputmode": "numeric", "autocomplete": "off",
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.future_message = future_message

    def process_formdata(self, valuelist: list) -> None:
        """A ValueError raised here is the field's error (WTForms keeps it in process_errors)."""
        self.data = None
        text = valuelist[0] if valuelist and isinstance(valuelist[0], str) else ""
        if text.strip():
            self.data = self._parse(text)

    def _parse(self, text: str) -> object:
        day = parse_typed_day(text)
        if not isinstance(day, date):
            raise ValueError(DAY_FORMAT_MESSAGE)
        last = clock.today() if self.future_message is not None else clock.furthest_day()
        if self.future_message is not None and day > last:
            raise ValueError(self.future_message)
        if not clock.EARLIEST_DAY <= day <= last:
            raise ValueError(gettext("Enter a date between %(first)s and %(last)s.",
                                     first=_day_text(clock.EARLIEST_DAY), last=_day_text(last)))
        return day

    def _value(self) -> str:
        if self.raw_data:  # what the person typed stays as typed
            return str(self.raw_data[0])
        return _day_text(self.data)


class BirthField(DayField):
    """A birth date or year (docs/domain.md, DOM75): `data` is the text a person's record stores, "YYYY-MM-DD"
    or "YYYY"; neither in the future nor more than `oldest_age` years back."""

    def __init__(self, label: str | LazyString | None = None, validators: list[Any] | None = None, *,
                 oldest_age: int, **kwargs: Any) -> None:
        kwargs.setdefault("description", BIRTH_FORMAT_HINT)
        super().__init__(label, validators, **kwargs)
        self.oldest_age = oldest_age

    def _parse(self, text: str) -> object:
        born = parse_typed_day(text, year_alone=True)
        today = clock.today()
        year = born if isinstance(born, int) else born.year
        if (isinstance(born, date) and born > today) or year > today.year:
            raise ValueError(BIRTH_IN_FUTURE)
        if today.year - year > self.oldest_age:
            raise ValueError(BIRTH_IMPLAUSIBLE)
        return f"{born:04d}" if isinstance(born, int) else born.isoformat()


def version_field() -> IntegerField:
    """The record's version when the form was shown (docs/security.md, S31); absent means "do not check"."""
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


def _field_named(form: Form, name: str) -> Field | None:
    """The field of this name: one of the form's (by its key), or one of a row nested in it, by its full name
    ("children-0-sex")."""
    if name in form._fields:
        return form._fields[name]
    for field in form:
        if field.name == name:
            return field
        rows = field.entries if isinstance(field, FieldList) else [field]
        for row in rows:
            if isinstance(row, FormField) and name.startswith(f"{row.name}-"):
                found = _field_named(row.form, name)
                if found is not None:
                    return found
    return None


def attach_error(form: Form, error: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's refusal (a DomainError) beside the field it names, else above the form."""
    name = (aliases or {}).get(error.field, error.field) if error.field else None
    field = _field_named(form, name) if name else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
