"""Confidential case files: intake, parties and children, screening, consent, notes, closure."""
