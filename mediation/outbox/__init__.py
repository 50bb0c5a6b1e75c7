"""The outbox: e-mail and SMS queued with the change that causes them, and delivered exactly once by a worker.

A foundation package (docs/architecture.md, A1): features queue messages here; it imports from core only.
"""
