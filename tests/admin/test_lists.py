"""Association and staff lists: each role sees its own scope, filtered in SQL."""

from __future__ import annotations

from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.accounts.policies import visible_staff
from mediation.extensions import db


def usernames_in(page: str, world) -> set[str]:
    return {name for name in world.usernames.values() if f">{name}<" in page}


def test_admin_sees_every_account_and_association(login_as, world):
    client = login_as("admin")
    staff = client.get("/admin/staff").get_data(as_text=True)
    assert usernames_in(staff, world) == set(world.usernames.values())
    associations = client.get("/admin/associations").get_data(as_text=True)
    assert "جمعية أ" in associations and "جمعية ب" in associations
    assert "الرباط سلا القنيطرة" in associations  # short Arabic region label, without «جهة»


def test_supervisor_sees_only_their_association_staff(login_as, world):
    client = login_as("supervisor_a")
    staff = client.get("/admin/staff").get_data(as_text=True)
    assert usernames_in(staff, world) == {"supervisor.a", "mediator.a1", "mediator.a2"}


def test_visible_staff_equals_the_allowed_set_for_every_role(app, world):
    with app.app_context():
        users = db.session.scalars(select(StaffUser)).all()
        for user in users:
            visible = {u.id for u in db.session.scalars(visible_staff(user))}
            if user.role == "admin":
                expected = {u.id for u in users}
            elif user.role == "supervisor":
                expected = {u.id for u in users if u.association_id == user.association_id}
            else:
                expected = set()
            assert visible == expected, user.username


def test_home_counts_link_to_the_lists(login_as, world):
    """The administrator's home counts; a supervisor's home is their day, and the lists are in the menu."""
    page = login_as("admin").get("/").get_data(as_text=True)
    assert 'href="/admin/staff"' in page and 'href="/admin/associations"' in page
    assert 'href="/admin/staff"' in login_as("supervisor_b").get("/").get_data(as_text=True)


def test_ministry_home_says_no_release_yet(login_as):
    page = login_as("ministry").get("/?lang=en").get_data(as_text=True)
    assert "No statistics release has been published yet." in page
