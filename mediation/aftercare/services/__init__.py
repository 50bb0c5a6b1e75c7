"""Post-closure follow-ups: planning and cancelling them (receivers of the case's events), recording them."""
