"""A synthetic national-scale population for benchmarks: see loader.py."""
