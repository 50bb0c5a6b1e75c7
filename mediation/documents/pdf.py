"""The PDF of a produced document: the same HTML, laid out by WeasyPrint (docs/domain.md, DOM157).

WeasyPrint shapes Arabic and lays out right-to-left text through Pango and HarfBuzz, system libraries that
a server may lack. Without them the print-ready page still works and the PDF button says why (DOM157). The
layout reads only the application's own static files (the stylesheet and the shipped fonts): any other
address is refused, so that nothing is fetched from outside the server.
"""

from __future__ import annotations

import functools
from pathlib import Path
from types import ModuleType
from urllib.parse import urlparse
from urllib.request import url2pathname

from flask import current_app
from flask_babel import lazy_gettext as _l

UNAVAILABLE = _l("The PDF cannot be produced on this server: the libraries WeasyPrint needs (Pango, HarfBuzz) "
                 "are not installed. Print this page from the browser instead; the deployment notes say how to "
                 "install them.")


@functools.cache
def _weasyprint() -> ModuleType | None:
    try:
        import weasyprint
    except (ImportError, OSError):  # OSError: the package is there, its system libraries are not
        return None
    # Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES, under which a truncated upload
    # would pass the attachments' content check (docs/security.md, S44) in every later request of this
    # worker. The documents hold no image: the flag goes back to Pillow's default.
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return weasyprint


def available() -> bool:
    return _weasyprint() is not None


def static_root() -> Path:
    return Path(current_app.static_folder or "").resolve()


def _fetcher(weasyprint: ModuleType, root: Path):
    """A URL fetcher that reads files under `root` and refuses every other address (docs/security.md, S73)."""

    class StaticOnly(weasyprint.URLFetcher):  # type: ignore[name-defined,misc]
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            path = Path(url2pathname(parsed.path)).resolve()
            if parsed.scheme != "file" or not path.is_relative_to(root):
                raise ValueError("only the application's static files are read")
            return super().fetch(url, headers)

    return StaticOnly()


def static_fetcher():
    weasyprint = _weasyprint()
    if weasyprint is None:
        raise RuntimeError("WeasyPrint is not available")
    return _fetcher(weasyprint, static_root())


def render_pdf(html: str) -> bytes:
    weasyprint = _weasyprint()
    if weasyprint is None:
        raise RuntimeError("WeasyPrint is not available")
    document = weasyprint.HTML(string=html, base_url=static_root().as_uri() + "/", url_fetcher=static_fetcher())
    return document.write_pdf()
