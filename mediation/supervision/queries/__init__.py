"""Read models of the supervision pages: every figure counted in SQL (issue 7 item 6)."""
