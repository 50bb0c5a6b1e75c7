"""Anonymous statistics for the ministry: the fixed catalogue, disclosure control, frozen releases.

Read docs/statistics.md: it describes the method this package implements.
"""
