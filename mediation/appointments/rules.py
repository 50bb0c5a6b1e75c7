"""Limits and shapes the appointments forms, services and queries share: a form checks them first, the
service again; a feed token is issued by a service and looked up by a query."""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app

CANCEL_REASON_MAX = 2_000
LABEL_MAX = 200
LINK_MAX = 500

TOKEN_BYTES = 32  # 256 bits (docs/security.md, S20)
# secrets.token_urlsafe(32) is 43 URL-safe characters; anything else is not ours
# and is refused before hashing or querying.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def hash_token(token: str) -> bytes:
    """What is stored of a feed token, and what a lookup compares (docs/security.md, S23)."""
    return hmac.new(current_app.config["FEED_PEPPER"], token.encode(), hashlib.sha256).digest()
