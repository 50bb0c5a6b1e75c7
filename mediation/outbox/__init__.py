"""The outbox: e-mail queued with the change that causes it, and delivered exactly once by a worker.

A foundation package (docs/architecture.md, A1): features queue messages here; it imports from core only.
"""
