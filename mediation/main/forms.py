from wtforms import HiddenField, SelectField

from mediation.core.forms import BaseForm
from mediation.core.i18n import LANGUAGE_NAMES


class LanguageForm(BaseForm):
    lang = SelectField(choices=list(LANGUAGE_NAMES))
    next = HiddenField()
