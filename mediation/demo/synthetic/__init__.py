"""A synthetic national-scale population for benchmarks (issue 9): see loader.py."""
