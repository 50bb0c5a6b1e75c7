"""A 10 MB document goes in and out without the worker holding it: the peak of traced memory grows by less
than 3 MB above the chunk size, on the upload and on the download (docs/security.md, S45), on both backends:
the object store is sent and read one sealed chunk per object (S78), its server running in another process."""

from __future__ import annotations

import io
import tracemalloc

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import EnvironBuilder, encode_multipart

from mediation.attachments.rules import CHUNK_SIZE
from tests.attachments.helpers import download_url, minimal_pdf, newest, upload

LIMIT = 3 * 1024 * 1024 + CHUNK_SIZE


def _peak_growth(action) -> int:
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - baseline


@pytest.mark.slow
def test_a_ten_megabyte_document_is_streamed_in_and_out(app, login_as, cases, backend):
    client = login_as("mediator_a1")
    # A first small document: what is made once per worker (the object store's client) is not measured.
    warm_up = minimal_pdf()
    assert upload(client, cases.own, warm_up).status_code == 302
    assert client.get(download_url(cases.own, newest(app).public_id)).get_data() == warm_up
    pdf = minimal_pdf(padding=10 * 1024 * 1024 - 8192)
    assert 9.9 * 1024 * 1024 < len(pdf) <= 10 * 1024 * 1024
    boundary, body = encode_multipart({
        "kind": "court_order", "label": "Jugement", "document_date": "2026-11-20", "visibility": "case_staff",
        "file": FileStorage(io.BytesIO(pdf), filename="big.pdf", content_type="application/pdf")})
    # The request is built before measuring: its body is the test's memory, not the worker's.
    environ = EnvironBuilder(f"/cases/{cases.own}/attachments/new", method="POST", input_stream=io.BytesIO(body),
                             content_length=len(body),
                             content_type=f"multipart/form-data; boundary={boundary}").get_environ()
    responses = []
    growth = _peak_growth(lambda: responses.append(client.open(environ)))
    assert responses[0].status_code == 302, responses[0].get_data(as_text=True)[-500:]
    assert growth < LIMIT, f"upload: {growth} bytes"
    attachment = newest(app)
    assert attachment.size == len(pdf)
    assert attachment.storage.value == ("database" if backend is None else "object_store")

    received = {"bytes": 0, "head": b"", "tail": b""}

    def download() -> None:
        response = client.get(download_url(cases.own, attachment.public_id), buffered=False)
        for piece in response.response:
            received["bytes"] += len(piece)
            received["head"] = received["head"] or bytes(piece[:8])
            received["tail"] = bytes(piece[-8:])
        response.close()

    growth = _peak_growth(download)
    assert received == {"bytes": len(pdf), "head": pdf[:8], "tail": pdf[-8:]}
    assert growth < LIMIT, f"download: {growth} bytes"
