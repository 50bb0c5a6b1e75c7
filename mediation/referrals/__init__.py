"""Referrals out: a participant sent to another service, the data shared with it, and the safeguarding exception."""
