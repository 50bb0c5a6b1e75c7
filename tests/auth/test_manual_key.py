"""The manual second-factor key in a right-to-left page: read left to right, in groups of four that never
break inside (docs/security.md, S1)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.auth.helpers import user_named
from tests.conftest import PASSWORD, login

CSS = Path(__file__).resolve().parents[2] / "mediation" / "static" / "css" / "app.css"


class Key(HTMLParser):
    """The <code class="secret"> element: its attributes, and each group (a child element) with its own."""

    def __init__(self):
        super().__init__()
        self.key: dict | None = None
        self.groups: list[tuple[dict, str]] = []
        self.loose = ""  # text directly in the key, between the groups
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "code" and "secret" in (attrs.get("class") or "").split():
            self.key, self.depth = attrs, 1
        elif self.depth:
            self.depth += 1
            self.groups.append((attrs, ""))

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth == 2:
            attrs, text = self.groups[-1]
            self.groups[-1] = (attrs, text + data)
        elif self.depth == 1:
            self.loose += data


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_each_group_of_the_key_is_a_left_to_right_unbreakable_unit(app, client, world, language):
    login(client, "mediator.a1")
    client.post("/profile/second-factor", data={"action": "start", "confirm-password": PASSWORD})
    page = client.get(f"/profile/second-factor?lang={language}").get_data(as_text=True)
    secret = user_named(app, "mediator.a1").totp_pending_secret
    key = Key()
    key.feed(page)
    assert key.key is not None and key.key.get("dir") == "ltr"  # the whole key, even in Arabic
    assert [text for _attrs, text in key.groups] == [secret[i:i + 4] for i in range(0, len(secret), 4)]
    for attrs, text in key.groups:
        assert attrs.get("dir") == "ltr", text
        assert "nowrap" in (attrs.get("class") or "").split(), text
    assert key.loose.strip() == ""  # only spaces between the groups: the key wraps there and nowhere else


def _rule(selector: str) -> str:
    found = re.search(rf"(?m)^{re.escape(selector)}\s*\{{([^}}]*)\}}", CSS.read_text(encoding="utf-8"))
    assert found, f"no rule for {selector} in app.css"
    return found.group(1)


def test_the_style_keeps_the_groups_whole():
    assert re.search(r"white-space:\s*nowrap", _rule(".nowrap"))
    secret = _rule(".secret")
    assert "break-all" not in secret and "anywhere" not in secret  # which would break inside a group
    assert not re.search(r"\b(left|right)\b", secret)  # logical properties only
