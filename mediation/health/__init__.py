"""Liveness probe for load balancers and monitoring."""
