"""Read models of the supervision pages: every figure counted in SQL."""
