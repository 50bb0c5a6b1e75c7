"""One court-referred couple (two parents, two children), from intake to their first joint session, in
Arabic, with every user action and page load counted (the figure of the couple journey).

What counts: each click, each field filled, each choice made (a list, a radio button, a checkbox) and each
form sent, by the mediator and by the supervisor alike, one action each; and each page the browser loads
in its main frame (a followed link, a sent form and its redirect: one load). Logging in is outside the
count for both of them, and so are the reloads that only keep the mediator's session alive while the
served application's clock moves on to the appointment. Counting starts on the mediator's home page, the
page where logging in lands.

Only what a mediator would really do: the fields the forms require and, for a family the family-justice
section sends, how it came, who referred it and the stage of the proceedings. The mother asks, and the
father and the two children are recorded on the same intake page. The mother's screening goes straight on
to the father's; his is positive (past violence), so the mediation gate stays closed and the case page
offers to ask the supervisor for a decision in one step; the supervisor finds the request on their home
page and allows mediation with staggered arrival, the mediator reads the notice, moves the case into
mediation, books the first joint session from a proposed free time and records it when it has taken
place.

The test prints one line per step, then `couple journey: N actions, M page loads`, then how the figures
stand against their budget (BUDGET: 60 actions and 15 page loads), which the test holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from mediation.appointments.models import Appointment, AppointmentParty
from mediation.cases.codes import (
    Adaptation,
    CaseStatus,
    ConsentScope,
    ConsentStatus,
    CourtStage,
    GatingIndicator,
    ParticipantRole,
    ReferralSource,
    ScreeningDecision,
    SessionType,
)
from mediation.cases.models import (
    Case,
    Consent,
    DecisionRequest,
    Participant,
    Screening,
    ScreeningDecisionRecord,
    ScreeningResult,
)
from mediation.counselling.models import CounsellingSession, SessionAttendee
from mediation.extensions import db
from tests.browser.support import flash_text, log_in, t
from tests.browser.test_mediator_journey import _working_morning

LANGUAGE = "ar"
MOTHER, FATHER = "فاطمة الزهراء القاسمي", "يوسف القاسمي"
# Each child's name and sex, in the rows of the intake page.
CHILDREN = (("آدم القاسمي", "male"), ("مريم القاسمي", "female"))
# The answers each parent gives when the privacy notice is read to them (docs/domain.md, DOM76).
CONSENTS = {"consent_mediation": "given", "consent_data_processing": "given", "consent_contact": "given",
            "consent_statistics": "given", "consent_sensitive_data": "not_asked",
            "consent_share_for_referral": "not_asked"}
NO_INDICATOR = {f"gating_{code.value}": "no" for code in GatingIndicator}
RATIONALE = "عنف سابق دون خطر حالي؛ يصل الطرفان في وقتين مختلفين."
SUMMARY = "تحدث الوالدان عن حضانة الطفلين وعن مواعيد الزيارة."
# The journey's budget: actions, page loads (printed against; asserted once the application meets it).
BUDGET = (60, 15)


@dataclass
class Step:
    name: str
    actions: int = 0
    loads: int = 0


@dataclass
class Journey:
    """Every user action goes through one of these methods, which count it; page loads are counted from
    the main frame's load events of each page watched. Only what happens inside a step counts: logging in
    and the time that passes before the appointment are outside every step."""

    app: object
    actions: int = 0
    loads: int = 0
    counting: bool = False
    steps: list[Step] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("load", lambda _page: self._loaded())

    def _loaded(self) -> None:
        if self.counting:
            self.loads += 1
            self.steps[-1].loads += 1

    def _acted(self) -> None:
        assert self.counting, "a user action outside the journey's steps"
        self.actions += 1
        self.steps[-1].actions += 1

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        self.steps.append(Step(name))
        self.counting = True
        try:
            yield
        finally:
            self.counting = False

    # The actions

    def click(self, locator) -> None:
        locator.click()
        self._acted()
        locator.page.wait_for_load_state()

    def fill(self, locator, value: str) -> None:
        locator.fill(value)
        self._acted()

    def select(self, locator, value: str) -> None:
        locator.select_option(value)
        self._acted()

    def check(self, locator) -> None:
        locator.check()
        self._acted()

    def fill_form(self, form, values: dict) -> None:
        """Each field of `values` by name, one action for each text typed, choice made or box ticked."""
        for name, value in values.items():
            fields = form.locator(f'[name="{name}"]')
            kind = fields.first.evaluate("e => e.tagName === 'SELECT' ? 'select' : (e.type || 'text')")
            if kind == "select":
                self.select(fields.first, value)
            elif kind in ("radio", "checkbox"):
                for item in value if isinstance(value, (list, tuple)) else [value]:
                    self.check(form.locator(f'[name="{name}"][value="{item}"]'))
            else:
                self.fill(fields.first, value)

    def answer_consents(self, form, prefix: str = "") -> None:
        """The consent questions the form asks of one person (sensitive_data only where it applies), each answered."""
        asked = {prefix + name: answer for name, answer in CONSENTS.items()
                 if form.locator(f'[name="{prefix}{name}"]').count()}
        assert {prefix + "consent_mediation", prefix + "consent_data_processing"} <= set(asked)
        self.fill_form(form, asked)

    # Shorthands over the page's words

    def link(self, page, msgid: str) -> None:
        """Follow a link of the page's main part by its visible text."""
        self.click(page.locator("main").get_by_role("link", name=t(self.app, LANGUAGE, msgid), exact=True).first)

    def nav(self, page, msgid: str) -> None:
        """Follow an entry of the header's main navigation."""
        self.click(page.get_by_role("navigation", name=t(self.app, LANGUAGE, "Main navigation")).get_by_role(
            "link", name=t(self.app, LANGUAGE, msgid), exact=True))

    def send(self, page, msgid: str) -> None:
        """Press the form's button; the page that answers must not be a refusal."""
        self.click(page.locator("main").get_by_role("button", name=t(self.app, LANGUAGE, msgid), exact=True))
        errors = page.locator("main .error, main .form-error, main .error-summary").all_inner_texts()
        assert not errors, f"the form was refused: {errors}"

    def report(self) -> str:
        lines = [f"step {step.name}: {step.actions} actions, {step.loads} page loads" for step in self.steps]
        return "\n".join([*lines, f"couple journey: {self.actions} actions, {self.loads} page loads"])


