"""The simulated users of `make load` (bench/load.py starts locust on this file; never imported by the app).

Each simulated user logs in once through the real login form (GET /login for the CSRF token, POST the
form, expect the redirect of a successful login), then loops over the pages its role uses. The plan
(accounts, cases, release) comes from bench/load.py in the LOAD_PLAN environment variable, as JSON.
Requests are named by page, not by URL, so that the statistics are per page whatever case is opened.
The run stops itself at LOAD_MAX_REQUESTS requests even if --run-time has not yet passed.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

import gevent
from locust import HttpUser, between, events, task

PLAN = json.loads(os.environ.get("LOAD_PLAN", "{}"))
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "0"))
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_sent = itertools.count(1)
_mediators = itertools.cycle(PLAN.get("mediators") or [{"username": "", "cases": []}])
_environment = None


@events.request.add_listener
def _stop_at_request_budget(**_kwargs) -> None:
    if MAX_REQUESTS and next(_sent) == MAX_REQUESTS:
        runner = _environment.runner if _environment else None
        if runner is not None:
            gevent.spawn(runner.quit)  # not from inside the user's own greenlet, which quit() kills


@events.init.add_listener
def _remember_environment(environment, **_kwargs) -> None:
    global _environment
    _environment = environment


class StaffUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)  # a person reading a page, not a tight loop
    username = ""

    def on_start(self) -> None:
        self.log_in(self.username)

    def log_in(self, username: str) -> None:
        form = self.client.get("/login", name="login form")
        token = CSRF_FIELD.search(form.text)
        if token is None:
            raise RuntimeError("no CSRF token on the login form")
        with self.client.post("/login", name="login (POST)", allow_redirects=False, catch_response=True,
                              data={"csrf_token": token.group(1), "username": username,
                                    "password": PLAN["password"]}) as answer:
            if answer.status_code != 302:
                answer.failure(f"login as {username} answered {answer.status_code}")

    def page(self, name: str, url: str) -> None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200:  # a redirect here would be the login page: the session was lost
                answer.failure(f"{answer.status_code}")

    def save_profile(self) -> None:
        """A save: the profile form, read then sent back (SQLite's write lock is the whole database's,
        so any save competes with every other request)."""
        form = self.client.get("/profile", name="Profile form")
        token = CSRF_FIELD.search(form.text)
        if token is None:
            raise RuntimeError("no CSRF token on the profile form")
        with self.client.post("/profile", name="Profile (save)", allow_redirects=False, catch_response=True,
                              data={"csrf_token": token.group(1), "display_name": f"Load {self.username}",
                                    "email": "", "locale": "fr"}) as answer:
            if answer.status_code != 302:
                answer.failure(f"{answer.status_code}")


class Mediator(StaffUser):
    weight = 3

    def on_start(self) -> None:
        assigned = next(_mediators)
        self.username, self.cases = assigned["username"], assigned["cases"]
        super().on_start()

    @task(3)
    def home(self) -> None:
        self.page("Home (mediator dashboard)", "/")

    @task(3)
    def case_list(self) -> None:
        self.page("Mediator's cases", "/cases/")

    @task(4)
    def case_page(self) -> None:
        self.page("Case page", f"/cases/{random.choice(self.cases)}")

    @task(2)
    def calendar(self) -> None:
        self.page("Week calendar", "/appointments/")

    @task(1)
    def save(self) -> None:
        self.save_profile()


class Supervisor(StaffUser):
    weight = 1
    username = PLAN.get("supervisor", "")

    @task(2)
    def dashboard(self) -> None:
        self.page("Supervisor dashboard", "/supervision/")

    @task(2)
    def association_cases(self) -> None:
        self.page("Association case list", "/supervision/cases")

    @task(1)
    def save(self) -> None:
        self.save_profile()


class Ministry(StaffUser):
    weight = 1
    username = PLAN.get("ministry", "")

    @task(3)
    def release(self) -> None:
        self.page("Ministry release page", f"/statistics/releases/{PLAN.get('release', '')}")

    @task(1)
    def home(self) -> None:
        self.page("Home (ministry)", "/")
