"""Case-file services, one module per subject: intake, parties, safety, notes, closure."""
