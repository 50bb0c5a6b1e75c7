"""Documents the application produces for a party or the court: print-ready pages and their PDF."""
