"""The machinery of every code list: `Code`, `parse_code` and `choices` (docs/architecture.md, A3).

The lists themselves live with the feature that owns them, each in that package's `codes.py`
(`mediation/cases/codes.py`, `mediation/appointments/codes.py`...). Codes are the stored values
and are frozen once released: add members, never rename or reuse one (docs/domain.md, DOM62).
One English msgid carries one meaning: where one English word has two different French or Arabic
renderings, the English labels are made distinct ("By phone", "Follow-up session").
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Self, TypeVar

from flask_babel.speaklater import LazyString
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; the stubs are 3.2's

from mediation.core.errors import ValidationFailed


class Code(enum.StrEnum):
    """A code list whose members carry a lazily translated label, declared beside the code::

        class CaseStatus(Code):
            INTAKE = "intake", _l("Intake")

    The member's value and str() are the code alone (what the database stores); its label is
    `member.label`. A member without a label, or with a label translated at import, fails at import
    (docs/domain.md, DOM62). A "Translators:" comment goes on the line before the member.
    """

    _label: LazyString

    # `label` defaults to None only so that a type checker reads `CaseStatus("intake")` (a lookup by
    # code, which enum routes elsewhere) as a valid call; a member declared without one still fails here.
    def __new__(cls, code: str, label: LazyString | None = None) -> Self:
        if not isinstance(label, LazyString):
            raise TypeError(f"{cls.__name__}.{code}: the label must be a lazy string, _l(...)")
        member = str.__new__(cls, code)
        member._value_ = code
        member._label = label
        return member

    @property
    def label(self) -> LazyString:
        return self._label


C = TypeVar("C", bound=Code)


def parse_code(enum_cls: type[C], value: str | None, message: str | LazyString, field: str) -> C:
    """The member whose code is `value`, or a ValidationFailed naming `field`.

    Services check again what forms offer."""
    if value is not None:
        try:
            return enum_cls(value)
        except ValueError:
            pass
    raise ValidationFailed(message, field=field)


def parse_optional_code(enum_cls: type[C], value: str | None, message: str | LazyString, field: str) -> C | None:
    """As parse_code, for a choice that may be left out: nothing given (None or "") is None."""
    if value in (None, ""):
        return None
    return parse_code(enum_cls, value, message, field)


def choices(members: Iterable[Code]) -> list[SelectChoice]:
    """Select options for a code list (or a subset of its members), in declaration order."""
    return [SelectChoice(member.value, member.label) for member in members]
