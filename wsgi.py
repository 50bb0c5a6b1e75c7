"""Entry point for gunicorn and `flask --app wsgi ...`."""

from mediation import create_app

app = create_app()
