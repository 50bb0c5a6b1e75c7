"""Free text as the services accept it: trimmed, within its limit, blank meaning absent."""

from __future__ import annotations

from typing import Literal, overload

from flask_babel import lazy_gettext as _l

from mediation.core.errors import ValidationFailed


@overload
def bounded_text(value: str | None, field: str, limit: int, *, required: Literal[True]) -> str: ...
@overload
def bounded_text(value: str | None, field: str, limit: int, *, required: bool = False) -> str | None: ...
def bounded_text(value: str | None, field: str, limit: int, *, required: bool = False) -> str | None:
    """The trimmed text, or None when blank; refused, naming `field`, when longer than `limit` or
    blank but `required`. Forms check the same limits first; a service checks again."""
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationFailed(_l("This field is required."), field=field)
        return None
    if len(text) > limit:
        raise ValidationFailed(_l("Use at most %(max)d characters.", max=int(limit)), field=field)
    return text
