"""Counselling routes: the staff member's own work  and marking a follow-up action done.

The range form lives here rather than in forms/: it is a GET filter of two
dates, used by this page only.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import Length, ValidationError

from mediation.cases.models import Case
from mediation.cases.policies import visible_cases
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.forms import BaseForm
from mediation.core.security import safe_next
from mediation.core.views import render_viewed, submit
from mediation.counselling import queries
from mediation.counselling.models import FollowUpAction
from mediation.counselling.policies import can_mark_done
from mediation.counselling.routes import bp
from mediation.counselling.services import follow_up
from mediation.extensions import db

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
MAX_RANGE_DAYS = 366


def _parse(text: str | None) -> date | None:
    if not text:
        return None
    if not ISO_DATE.match(text):
        raise ValueError(text)
    value = date.fromisoformat(text)
    if not EARLIEST <= value <= LATEST:
        raise ValueError(text)
    return value


def _valid_date(form, field) -> None:
    try:
        _parse(field.data)
    except ValueError:
        raise ValidationError(_l("Enter a date as YYYY-MM-DD between 2000 and 2100.")) from None


class WorkRangeForm(BaseForm):
    class Meta:
        csrf = False  # a GET filter of two dates: nothing personal travels in the URL

    date_from = StringField(_l("From"), name="from", validators=[Length(max=10), _valid_date],
                            render_kw={"type": "date"})
    date_to = StringField(_l("To"), name="to", validators=[Length(max=10), _valid_date],
                          render_kw={"type": "date"})

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        first, last = self.range(clock.today())
        if first > last:
            self.date_to.errors.append(_l("The end of the period comes before its start."))
            return False
        if (last - first).days >= MAX_RANGE_DAYS:
            self.date_to.errors.append(_l("Choose a period of at most one year."))
            return False
        return True

    def range(self, today: date) -> tuple[date, date]:
        """The chosen days; by default the current month (local time)."""
        first_of_month = today.replace(day=1)
        next_month = (first_of_month + timedelta(days=32)).replace(day=1)
        first = _parse(self.date_from.data) or first_of_month
        last = _parse(self.date_to.data) or (next_month - timedelta(days=1))
        return first, last


@bp.route("/my-work")
@require(Permission.CASE_VIEW)
def my_work():
    form = WorkRangeForm(request.args)
    today = clock.today()
    status = 200
    if form.validate():
        first, last = form.range(today)
        work = queries.my_work(db.session, current_user, first, last, today)
    else:
        first = last = None
        work = None
        status = 422
    actions = work.actions if work else queries.open_actions(db.session, current_user, today)
    cases = work.cases if work else _cases_of(actions)
    return render_viewed("counselling/my_work.html", entity="my_work", entity_id=current_user.public_id,
                         status=status, form=form, work=work, first=first, last=last,
                         actions=actions, cases=cases, today=today)


def _cases_of(actions) -> dict[int, Case]:
    ids = {action.case_id for action in actions}
    return {case.id: case for case in db.session.scalars(select(Case).where(Case.id.in_(ids)))} if ids else {}


@bp.route("/follow-up-actions/<uuid:action_id>/done", methods=["POST"])
@require(Permission.CASE_EDIT)
def follow_up_done(action_id):
    visible = visible_cases(current_user).with_only_columns(Case.id)
    action = db.one_or_404(select(FollowUpAction).where(FollowUpAction.public_id == action_id,
                                                        FollowUpAction.case_id.in_(visible)))
    case = db.session.get(Case, action.case_id)
    if not can_mark_done(current_user, case, action):
        abort(403)
    return submit(None, lambda: follow_up.mark_done(db.session, case, action, on=clock.today(), actor=current_user),
                  success=_("The follow-up action is marked done."),
                  done=lambda _result: redirect(safe_next(request.form.get("next")) or url_for("counselling.my_work")))
