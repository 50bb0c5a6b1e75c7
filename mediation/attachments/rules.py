"""Limits shared by the attachment forms, services, storage and tests (docs/architecture.md, A3)."""

LABEL_MAX = 120
# Plaintext bytes per stored chunk: each is sealed on its own (docs/security.md, S45), so an upload or a
# download holds about one chunk at a time, whatever the file's size.
CHUNK_SIZE = 64 * 1024
# An image is decoded to be checked and re-encoded: beyond this many pixels it is refused before decoding
# (a small file can declare an enormous picture).
MAX_IMAGE_PIXELS = 40_000_000
# The multipart envelope and the form's other fields, on top of the file itself.
UPLOAD_OVERHEAD_BYTES = 64 * 1024
