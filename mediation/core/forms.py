"""BaseForm: strips surrounding whitespace and refuses control characters."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import Optional, StopValidation
from wtforms.widgets import HiddenInput

MULTILINE_ALLOWED = frozenset("\t\n\r")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def refuse_control_characters(form, field) -> None:
    """NUL and other control characters have no place in typed text (and PostgreSQL refuses NUL)."""
    value = field.data
    if not isinstance(value, str):
        return
    allowed = MULTILINE_ALLOWED if isinstance(field, TextAreaField) else frozenset()
    if any(unicodedata.category(char) == "Cc" and char not in allowed for char in value):
        raise StopValidation(_l("Remove the invisible control characters from this field."))


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            # Fields here declare validators and filters as keyword arguments.
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField):  # includes passwords and text areas
                declared = unbound_field.kwargs
                options["validators"] = [refuse_control_characters, *declared.get("validators", ())]
                # A trailing space in a password is significant (SECURITY.md S2).
                if not issubclass(field_class, PasswordField):
                    options["filters"] = (*declared.get("filters", ()), _strip)
            return unbound_field.bind(form=form, **options)


def version_field():
    """The record's version when the form was shown (SECURITY.md S31); absent means "do not check"."""
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


def attach_error(form, error, aliases: dict[str, str] | None = None) -> None:
    """Show a service's refusal (a DomainError) beside the field it names, else above the form."""
    name = (aliases or {}).get(error.field, error.field) if error.field else None
    field = form._fields.get(name) if name else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
