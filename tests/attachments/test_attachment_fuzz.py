"""Generated input on the upload form: a saved document or a 422 with messages, never a 500, nothing stored
on a refusal, no markup echoed (docs/security.md, S44)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tests.attachments.helpers import counts, image_bytes, minimal_pdf, upload
from tests.strategies import FUZZ, SCRIPT, extra_fields, nasty_strings, sometimes_from

nasty = nasty_strings(200, short_size=40, repeated="و", repeats=(110, 400))
sometimes = sometimes_from(nasty)
days = st.one_of(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)).map(date.isoformat),
                 st.sampled_from(["", "2026-02-30", "31/12/2026", "\x00"]), st.text(max_size=12))
PDF = minimal_pdf()
PNG = image_bytes("PNG")
contents = st.one_of(
    st.binary(max_size=2_000),
    st.sampled_from([PDF, PNG, b"", b"%PDF-", PNG[:40], PDF[:-7], b"\xff\xd8\xff" + b"\x00" * 50]),
    st.builds(lambda head, tail: head + tail, st.sampled_from([b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"]),
              st.binary(max_size=500)),
)


@FUZZ
@given(kind=sometimes("court_order", "signed_agreement", "other"), label=nasty, document_date=days,
       visibility=sometimes("case_staff", "psychologists"), content=contents,
       name=st.sampled_from(["scan.pdf", "a.png", "x.html", "", "../../etc/passwd", "صورة.jpg"]),
       mimetype=st.sampled_from(["application/pdf", "image/png", "text/html", "image/svg+xml", ""]),
       extra=extra_fields)
def test_generated_uploads(app, login_as, cases, kind, label, document_date, visibility, content, name, mimetype,
                           extra):
    client = login_as("mediator_a1")
    before = counts(app)
    response = upload(client, cases.own, content, name=name, mimetype=mimetype or "application/octet-stream",
                      lang="ar", **{**extra, "kind": kind, "label": label, "document_date": document_date,
                                    "visibility": visibility})
    body = response.get_data(as_text=True)
    assert response.status_code in (302, 422), response.status_code
    assert SCRIPT not in body
    if response.status_code == 422:
        assert counts(app) == before, "nothing stored"
        assert 'role="alert"' in body, "the refusal says why"
    else:
        assert content in (PDF, PNG) and counts(app)[0] == before[0] + 1
