"""Retention of personal data: when records expire, and the job that anonymises or deletes them."""
