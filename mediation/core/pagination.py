"""Page numbers from the query string, bounded before they reach SQL (S16).

A page number becomes an OFFSET: unbounded, `?page=999999999999999999999`
overflowed SQLite's 64-bit integers and answered 500. Every paginated list
reads its page through `page_number()` (or `parse_page()` when it reports a
bad value itself), so one bound holds everywhere.
"""

from __future__ import annotations

from flask import request

# A million pages of 50 rows is far beyond any list of the product (the audit trail of 50 million
# events included), and 10**6 x 50 stays far below every database's integer limits.
MAX_PAGE = 1_000_000


def parse_page(text: object) -> int | None:
    """The page number `text` names (ASCII digits, 1 to MAX_PAGE), or None when it names none."""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_PAGE)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_PAGE else None


def page_number(name: str = "page") -> int:
    """The page the query string asks for; anything that is not a page number means the first page."""
    return parse_page(request.args.get(name, "")) or 1
