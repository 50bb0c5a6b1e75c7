"""Demo data so a newcomer sees a living product. Refused in production."""
