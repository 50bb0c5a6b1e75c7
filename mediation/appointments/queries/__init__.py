"""Read models of the appointments (docs/architecture.md, A3), one module per subject, named as the services
whose pages they serve: the calendars, attendance counts, the booking form's choices, feeds, reminders, rooms."""
