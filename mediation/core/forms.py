"""BaseForm: strips surrounding whitespace from text, never from passwords."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            # A trailing space in a password is significant (SECURITY.md S2).
            if unbound_field.field_class is not PasswordField:
                options["filters"] = (*options.get("filters", ()), _strip)
            return unbound_field.bind(form=form, **options)
