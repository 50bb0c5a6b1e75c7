"""Anonymous statistics for the ministry: the fixed catalogue, disclosure control, frozen releases (issue 8).

Read ../shared/design/STATISTICS.md: it is the specification this package implements.
"""
