"""A larger request body for the few routes that take a file (docs/security.md, S44).

Every other request keeps MAX_CONTENT_LENGTH (1 MB): a body over the limit answers the translated 413
page before any of it is parsed. A route marked with `accepts_upload(limit)` gets `limit()` bytes instead.
The limit is applied before the CSRF check, which is the first to read the body, so `init_upload_limits`
is called before CSRFProtect is set up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request

View = TypeVar("View", bound=Callable[..., Any])


def accepts_upload(limit: Callable[[], int]) -> Callable[[View], View]:
    """Declare the largest body (in bytes, read from the configuration when the request comes) a view takes."""

    def mark(view: View) -> View:
        view.upload_limit = limit  # type: ignore[attr-defined]
        return view

    return mark


def _apply_upload_limit() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "upload_limit", None)
    if limit is not None:
        request.max_content_length = limit()


def init_upload_limits(app: Flask) -> None:
    app.before_request(_apply_upload_limit)
