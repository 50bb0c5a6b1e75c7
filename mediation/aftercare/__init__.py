"""Post-closure follow-up: the checks at 1, 3 and 6 months that an agreement holds (docs/domain.md, DOM93-DOM97).

Not the counselling's follow-up actions (things to do while a case is open): these are planned when a case
closes with an agreement or a reconciliation, and named "post-closure follow-up" on every screen.
"""
