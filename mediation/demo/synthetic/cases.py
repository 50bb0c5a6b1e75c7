"""One synthetic case file: the case, its issues and assignment, its people (parties and
children, encrypted, with their blind indexes and name tokens), screening, consents, status history,
notes, supervision reviews and closure; its sessions and appointments come from timeline.py.

The life of a case is drawn first (when it opened, how far it went, whether and when it
closed), then everything else is dated inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mediation.cases.codes import (
    AgeBand,
    AgreementLevel,
    CaseStatus,
    ChildLivesWith,
    ConsentScope,
    CourtStage,
    IntakeChannel,
    NoteVisibility,
    Outcome,
    ParticipantRole,
    PreferredLanguage,
    ReferralDestination,
    ReferralSource,
    ScreeningDecision,
    Sex,
    ViolenceLevel,
    age_band,
)
from mediation.cases.identity import PersonData, person_indexes
from mediation.cases.models import AssignmentRole, ScreeningResult
from mediation.core.authz import Profession
from mediation.core.crypto import blind_index, name_tokens
from mediation.demo.synthetic import vocabulary as text
from mediation.demo.synthetic.context import Context, Diary, utc
from mediation.demo.synthetic.draws import Weighted, stat_key
from mediation.demo.synthetic.outcomes import write_agreement, write_follow_ups, write_referral
from mediation.demo.synthetic.population import AssociationPlan, Mediator
from mediation.demo.synthetic.spread import child_ages, draw_issues
from mediation.demo.synthetic.timeline import CaseFacts, consent_row, session_count, write_timeline
from mediation.supervision.codes import SupervisionDecision, SupervisionTrigger

W = Weighted
CHANNELS = W(((IntakeChannel.WALK_IN, 50), (IntakeChannel.PHONE, 25), (IntakeChannel.REFERRAL_LETTER, 15),
              (IntakeChannel.ONLINE, 5), (IntakeChannel.OUTREACH, 5)))
SOURCES = W(tuple((source, 30 if source is ReferralSource.SELF else 20 if source is ReferralSource.FAMILY_COURT
                   else 5) for source in ReferralSource))
STAGES = W(((CourtStage.NONE, 65), (CourtStage.PRE_ACTION, 15), (CourtStage.PENDING, 15),
            (CourtStage.POST_JUDGMENT, 5)))
LANGUAGES = W(((PreferredLanguage.AR, 55), (PreferredLanguage.ARY, 25), (PreferredLanguage.FR, 10),
               (PreferredLanguage.ZGH, 10)))
LIVES_WITH = W(((ChildLivesWith.MOTHER, 60), (ChildLivesWith.FATHER, 12), (ChildLivesWith.BOTH, 20),
                (ChildLivesWith.OTHER_RELATIVE, 6), (ChildLivesWith.OTHER, 2)))
MEDIATION_OUTCOMES = W(((Outcome.AGREEMENT_FULL, 30), (Outcome.AGREEMENT_PARTIAL, 15), (Outcome.RECONCILIATION, 10),
                        (Outcome.NO_AGREEMENT, 15), (Outcome.PARTY_WITHDREW, 10), (Outcome.LOST_CONTACT, 8),
                        (Outcome.TERMINATED_SAFETY, 2), (Outcome.REFERRED_TO_JUSTICE, 5),
                        (Outcome.REFERRED_OTHER_SERVICE, 5)))
COUNSELLING_OUTCOMES = W(((Outcome.COUNSELLING_COMPLETED, 60), (Outcome.PARTY_WITHDREW, 15),
                          (Outcome.LOST_CONTACT, 15), (Outcome.REFERRED_OTHER_SERVICE, 10)))
EARLY_OUTCOMES = W(((Outcome.OTHER_PARTY_DECLINED, 35), (Outcome.NOT_SUITABLE, 20), (Outcome.PARTY_WITHDREW, 25),
                    (Outcome.LOST_CONTACT, 15), (Outcome.OPENED_IN_ERROR, 5)))
AGREEMENTS = {Outcome.AGREEMENT_FULL: AgreementLevel.FULL, Outcome.AGREEMENT_PARTIAL: AgreementLevel.PARTIAL}
REFERRALS = {Outcome.REFERRED_TO_JUSTICE: ReferralDestination.FAMILY_COURT,
             Outcome.REFERRED_OTHER_SERVICE: ReferralDestination.LISTENING_CENTRE}
POSITIVE_ITEMS = ("violence_type.psychological", "gating_indicator.fear_of_other_party")
MIN_CHILD_HEARING_AGE = 10


@dataclass
class Life:
    """How far a case went: its statuses in order (after intake) and, if closed, when."""

    path: list[tuple[CaseStatus, date]]
    last_day: date
    closed_on: date | None
    long_case: bool
    work: CaseStatus  # in mediation, or in counselling when there is no other party


def draw_life(ctx: Context, opened_on: date, work: CaseStatus, has_other: bool) -> Life:
    draws, today = ctx.draws, ctx.today
    long_case = draws.chance(0.01)
    duration = draws.between(120, 420) if long_case else 10 + int(190 * draws.random() ** 1.5)
    end = opened_on + timedelta(days=duration)
    stalled = draws.chance(0.04)
    closed = end < today and not stalled
    last = end if closed else today - timedelta(days=1)
    last = max(last, opened_on)
    span = (last - opened_on).days
    reach = 3 if (not closed and span > 30) else 2 if span > 14 else 1
    if closed:
        reach = W(((1, 10), (2, 15), (3, 75))).pick(draws) if span > 14 else 1
    if work is CaseStatus.IN_MEDIATION and not has_other and reach == 3:
        work = CaseStatus.IN_COUNSELLING
    path = []
    if reach >= 2:
        path.append((CaseStatus.ASSESSMENT, opened_on + timedelta(days=span // 10)))
    if reach >= 3:
        path.append((work, opened_on + timedelta(days=span // 4)))
        if not closed and draws.chance(0.05):
            path.append((CaseStatus.SUSPENDED, opened_on + timedelta(days=span // 2)))
    if closed:
        path.append((CaseStatus.CLOSED, end))
    return Life(path, last, end if closed else None, long_case, work)


def _phone(draws) -> str:
    return f"06{draws.between(0, 99):02d} {draws.between(0, 999):03d} {draws.between(0, 999):03d}"


def _person(ctx: Context, plan: AssociationPlan, opened_on: date, sex: Sex, age: int | None, family: tuple[str, str],
            *, adult: bool) -> tuple[int, date | None, dict]:
    """A person; `age` None: no birth date given (the age band is then `unknown`)."""
    draws = ctx.draws
    first_ar, first_latin = draws.choice(text.FIRST_NAMES[sex])
    born = opened_on - timedelta(days=365 * age + draws.below(365)) if age is not None else None
    language = LANGUAGES.pick(draws)
    data = PersonData(
        full_name=f"{first_ar} {family[0]}", full_name_latin=f"{first_latin} {family[1]}", sex=sex,
        birth_date=born.isoformat() if born else None, phone=_phone(draws) if adult else None,
        email=f"{first_latin.lower()}.{draws.below(10**6)}@example.org" if adult and draws.chance(0.2) else None,
        address=text.ADDRESS.format(n=draws.between(1, 200), city=plan.province_code) if draws.chance(0.3) else None,
        contact_allowed=adult and draws.chance(0.85),
        safe_contact_instructions="Appeler le matin seulement (synthétique)." if adult and draws.chance(0.1) else None,
        preferred_language=language, interpreter_needed=language is PreferredLanguage.ZGH and draws.chance(0.3),
    )
    person_id = ctx.writer.new_id("person")
    created = utc(opened_on)
    ctx.writer.add("person", {
        "id": person_id, "public_id": ctx.ids.uuid(), "association_id": plan.id, "full_name": data.full_name,
        "full_name_latin": data.full_name_latin, "birth_date": data.birth_date, "phone": data.phone,
        "email": data.email, "address": data.address, "contact_allowed": "yes" if data.contact_allowed else "no",
        "safe_contact_instructions": data.safe_contact_instructions, "sex": sex,
        "residence_province_code": plan.province_code, "preferred_language": language,
        "interpreter_needed": data.interpreter_needed, "id_checked": adult, "version_id": 1,
        "created_at": created, "updated_at": created, **person_indexes(plan.id, data),
    })
    for token in sorted(name_tokens(plan.id, data.full_name, data.full_name_latin)):
        ctx.writer.add("person_name_token", {"person_id": person_id, "association_id": plan.id, "token": token})
    return person_id, born, {"interpreter": data.interpreter_needed}


def _participant(ctx: Context, case_id: int, person_id: int, role: ParticipantRole, band, *, requesting=False,
                 party=True, lives_with=None, in_school=None) -> int:
    participant_id = ctx.writer.new_id("participant")
    ctx.writer.add("participant", {
        "id": participant_id, "public_id": ctx.ids.uuid(), "case_id": case_id, "person_id": person_id,
        "role": role, "is_requesting_party": requesting, "is_party": party, "age_band": band,
        "attended_intake": requesting, "lives_with": lives_with, "in_school": in_school,
        "takes_part": None if party else False, "active": True, "version_id": 1,
    })
    return participant_id


def write_case(ctx: Context, diary: Diary, plan: AssociationPlan, lead: Mediator, opened_on: date,
               reference: str) -> tuple[int, Sex, AgeBand]:
    """Writes the case; returns its requesting party's (person id, sex, age band), whom a group may enrol."""
    draws, writer = ctx.draws, ctx.writer
    case_id = writer.new_id("case_file")
    service_point_id = plan.service_points[lead.service_point][0]
    mediation_track = lead.profession is Profession.MEDIATOR
    work = CaseStatus.IN_MEDIATION if mediation_track else CaseStatus.IN_COUNSELLING
    has_other = draws.chance(0.85 if mediation_track else 0.3)
    life = draw_life(ctx, opened_on, work, has_other)
    work = life.work
    statuses = [status for status, _ in life.path]
    status = statuses[-1] if statuses else CaseStatus.INTAKE
    reached_work = any(s in (CaseStatus.IN_MEDIATION, CaseStatus.IN_COUNSELLING) for s in statuses)
    reached_assessment = CaseStatus.ASSESSMENT in statuses

    # People: the requesting party, perhaps the other party, and the children.
    family = draws.choice(text.FAMILY_NAMES)
    sex = Sex.FEMALE if draws.chance(0.65) else Sex.MALE
    parent_role = ParticipantRole.MOTHER if sex is Sex.FEMALE else ParticipantRole.FATHER
    role = draws.choice((parent_role, ParticipantRole.SPOUSE)) if mediation_track else draws.choice(
        (parent_role, ParticipantRole.SIBLING, ParticipantRole.IN_LAW))
    age = draws.between(20, 62)
    person_id, born, facts = _person(ctx, plan, opened_on, sex, age, family, adult=True)
    requesting_band = age_band(born, opened_on)
    requesting = _participant(ctx, case_id, person_id, role, requesting_band, requesting=True)
    parties = [requesting]
    other = None
    if has_other:
        other_sex = Sex.MALE if sex is Sex.FEMALE else Sex.FEMALE
        other_role = {ParticipantRole.MOTHER: ParticipantRole.FATHER,
                      ParticipantRole.FATHER: ParticipantRole.MOTHER}.get(role, role)
        other_age = max(19, age + draws.between(-6, 8))
        other_person, other_born, _ = _person(ctx, plan, opened_on, other_sex, other_age, family, adult=True)
        other = _participant(ctx, case_id, other_person, other_role, age_band(other_born, opened_on))
        parties.append(other)
    heard_child = None
    for child_age in child_ages(draws, age):
        child_person, child_born, _ = _person(ctx, plan, opened_on, draws.choice((Sex.MALE, Sex.FEMALE)),
                                              child_age, family, adult=False)
        child = _participant(ctx, case_id, child_person, ParticipantRole.CHILD, age_band(child_born, opened_on),
                             party=False, lives_with=LIVES_WITH.pick(draws),
                             in_school=child_age >= 6 if child_age is not None else None)
        if child_age is not None and child_age >= MIN_CHILD_HEARING_AGE and heard_child is None:
            heard_child = child

    # The case itself, its issues and who works it.
    court_stage = STAGES.pick(draws)
    court_file_no = f"SYN-{draws.between(1000, 9999)}/{opened_on.year}/{case_id}" \
        if court_stage is CourtStage.PENDING and draws.chance(0.6) else None
    outcome = None
    closure_follow_up = None
    if life.closed_on is not None:
        outcome = (EARLY_OUTCOMES if not reached_work else MEDIATION_OUTCOMES if work is CaseStatus.IN_MEDIATION
                   else COUNSELLING_OUTCOMES).pick(draws)
        if outcome is Outcome.RECONCILIATION and not has_other:
            outcome = Outcome.NO_AGREEMENT
        closure_follow_up = life.closed_on + timedelta(days=30) if outcome in AGREEMENTS else None
    court_file_bidx = blind_index("court_file", plan.id, court_file_no) if court_file_no else None
    writer.add("case_file", {
        "id": case_id, "public_id": ctx.ids.uuid(), "reference": reference, "association_id": plan.id,
        "service_point_id": service_point_id, "status": status, "opened_on": opened_on,
        "first_contact_on": opened_on - timedelta(days=draws.between(0, 10)), "intake_channel": CHANNELS.pick(draws),
        "referral_source": SOURCES.pick(draws), "court_linked": court_stage is not CourtStage.NONE,
        "court_stage": court_stage, "court_file_no": court_file_no,
        "court_file_bidx": court_file_bidx, "request_summary": draws.choice(text.REQUEST_SUMMARIES),
        "immediate_danger": status is not CaseStatus.CLOSED and draws.chance(0.005),
        "follow_up_on": closure_follow_up,
        "review_due_on": ctx.today + timedelta(days=draws.between(-10, 20))
        if status is not CaseStatus.CLOSED and draws.chance(0.03) else None,
        "closed_on": life.closed_on, "outcome": outcome, "previous_case_id": None, "created_by_id": lead.id,
        "stat_key": stat_key(ctx.seed, "case", case_id), "version_id": 1, "created_at": utc(opened_on, 9),
        "updated_at": utc(life.last_day, 17),
    })
    issues = draw_issues(draws, mediation_track)
    for issue in issues:
        writer.add("case_issue", {"case_id": case_id, "issue": issue})
    co_worker = None
    colleagues = [m for m in plan.mediators if m.id != lead.id]
    if colleagues and draws.chance(0.15):
        co_worker = draws.choice(colleagues).id
    for user_id, assignment in ((lead.id, AssignmentRole.LEAD), (co_worker, AssignmentRole.CO_WORKER)):
        if user_id is not None:
            writer.add("case_assignment", {"id": writer.new_id("case_assignment"), "case_id": case_id,
                                           "user_id": user_id, "role": assignment, "assigned_at": utc(opened_on, 9)})

    # Status history, consents, screening and the supervisor's decision.
    previous = None
    for to_status, on in [(CaseStatus.INTAKE, opened_on), *life.path]:
        writer.add("case_status_change", {
            "id": writer.new_id("case_status_change"), "case_id": case_id, "from_status": previous,
            "to_status": to_status, "changed_by_id": lead.id, "changed_at": utc(on, 11),
            "reason": "Suspendu à la demande des parties (synthétique)." if to_status is CaseStatus.SUSPENDED else None,
        })
        previous = to_status
    writer.add("consent", consent_row(ctx, requesting, ConsentScope.DATA_PROCESSING, opened_on, lead.id))
    positive = False
    if reached_assessment:
        assessed_on = life.path[0][1]
        if other is not None:
            writer.add("consent", consent_row(ctx, other, ConsentScope.DATA_PROCESSING, assessed_on, lead.id))
        positive = draws.chance(0.12)
        for participant in parties:
            _screening(ctx, participant, lead.id, assessed_on, positive=positive and participant == requesting)
        if positive and reached_work and plan.supervisors:
            writer.add("screening_decision", {
                "id": writer.new_id("screening_decision"), "public_id": ctx.ids.uuid(), "case_id": case_id,
                "decided_by_id": plan.supervisors[0], "decided_at": utc(assessed_on, 15),
                "decision": ScreeningDecision.PROCEED_WITH_ADAPTATIONS if mediation_track
                else ScreeningDecision.COUNSELLING_ONLY,
                "adaptations": "shuttle,staggered_arrival" if mediation_track else "",
                "rationale": text.DECISION_RATIONALE, "decided_by_case_worker": False,
            })
    if reached_work:
        worked_on = next(on for s, on in life.path if s is work)
        for participant in parties if work is CaseStatus.IN_MEDIATION else ():
            writer.add("consent", consent_row(ctx, participant, ConsentScope.MEDIATION, worked_on, lead.id))
        if lead.profession is Profession.PSYCHOLOGIST:
            writer.add("consent", consent_row(ctx, requesting, ConsentScope.SENSITIVE_DATA, worked_on, lead.id))

    _notes_and_reviews(ctx, plan, case_id, lead.id, opened_on, life.last_day, status is not CaseStatus.CLOSED)
    if life.closed_on is not None:
        closure_id = writer.new_id("case_closure")
        writer.add("case_closure", {
            "id": closure_id, "public_id": ctx.ids.uuid(), "case_id": case_id, "closed_on": life.closed_on,
            "closed_by_id": lead.id, "outcome": outcome, "agreement_level": AGREEMENTS.get(outcome),
            "agreement_points": draws.choice(text.AGREEMENT_POINTS) if outcome in AGREEMENTS else None,
            "referral_destination": REFERRALS.get(outcome), "follow_up_on": closure_follow_up,
            "note": draws.choice(text.CLOSURE_NOTES), "reopened_at": None, "reopen_reason": None,
            "created_at": utc(life.closed_on, 16), "stat_key": stat_key(ctx.seed, "closure", closure_id),
        })
        if outcome in REFERRALS:
            _referral_for_closure(ctx, case_id, requesting, lead.id, REFERRALS[outcome], life.closed_on, closure_id)
        if outcome in (*AGREEMENTS, Outcome.RECONCILIATION):
            write_agreement(ctx, case_id, issues, lead.id, outcome, life.closed_on, closure_id)
        write_follow_ups(ctx, case_id, closure_id, lead.id, requesting, outcome, life.closed_on)
    if reached_work:
        write_referral(ctx, case_id, requesting, lead.id, next(on for s, on in life.path if s is work),
                       life.closed_on or ctx.today)
    facts = CaseFacts(
        case_id=case_id, association_id=plan.id, service_point_id=service_point_id,
        rooms=plan.rooms[service_point_id], lead_id=lead.id, lead_profession=lead.profession,
        co_worker_id=co_worker, requesting_id=requesting, other_id=other, child_id=heard_child,
        interpreter=facts["interpreter"], positive_screen=positive, work_stage=reached_work, opened_on=opened_on,
        last_day=life.last_day, is_open=life.closed_on is None,
    )
    write_timeline(ctx, diary, facts, session_count(draws, facts, life.long_case))
    return person_id, sex, requesting_band


