"""The header navigation: an entry shows when its page exists and the role may open it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from mediation.core.authz import Permission


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object
    permission: Permission


NAVIGATION = (
    # Staff land on their day (the worklist); the other roles on their summary.
    NavEntry("main.home", _l("Home"), Permission.HOME),
    NavEntry("cases.index", _l("Cases"), Permission.CASE_VIEW),
    NavEntry("counselling.my_work", _l("My work"), Permission.CASE_VIEW),
    NavEntry("appointments.calendar", _l("Calendar"), Permission.APPOINTMENT_VIEW),
    NavEntry("groups.index", _l("Parenting groups"), Permission.GROUP_VIEW),
    NavEntry("supervision.dashboard", _l("Caseload"), Permission.DASHBOARD_VIEW),
    NavEntry("statistics.releases", _l("Statistics"), Permission.RELEASE_VIEW),
    NavEntry("statistics.own_report", _l("Activity report"), Permission.OWN_REPORT_VIEW),
    # The data-subject request register, which links to the retention page.
    NavEntry("subject_requests.index", _l("Data protection"), Permission.SUBJECT_REQUEST_MANAGE),
    NavEntry("admin.associations", _l("Associations"), Permission.ASSOCIATION_VIEW),
    NavEntry("admin.service_points", _l("Service points"), Permission.SERVICE_POINT_MANAGE),
    NavEntry("admin.staff", _l("Staff accounts"), Permission.STAFF_VIEW),
    NavEntry("sms_templates.index", _l("SMS texts"), Permission.SMS_TEMPLATE_MANAGE),
    NavEntry("audit.events", _l("Audit trail"), Permission.AUDIT_VIEW),
)


def entries_for(user) -> list[NavEntry]:
    if not user.is_authenticated:
        return []
    return [
        entry
        for entry in NAVIGATION
        if entry.endpoint in current_app.view_functions and user.has(entry.permission)
    ]
