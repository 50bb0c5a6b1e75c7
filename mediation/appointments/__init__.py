"""Appointments: booking without double-booking, calendars, iCalendar feeds and e-mail reminders."""