def _referral_for_closure(ctx: Context, case_id: int, participant_id: int, by: int,
                          destination: ReferralDestination, on: date, closure_id: int) -> None:
    """A referral closure rests on a referral record (docs/domain.md, DOM88): one made on the closing day,
    sharing nothing (so needing no consent), linked to the closure."""
    referral_id = ctx.writer.new_id("referral")
    ctx.writer.add("referral", {
        "id": referral_id, "public_id": ctx.ids.uuid(), "case_id": case_id, "participant_id": participant_id,
        "destination": destination, "organisation_name": text.REFERRAL_ORGANISATION, "urgency": "routine",
        "reason": text.REFERRAL_REASON, "made_on": on, "consent_id": None, "exception_id": None,
        "status": "made", "feedback_on": None, "made_by_id": by, "created_at": utc(on, 15),
        "stat_key": stat_key(ctx.seed, "referral", referral_id), "version_id": 1,
    })
    ctx.writer.add("referral_closure", {"closure_id": closure_id, "referral_id": referral_id})


def _screening(ctx: Context, participant_id: int, by: int, on: date, *, positive: bool) -> None:
    screening_id = ctx.writer.new_id("screening")
    ctx.writer.add("screening", {
        "id": screening_id, "public_id": ctx.ids.uuid(), "participant_id": participant_id, "screened_by_id": by,
        "screened_on": on, "created_at": utc(on, 10),
        "violence": ViolenceLevel.PAST if positive else ViolenceLevel.NONE,
        "mediator_view": ScreeningDecision.PROCEED_WITH_ADAPTATIONS if positive else ScreeningDecision.PROCEED,
        "notes": text.SCREENING_NOTES[positive], "result": ScreeningResult.POSITIVE if positive
        else ScreeningResult.NEGATIVE,
    })
    for code in POSITIVE_ITEMS if positive else ():
        ctx.writer.add("screening_item", {"screening_id": screening_id, "code": code})