def _first_free_time(page) -> tuple[date, time, time]:
    """The date and times of the first free time the booking form proposes, read off its link."""
    query = parse_qs(urlsplit(page.locator("main .slot-list a").first.get_attribute("href")).query)
    return (date.fromisoformat(query["day"][0]), time.fromisoformat(query["start"][0]),
            time.fromisoformat(query["end"][0]))


def _keep_working_until_after(page, frozen_clock, end) -> None:
    """The served application's clock moves on past the appointment's end, twenty minutes at a time, the
    mediator's page reloaded at each step as at work (the session's idle limit is 30 minutes). Called
    between two steps of the journey: not counted."""
    while frozen_clock.now() < end + timedelta(minutes=5):
        frozen_clock.advance(minutes=min(20, (end + timedelta(minutes=5) - frozen_clock.now()).total_seconds() / 60))
        page.reload()


def test_a_court_referred_couple_from_intake_to_the_first_joint_session(served_app, new_page, frozen_clock):
    app = served_app
    # A morning of its own: the mediator journeys book the same mediator's mornings of the next two working days.
    frozen_clock.set(_working_morning(later=3), ticking=True)
    journey = Journey(app)
    mediator = new_page(1280, 900)
    journey.watch(mediator)
    log_in(mediator, app, "mediator.a1", LANGUAGE)

    with journey.step("intake"):
        journey.link(mediator, "Open a case")  # from the mediator's day, where logging in lands
        form = mediator.locator("main form").last
        # The mother asks; a mother's sex is not asked again (docs/domain.md, DOM103).
        journey.fill_form(form, {
            "intake_channel": "referral_letter", "referral_source": "family_court", "issues": ["custody", "visitation"],
            "court_stage": "pending", "immediate_danger": "no", "full_name": MOTHER, "requesting_role": "mother",
            "contact_allowed": "yes"})
        journey.answer_consents(form)
        # The father, on the same page: the other parent of a mother (DOM103), so neither role nor sex is asked.
        journey.fill_form(form, {"other-full_name": FATHER, "other-contact_allowed": "yes"})
        journey.answer_consents(form, prefix="other-")
        for number, (name, sex) in enumerate(CHILDREN):
            journey.fill_form(form, {f"children-{number}-full_name": name, f"children-{number}-sex": sex})
        journey.send(mediator, "Open the case")
        reference = mediator.locator("main h1").inner_text().strip()
        assert reference.startswith("RBT-01-")

    with journey.step("screenings"):
        # Each parent is met alone; the page goes on from the mother's screening to the father's (DOM104).
        journey.click(mediator.locator("#safety tr", has_text=MOTHER).get_by_role(
            "link", name=t(app, LANGUAGE, "Record a screening")))
        journey.fill_form(mediator.locator("main form").last, {"violence": "none", **NO_INDICATOR})
        journey.click(mediator.locator("main").get_by_role("button", name=t(
            app, LANGUAGE, "Save and screen %(name)s") % {"name": FATHER}, exact=True))
        assert FATHER in mediator.locator("main").inner_text()
        journey.fill_form(mediator.locator("main form").last, {"violence": "past", **NO_INDICATOR})
        journey.send(mediator, "Save")
        # The first screening began the assessment: the case page shows what the gate waits for.
        assert mediator.locator("main #status h2").inner_text().endswith(t(app, LANGUAGE, "Assessment"))

    with journey.step("request"):
        gate = mediator.locator("main #safety").inner_text()
        assert t(app, LANGUAGE, "A positive screening needs a later supervisor decision to proceed.") in gate
        journey.send(mediator, "Ask the supervisor for a decision")
        assert t(app, LANGUAGE, "Your request has been sent to the supervisors.") in flash_text(mediator)

    supervisor = new_page(1280, 900)
    journey.watch(supervisor)
    log_in(supervisor, app, "supervisor.a", LANGUAGE)
    with journey.step("supervisor decides"):
        waiting = supervisor.locator("#waiting li", has_text=reference)
        assert t(app, LANGUAGE, "Decision requested by its staff") in waiting.inner_text()
        journey.click(waiting.get_by_role("link", name=t(app, LANGUAGE, "Record a decision")))
        assert supervisor.locator('main [data-request]').count() == 1  # the request, shown where one decides
        form = supervisor.locator("main form").last
        journey.fill_form(form, {"decision": "proceed_with_adaptations", "adaptations": ["staggered_arrival"],
                                 "rationale": RATIONALE})
        journey.send(supervisor, "Save")
        assert t(app, LANGUAGE, "The decision has been recorded.") in flash_text(supervisor)

    with journey.step("notice and mediation"):
        journey.nav(mediator, "Home")
        notice = mediator.locator('#waiting-on-you li[data-notice-kind="decision"]', has_text=reference)
        journey.click(notice.get_by_role("link", name=reference))
        journey.send(mediator, "Move into mediation")
        assert mediator.locator("main #status h2").inner_text().endswith(t(app, LANGUAGE, "In mediation"))

    with journey.step("booking"):
        journey.link(mediator, "Book an appointment")
        form = mediator.locator("main form").last
        journey.select(form.locator('[name="session_type"]'), "joint_mediation")
        # The first of the mediator's free times the page lists: one click fills the date, the times and a
        # room free for all of it, without loading the page (docs/domain.md, DOM100). The time is as long
        # as the staggered parties need, each arriving and leaving half an hour after the other: an hour's
        # meeting and half an hour before and after it (docs/domain.md, DOM68).
        day, start, end = _first_free_time(mediator)
        journey.click(mediator.locator("main .slot-list a").first)
        assert [form.locator(f'[name="{name}"]').input_value() for name in ("day", "start", "end")] == [
            day.isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M")]
        assert form.locator('[name="room_id"]').input_value(), "a free room comes with the time"
        # Both parents are invited already: the case is in mediation, its decision keeps them apart only at
        # the door (docs/domain.md, DOM105).
        assert all(form.get_by_label(parent, exact=False).is_checked() for parent in (MOTHER, FATHER))
        journey.send(mediator, "Book the appointment")
        appointment_id = uuid.UUID(mediator.url.rstrip("/").split("/")[-1])

    with app.app_context():
        ends = db.session.scalar(select(Appointment.end_utc).where(Appointment.public_id == appointment_id))
    _keep_working_until_after(mediator, frozen_clock, ends)

    with journey.step("session"):
        journey.click(mediator.get_by_role("button", name=t(app, LANGUAGE, "It took place")))
        assert "/sessions/new" in mediator.url
        journey.fill_form(mediator.locator("main form").last, {"summary": SUMMARY})
        journey.send(mediator, "Save the session")

    print()
    print(journey.report())
    print(_against_the_budget(journey))
    _assert_everything_is_recorded(app, reference, appointment_id)
    # The counter saw every step: each one took actions and loaded pages.
    assert all(step.actions and step.loads for step in journey.steps), journey.report()
    # Held to the budget (77 actions and 24 page loads when this test was first written, 131 and 32 by hand
    # before that); the step lines above say where the actions go.
    assert journey.actions <= BUDGET[0] and journey.loads <= BUDGET[1], _against_the_budget(journey)


def _against_the_budget(journey: Journey) -> str:
    actions_max, loads_max = BUDGET
    if journey.actions <= actions_max and journey.loads <= loads_max:
        return f"within the budget of {actions_max} actions and {loads_max} page loads"
    return (f"over the budget of {actions_max} actions and {loads_max} page loads by "
            f"{max(0, journey.actions - actions_max)} actions and {max(0, journey.loads - loads_max)} page loads")


def _assert_everything_is_recorded(app, reference: str, appointment_id: uuid.UUID) -> None:
    """The case in mediation with its four people, the parents' consents and screenings, the request
    answered by the decision, and one joint session held for the appointment, both parents present."""
    with app.app_context():
        session = db.session
        case = session.scalar(select(Case).where(Case.reference == reference))
        assert case.status is CaseStatus.IN_MEDIATION
        assert (case.referral_source, case.court_stage) == (ReferralSource.FAMILY_COURT, CourtStage.PENDING)
        people = {p.person.full_name: p for p in session.scalars(select(Participant).where(
            Participant.case_id == case.id, Participant.active))}
        assert set(people) == {MOTHER, FATHER, *(name for name, _sex in CHILDREN)}
        assert [people[MOTHER].role, people[FATHER].role] == [ParticipantRole.MOTHER, ParticipantRole.FATHER]
        assert all(people[name].role is ParticipantRole.CHILD for name, _sex in CHILDREN)
        # The parents' sexes their roles implied, the children's as chosen (docs/domain.md, DOM103).
        assert {name: p.person.sex.value for name, p in people.items()} == {
            MOTHER: "female", FATHER: "male", **dict(CHILDREN)}
        parents = [people[MOTHER].id, people[FATHER].id]
        consents = set(session.execute(select(Consent.participant_id, Consent.scope, Consent.status).where(
            Consent.participant_id.in_(parents))).all())
        for parent in parents:
            for scope in (ConsentScope.MEDIATION, ConsentScope.DATA_PROCESSING, ConsentScope.CONTACT,
                          ConsentScope.STATISTICS):
                assert (parent, scope, ConsentStatus.GIVEN) in consents
        results = dict(session.execute(select(Screening.participant_id, Screening.result).where(
            Screening.participant_id.in_(parents))).all())
        assert results == {people[MOTHER].id: ScreeningResult.NEGATIVE, people[FATHER].id: ScreeningResult.POSITIVE}
        decision = session.scalar(select(ScreeningDecisionRecord).where(ScreeningDecisionRecord.case_id == case.id))
        assert decision.decision is ScreeningDecision.PROCEED_WITH_ADAPTATIONS
        assert decision.adaptation_codes == [Adaptation.STAGGERED_ARRIVAL.value]
        request = session.scalar(select(DecisionRequest).where(DecisionRequest.case_id == case.id))
        assert request.decision_id == decision.id and not request.is_open
        appointment = session.scalar(select(Appointment).where(Appointment.public_id == appointment_id))
        assert appointment.case_id == case.id and appointment.status.value == "held"
        assert appointment.duration_min == 120 and appointment.room_id is not None  # as proposed (DOM68, DOM100)
        invited = dict(session.execute(select(AppointmentParty.participant_id, AppointmentParty.arrives_at).where(
            AppointmentParty.appointment_id == appointment.id)).all())
        assert set(invited) == set(parents)
        assert invited[people[FATHER].id] > invited[people[MOTHER].id]  # staggered: each their own arrival
        held = session.scalars(select(CounsellingSession).where(CounsellingSession.case_id == case.id)).all()
        assert [(s.type, s.appointment_id, s.is_void) for s in held] == [
            (SessionType.JOINT_MEDIATION, appointment.id, False)]
        assert session.scalar(select(func.count()).select_from(SessionAttendee).where(
            SessionAttendee.session_id == held[0].id, SessionAttendee.participant_id.in_(parents))) == 2
        assert held[0].summary == SUMMARY