def _notes_and_reviews(ctx: Context, plan: AssociationPlan, case_id: int, lead_id: int, opened_on: date,
                       last_day: date, is_open: bool) -> None:
    draws, writer = ctx.draws, ctx.writer
    span = (last_day - opened_on).days
    for _ in range(draws.choice((0, 1, 1, 2, 3))):
        written = utc(opened_on + timedelta(days=draws.below(span + 1)), 13)
        note_id = writer.new_id("case_note")
        writer.add("case_note", {
            "id": note_id, "public_id": ctx.ids.uuid(), "case_id": case_id, "author_id": lead_id,
            "created_at": written, "visibility": draws.choice((NoteVisibility.STAFF_ONLY, NoteVisibility.JOINT)),
            "participant_id": None, "version_id": 1,
        })
        writer.add("case_note_version", {"id": writer.new_id("case_note_version"), "note_id": note_id, "number": 1,
                                         "body": draws.choice(text.NOTES), "edited_by_id": lead_id,
                                         "edited_at": written})
    if plan.supervisors and draws.chance(0.08):
        reviewed_on = opened_on + timedelta(days=draws.below(span + 1))
        writer.add("supervision_review", {
            "id": writer.new_id("supervision_review"), "public_id": ctx.ids.uuid(), "case_id": case_id,
            "supervisor_id": plan.supervisors[0], "reviewed_on": reviewed_on,
            "trigger": draws.choice((SupervisionTrigger.PERIODIC, SupervisionTrigger.MEDIATOR_REQUEST)),
            "decision": draws.choice((SupervisionDecision.CONTINUE, SupervisionDecision.CHANGE_APPROACH)),
            "note": draws.choice(text.REVIEW_NOTES),
            "next_review_on": reviewed_on + timedelta(days=60) if is_open and draws.chance(0.5) else None,
            "created_at": utc(reviewed_on, 14),
        })
