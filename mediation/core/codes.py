"""The code lists of DOMAIN.md §3 and §4.2, the case workflow table of §2.3 and the statistical groups.

Codes are the stored values and are frozen once released: add members, never rename or reuse
one. Each list's English labels live in one `*_LABELS` dict next to it; `Code.label` reads it.
One English msgid carries one meaning: where DOMAIN.md gives one English word two different
French or Arabic renderings, the English here is made distinct ("By phone", "Follow-up session").
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from mediation.core.authz import Role
from mediation.core.errors import ValidationFailed


class Code(enum.StrEnum):
    """A code list whose members carry a lazily translated label."""

    @property
    def label(self):
        return _LABELS[type(self)][self]


_LABELS: dict[type[Code], Mapping[Code, object]] = {}


def _labels(enum_cls: type[Code], mapping: dict) -> Mapping:
    """Attach a label to every member of enum_cls; a missing or stray label fails at import."""
    if set(mapping) != set(enum_cls):
        raise TypeError(f"{enum_cls.__name__}: labels do not match the members")
    _LABELS[enum_cls] = MappingProxyType(mapping)
    return _LABELS[enum_cls]


def parse_code(enum_cls: type[Code], value, message, field: str) -> Code:
    """The member whose code is `value`, or a ValidationFailed naming `field`.

    Services check again what forms offer."""
    try:
        return enum_cls(value)
    except ValueError:
        raise ValidationFailed(message, field=field) from None


def choices(members: Iterable[Code]) -> list[SelectChoice]:
    """Select options for a code list (or a subset of its members), in declaration order."""
    return [SelectChoice(member.value, member.label) for member in members]


# --- §3.1 Case and people -------------------------------------------------------------------

class CaseStatus(Code):
    INTAKE = "intake"
    ASSESSMENT = "assessment"
    IN_MEDIATION = "in_mediation"
    IN_COUNSELLING = "in_counselling"
    SUSPENDED = "suspended"
    CLOSED = "closed"


CASE_STATUS_LABELS = _labels(CaseStatus, {
    CaseStatus.INTAKE: _l("Intake"),
    CaseStatus.ASSESSMENT: _l("Assessment"),
    CaseStatus.IN_MEDIATION: _l("In mediation"),
    CaseStatus.IN_COUNSELLING: _l("In counselling"),
    CaseStatus.SUSPENDED: _l("Suspended"),
    # Translators: status of a case file (dossier, ملف).
    CaseStatus.CLOSED: _l("Closed"),
})

OPEN_STATUSES = frozenset(status for status in CaseStatus if status is not CaseStatus.CLOSED)


class ParticipantRole(Code):
    SPOUSE = "spouse"
    FORMER_SPOUSE = "former_spouse"
    FATHER = "father"
    MOTHER = "mother"
    CHILD = "child"
    GRANDPARENT = "grandparent"
    SIBLING = "sibling"
    IN_LAW = "in_law"
    LEGAL_REPRESENTATIVE = "legal_representative"
    OTHER_RELATIVE = "other_relative"


PARTICIPANT_ROLE_LABELS = _labels(ParticipantRole, {
    ParticipantRole.SPOUSE: _l("Spouse"),
    ParticipantRole.FORMER_SPOUSE: _l("Former spouse"),
    # Translators: a parent in a case; also where a child lives.
    ParticipantRole.FATHER: _l("Father"),
    # Translators: a parent in a case; also where a child lives.
    ParticipantRole.MOTHER: _l("Mother"),
    # Translators: role in a case: a son or daughter of the family (Arabic ابن / ابنة).
    ParticipantRole.CHILD: _l("Child"),
    ParticipantRole.GRANDPARENT: _l("Grandparent"),
    ParticipantRole.SIBLING: _l("Sibling"),
    ParticipantRole.IN_LAW: _l("In-law"),
    ParticipantRole.LEGAL_REPRESENTATIVE: _l("Legal representative"),
    ParticipantRole.OTHER_RELATIVE: _l("Other relative"),
})


class Sex(Code):
    MALE = "male"
    FEMALE = "female"
    NOT_RECORDED = "not_recorded"


SEX_LABELS = _labels(Sex, {
    Sex.MALE: _l("Male"),
    Sex.FEMALE: _l("Female"),
    # Translators: a person's sex was not recorded.
    Sex.NOT_RECORDED: _l("Not recorded"),
})


class ChildLivesWith(Code):
    """Where a child participant lives (DOMAIN.md §2.4)."""

    MOTHER = "mother"
    FATHER = "father"
    BOTH = "both"
    OTHER_RELATIVE = "other_relative"
    OTHER = "other"


CHILD_LIVES_WITH_LABELS = _labels(ChildLivesWith, {
    ChildLivesWith.MOTHER: _l("Mother"),
    ChildLivesWith.FATHER: _l("Father"),
    ChildLivesWith.BOTH: _l("Both parents"),
    ChildLivesWith.OTHER_RELATIVE: _l("Other relative"),
    # Translators: a child lives neither with a parent nor with a relative (foster family, institution...).
    ChildLivesWith.OTHER: _l("Other arrangement"),
})


class PreferredLanguage(Code):
    """A person's preferred language (DOMAIN.md §2.4); `ary` is spoken Moroccan Arabic."""

    AR = "ar"
    ARY = "ary"
    ZGH = "zgh"
    FR = "fr"


PREFERRED_LANGUAGE_LABELS = _labels(PreferredLanguage, {
    PreferredLanguage.AR: _l("Arabic"),
    PreferredLanguage.ARY: _l("Spoken Darija"),
    PreferredLanguage.ZGH: _l("Amazigh"),
    PreferredLanguage.FR: _l("French"),
})


# --- §3.2 Intake and issues -----------------------------------------------------------------

class IntakeChannel(Code):
    WALK_IN = "walk_in"
    PHONE = "phone"
    REFERRAL_LETTER = "referral_letter"
    ONLINE = "online"
    OUTREACH = "outreach"


INTAKE_CHANNEL_LABELS = _labels(IntakeChannel, {
    IntakeChannel.WALK_IN: _l("Walk-in"),
    # Translators: how a request reached the service (Arabic الهاتف).
    IntakeChannel.PHONE: _l("Phone"),
    IntakeChannel.REFERRAL_LETTER: _l("Referral letter"),
    IntakeChannel.ONLINE: _l("Online"),
    IntakeChannel.OUTREACH: _l("Outreach"),
})


class ReferralSource(Code):
    SELF = "self"
    FAMILY_MEMBER = "family_member"
    FAMILY_COURT = "family_court"
    PUBLIC_PROSECUTOR = "public_prosecutor"
    LAWYER = "lawyer"
    ASSOCIATION = "association"
    ENTRAIDE_NATIONALE = "entraide_nationale"
    HEALTH = "health"
    SCHOOL = "school"
    RELIGIOUS_GUIDE = "religious_guide"
    LOCAL_AUTHORITY = "local_authority"
    HOTLINE_ONLINE = "hotline_online"
    OTHER = "other"


REFERRAL_SOURCE_LABELS = _labels(ReferralSource, {
    ReferralSource.SELF: _l("Self-referred"),
    ReferralSource.FAMILY_MEMBER: _l("Family member"),
    ReferralSource.FAMILY_COURT: _l("Family-justice section or court social cell"),
    ReferralSource.PUBLIC_PROSECUTOR: _l("Public prosecutor"),
    ReferralSource.LAWYER: _l("Lawyer"),
    ReferralSource.ASSOCIATION: _l("Other association or listening centre"),
    ReferralSource.ENTRAIDE_NATIONALE: _l("Entraide Nationale"),
    ReferralSource.HEALTH: _l("Health service"),
    ReferralSource.SCHOOL: _l("School"),
    ReferralSource.RELIGIOUS_GUIDE: _l("Religious guide (murshida)"),
    ReferralSource.LOCAL_AUTHORITY: _l("Local authority"),
    ReferralSource.HOTLINE_ONLINE: _l("Hotline or online"),
    ReferralSource.OTHER: _l("Other"),
})


class CourtStage(Code):
    NONE = "none"
    PRE_ACTION = "pre_action"
    PENDING = "pending"
    POST_JUDGMENT = "post_judgment"


COURT_STAGE_LABELS = _labels(CourtStage, {
    CourtStage.NONE: _l("No proceedings"),
    CourtStage.PRE_ACTION: _l("Before proceedings"),
    CourtStage.PENDING: _l("Pending before a family-justice section"),
    CourtStage.POST_JUDGMENT: _l("After judgment or enforcement"),
})


class Issue(Code):
    MARITAL_DISCORD = "marital_discord"
    SEPARATION_ARRANGEMENTS = "separation_arrangements"
    CUSTODY = "custody"
    VISITATION = "visitation"
    CHILD_MAINTENANCE = "child_maintenance"
    SPOUSAL_ENTITLEMENTS = "spousal_entitlements"
    EXPULSION_MARITAL_HOME = "expulsion_marital_home"
    IN_LAW_CONFLICT = "in_law_conflict"
    PARENT_CHILD_CONFLICT = "parent_child_conflict"
    ELDERLY_CARE = "elderly_care"
    INHERITANCE = "inheritance"
    CHILD_UPBRINGING = "child_upbringing"
    OTHER = "other"


ISSUE_LABELS = _labels(Issue, {
    Issue.MARITAL_DISCORD: _l("Marital discord"),
    Issue.SEPARATION_ARRANGEMENTS: _l("Divorce or separation arrangements"),
    Issue.CUSTODY: _l("Custody"),
    Issue.VISITATION: _l("Visitation and contact"),
    Issue.CHILD_MAINTENANCE: _l("Child maintenance"),
    Issue.SPOUSAL_ENTITLEMENTS: _l("Spousal entitlements (mut'a, housing)"),
    Issue.EXPULSION_MARITAL_HOME: _l("Expulsion from the marital home"),
    Issue.IN_LAW_CONFLICT: _l("Conflict with in-laws or extended family"),
    Issue.PARENT_CHILD_CONFLICT: _l("Parent–child conflict"),
    Issue.ELDERLY_CARE: _l("Care of elderly parents"),
    Issue.INHERITANCE: _l("Inheritance and estate"),
    Issue.CHILD_UPBRINGING: _l("Child upbringing and schooling"),
    Issue.OTHER: _l("Other"),
})


class IssueGroup(Code):
    """The one published classification of a case's issues (STATISTICS.md §2)."""

    CHILDREN = "children"
    SEPARATION = "separation"
    MARITAL_DISCORD = "marital_discord"
    WIDER_FAMILY = "wider_family"
    OTHER = "other"


ISSUE_GROUP_LABELS = _labels(IssueGroup, {
    IssueGroup.CHILDREN: _l("Children's matters"),
    # Translators: a group of case issues in statistics: divorce or separation and its consequences.
    IssueGroup.SEPARATION: _l("Separation"),
    IssueGroup.MARITAL_DISCORD: _l("Marital discord"),
    IssueGroup.WIDER_FAMILY: _l("Wider family"),
    IssueGroup.OTHER: _l("Other"),
})

ISSUE_GROUP: Mapping[Issue, IssueGroup] = MappingProxyType({
    Issue.CUSTODY: IssueGroup.CHILDREN,
    Issue.VISITATION: IssueGroup.CHILDREN,
    Issue.CHILD_MAINTENANCE: IssueGroup.CHILDREN,
    Issue.CHILD_UPBRINGING: IssueGroup.CHILDREN,
    Issue.SEPARATION_ARRANGEMENTS: IssueGroup.SEPARATION,
    Issue.SPOUSAL_ENTITLEMENTS: IssueGroup.SEPARATION,
    Issue.EXPULSION_MARITAL_HOME: IssueGroup.SEPARATION,
    Issue.MARITAL_DISCORD: IssueGroup.MARITAL_DISCORD,
    Issue.IN_LAW_CONFLICT: IssueGroup.WIDER_FAMILY,
    Issue.PARENT_CHILD_CONFLICT: IssueGroup.WIDER_FAMILY,
    Issue.ELDERLY_CARE: IssueGroup.WIDER_FAMILY,
    Issue.INHERITANCE: IssueGroup.WIDER_FAMILY,
    Issue.OTHER: IssueGroup.OTHER,
})


def issue_group(issues: Iterable[Issue | str]) -> IssueGroup:
    """The group of a case's issues: the first group, in IssueGroup order, that any issue belongs to."""
    groups = {ISSUE_GROUP[Issue(issue)] for issue in issues}
    if not groups:
        raise ValueError("a case has at least one issue")
    return next(group for group in IssueGroup if group in groups)


# --- §3.3 Screening -------------------------------------------------------------------------

class ViolenceLevel(Code):
    NONE = "none"
    PAST = "past"
    CURRENT = "current"


VIOLENCE_LEVEL_LABELS = _labels(ViolenceLevel, {
    # Translators: screening answer: the party disclosed no violence (French "Aucune déclarée").
    ViolenceLevel.NONE: _l("None disclosed"),
    ViolenceLevel.PAST: _l("Past violence"),
    ViolenceLevel.CURRENT: _l("Current violence"),
})


class ViolenceType(Code):
    """The four categories of Law 103-13; sexual harassment is recorded as `sexual`."""

    PHYSICAL = "physical"
    SEXUAL = "sexual"
    PSYCHOLOGICAL = "psychological"
    ECONOMIC = "economic"


VIOLENCE_TYPE_LABELS = _labels(ViolenceType, {
    ViolenceType.PHYSICAL: _l("Physical violence"),
    ViolenceType.SEXUAL: _l("Sexual violence"),
    ViolenceType.PSYCHOLOGICAL: _l("Psychological violence"),
    ViolenceType.ECONOMIC: _l("Economic violence"),
})


class GatingIndicator(Code):
    """A yes on any of these makes the screen positive."""

    IMMEDIATE_DANGER = "immediate_danger"
    FEAR_OF_OTHER_PARTY = "fear_of_other_party"
    COERCIVE_CONTROL = "coercive_control"
    CHILD_PROTECTION_CONCERN = "child_protection_concern"
    ABDUCTION_THREAT = "abduction_threat"


GATING_INDICATOR_LABELS = _labels(GatingIndicator, {
    GatingIndicator.IMMEDIATE_DANGER: _l("Immediate danger"),
    GatingIndicator.FEAR_OF_OTHER_PARTY: _l("Fear of the other party"),
    GatingIndicator.COERCIVE_CONTROL: _l("Coercive control"),
    GatingIndicator.CHILD_PROTECTION_CONCERN: _l("Child-protection concern"),
    GatingIndicator.ABDUCTION_THREAT: _l("Threat to take a child away"),
})


class Concern(Code):
    """Informs the screening decision; never gates."""

    SUBSTANCE_MISUSE = "substance_misuse"
    MENTAL_HEALTH_CAPACITY = "mental_health_capacity"
    LANGUAGE_LITERACY = "language_literacy"
    FINANCIAL_IMBALANCE = "financial_imbalance"


CONCERN_LABELS = _labels(Concern, {
    Concern.SUBSTANCE_MISUSE: _l("Alcohol or drug misuse"),
    Concern.MENTAL_HEALTH_CAPACITY: _l("Mental-health or capacity concern"),
    Concern.LANGUAGE_LITERACY: _l("Language or literacy barrier"),
    Concern.FINANCIAL_IMBALANCE: _l("Financial imbalance"),
})


class ScreeningDecision(Code):
    """A supervisor's decision after screening; also the mediator's recommendation."""

    PROCEED = "proceed"
    PROCEED_WITH_ADAPTATIONS = "proceed_with_adaptations"
    COUNSELLING_ONLY = "counselling_only"
    NOT_SUITABLE = "not_suitable"


SCREENING_DECISION_LABELS = _labels(ScreeningDecision, {
    ScreeningDecision.PROCEED: _l("Proceed, no adaptation"),
    ScreeningDecision.PROCEED_WITH_ADAPTATIONS: _l("Proceed with adaptations"),
    ScreeningDecision.COUNSELLING_ONLY: _l("Counselling only, no mediation"),
    ScreeningDecision.NOT_SUITABLE: _l("Not suitable: close or refer"),
})


class Adaptation(Code):
    SEPARATE_SESSIONS = "separate_sessions"
    SHUTTLE = "shuttle"
    STAGGERED_ARRIVAL = "staggered_arrival"
    CO_MEDIATION = "co_mediation"
    REMOTE = "remote"
    SUPPORT_PERSON = "support_person"
    REFER_FIRST = "refer_first"


ADAPTATION_LABELS = _labels(Adaptation, {
    Adaptation.SEPARATE_SESSIONS: _l("Separate sessions only"),
    Adaptation.SHUTTLE: _l("Shuttle mediation"),
    Adaptation.STAGGERED_ARRIVAL: _l("Staggered arrival and departure"),
    Adaptation.CO_MEDIATION: _l("Co-mediation"),
    Adaptation.REMOTE: _l("Remote (video or phone)"),
    Adaptation.SUPPORT_PERSON: _l("Support person present"),
    Adaptation.REFER_FIRST: _l("Referral before going on"),
})


# --- §3.4 Consent, sessions, notes, appointments --------------------------------------------

class ConsentScope(Code):
    MEDIATION = "mediation"
    DATA_PROCESSING = "data_processing"
    SENSITIVE_DATA = "sensitive_data"
    CHILD_CONSULTATION = "child_consultation"
    CONTACT = "contact"
    SHARE_FOR_REFERRAL = "share_for_referral"
    STATISTICS = "statistics"


CONSENT_SCOPE_LABELS = _labels(ConsentScope, {
    ConsentScope.MEDIATION: _l("Take part in mediation"),
    ConsentScope.DATA_PROCESSING: _l("Processing of personal data for the service"),
    ConsentScope.SENSITIVE_DATA: _l("Psychological (health) data"),
    ConsentScope.CHILD_CONSULTATION: _l("Hearing the child"),
    ConsentScope.CONTACT: _l("Contact by phone or SMS"),
    ConsentScope.SHARE_FOR_REFERRAL: _l("Share data with a referral destination"),
    ConsentScope.STATISTICS: _l("Counted in anonymous statistics"),
})


class ConsentStatus(Code):
    """One consent row's status (DOMAIN.md §2.7)."""

    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


CONSENT_STATUS_LABELS = _labels(ConsentStatus, {
    ConsentStatus.GIVEN: _l("Consent given"),
    ConsentStatus.REFUSED: _l("Consent refused"),
    ConsentStatus.WITHDRAWN: _l("Consent withdrawn"),
})


class SessionType(Code):
    INDIVIDUAL = "individual"
    JOINT_MEDIATION = "joint_mediation"
    SHUTTLE_MEDIATION = "shuttle_mediation"
    COUNSELLING_PSYCHOLOGICAL = "counselling_psychological"
    COUNSELLING_SOCIAL = "counselling_social"
    COUNSELLING_LEGAL = "counselling_legal"
    POSITIVE_PARENTING = "positive_parenting"
    CHILD_CONSULTATION = "child_consultation"
    FOLLOW_UP = "follow_up"


SESSION_TYPE_LABELS = _labels(SessionType, {
    SessionType.INDIVIDUAL: _l("Individual meeting (information, screening)"),
    SessionType.JOINT_MEDIATION: _l("Joint mediation"),
    SessionType.SHUTTLE_MEDIATION: _l("Shuttle mediation"),
    SessionType.COUNSELLING_PSYCHOLOGICAL: _l("Psychological counselling"),
    SessionType.COUNSELLING_SOCIAL: _l("Social counselling"),
    SessionType.COUNSELLING_LEGAL: _l("Legal counselling"),
    SessionType.POSITIVE_PARENTING: _l("Positive parenting"),
    SessionType.CHILD_CONSULTATION: _l("Child consultation"),
    SessionType.FOLLOW_UP: _l("Follow-up session"),
})


class SessionMode(Code):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


SESSION_MODE_LABELS = _labels(SessionMode, {
    SessionMode.IN_PERSON: _l("In person"),
    # Translators: how a session was held (Arabic بالهاتف).
    SessionMode.PHONE: _l("By phone"),
    SessionMode.VIDEO: _l("Video"),
})


class NoteVisibility(Code):
    JOINT = "joint"
    PRIVATE_PARTY = "private_party"
    STAFF_ONLY = "staff_only"


NOTE_VISIBILITY_LABELS = _labels(NoteVisibility, {
    NoteVisibility.JOINT: _l("Shared with the parties"),
    NoteVisibility.PRIVATE_PARTY: _l("Private with one party"),
    # Translators: who may read a note: the professional team only.
    NoteVisibility.STAFF_ONLY: _l("Staff only"),
})


class AppointmentStatus(Code):
    SCHEDULED = "scheduled"
    # Issue 6: the party or the staff member confirmed they will come.
    CONFIRMED = "confirmed"
    CANCELLED_BY_PARTY = "cancelled_by_party"
    CANCELLED_BY_SERVICE = "cancelled_by_service"
    HELD = "held"
    MISSED = "missed"


APPOINTMENT_STATUS_LABELS = _labels(AppointmentStatus, {
    # Translators: status of an appointment (rendez-vous, موعد).
    AppointmentStatus.SCHEDULED: _l("Scheduled"),
    # Translators: status of an appointment whose attendance was confirmed.
    AppointmentStatus.CONFIRMED: _l("Confirmed"),
    AppointmentStatus.CANCELLED_BY_PARTY: _l("Cancelled by a party"),
    AppointmentStatus.CANCELLED_BY_SERVICE: _l("Cancelled by the service"),
    # Translators: status of an appointment that took place.
    AppointmentStatus.HELD: _l("Held"),
    # Translators: status of an appointment nobody attended (French "Absence").
    AppointmentStatus.MISSED: _l("Missed"),
})


# --- §3.5 Closure outcome -------------------------------------------------------------------

class Outcome(Code):
    AGREEMENT_FULL = "agreement_full"
    AGREEMENT_PARTIAL = "agreement_partial"
    RECONCILIATION = "reconciliation"
    NO_AGREEMENT = "no_agreement"
    COUNSELLING_COMPLETED = "counselling_completed"
    OTHER_PARTY_DECLINED = "other_party_declined"
    NOT_SUITABLE = "not_suitable"
    PARTY_WITHDREW = "party_withdrew"
    TERMINATED_SAFETY = "terminated_safety"
    TERMINATED_NO_GENUINE_EFFORT = "terminated_no_genuine_effort"
    REFERRED_TO_JUSTICE = "referred_to_justice"
    REFERRED_OTHER_SERVICE = "referred_other_service"
    LOST_CONTACT = "lost_contact"
    TRANSFERRED = "transferred"
    OPENED_IN_ERROR = "opened_in_error"


OUTCOME_LABELS = _labels(Outcome, {
    Outcome.AGREEMENT_FULL: _l("Full agreement"),
    Outcome.AGREEMENT_PARTIAL: _l("Partial agreement"),
    Outcome.RECONCILIATION: _l("Reconciliation: married life resumed"),
    Outcome.NO_AGREEMENT: _l("Mediation ended without agreement"),
    Outcome.COUNSELLING_COMPLETED: _l("Counselling completed, no mediation"),
    Outcome.OTHER_PARTY_DECLINED: _l("Other party refused or did not come"),
    Outcome.NOT_SUITABLE: _l("Not suitable after assessment"),
    Outcome.PARTY_WITHDREW: _l("A party withdrew"),
    Outcome.TERMINATED_SAFETY: _l("Ended for safety or capacity"),
    Outcome.TERMINATED_NO_GENUINE_EFFORT: _l("Ended: no genuine effort"),
    Outcome.REFERRED_TO_JUSTICE: _l("Referred to court or prosecutor"),
    Outcome.REFERRED_OTHER_SERVICE: _l("Referred to another service"),
    Outcome.LOST_CONTACT: _l("Contact lost"),
    Outcome.TRANSFERRED: _l("Transferred to another association"),
    Outcome.OPENED_IN_ERROR: _l("Opened in error"),
})


class OutcomeGroup(Code):
    """The published grouping of outcomes; `excluded` is never counted."""

    AGREEMENT = "agreement"
    NO_AGREEMENT = "no_agreement"
    COUNSELLING = "counselling"
    NOT_STARTED = "not_started"
    ENDED_EARLY = "ended_early"
    REFERRED = "referred"
    ADMINISTRATIVE = "administrative"
    EXCLUDED = "excluded"


OUTCOME_GROUP_LABELS = _labels(OutcomeGroup, {
    OutcomeGroup.AGREEMENT: _l("Agreement or reconciliation"),
    OutcomeGroup.NO_AGREEMENT: _l("No agreement"),
    OutcomeGroup.COUNSELLING: _l("Counselling only"),
    OutcomeGroup.NOT_STARTED: _l("Mediation not started"),
    OutcomeGroup.ENDED_EARLY: _l("Ended early"),
    OutcomeGroup.REFERRED: _l("Referred elsewhere"),
    OutcomeGroup.ADMINISTRATIVE: _l("Administrative closure"),
    OutcomeGroup.EXCLUDED: _l("Excluded from statistics"),
})

OUTCOME_GROUP: Mapping[Outcome, OutcomeGroup] = MappingProxyType({
    Outcome.AGREEMENT_FULL: OutcomeGroup.AGREEMENT,
    Outcome.AGREEMENT_PARTIAL: OutcomeGroup.AGREEMENT,
    Outcome.RECONCILIATION: OutcomeGroup.AGREEMENT,
    Outcome.NO_AGREEMENT: OutcomeGroup.NO_AGREEMENT,
    Outcome.COUNSELLING_COMPLETED: OutcomeGroup.COUNSELLING,
    Outcome.OTHER_PARTY_DECLINED: OutcomeGroup.NOT_STARTED,
    Outcome.NOT_SUITABLE: OutcomeGroup.NOT_STARTED,
    Outcome.PARTY_WITHDREW: OutcomeGroup.ENDED_EARLY,
    Outcome.TERMINATED_SAFETY: OutcomeGroup.ENDED_EARLY,
    Outcome.TERMINATED_NO_GENUINE_EFFORT: OutcomeGroup.ENDED_EARLY,
    Outcome.REFERRED_TO_JUSTICE: OutcomeGroup.REFERRED,
    Outcome.REFERRED_OTHER_SERVICE: OutcomeGroup.REFERRED,
    Outcome.LOST_CONTACT: OutcomeGroup.ADMINISTRATIVE,
    Outcome.TRANSFERRED: OutcomeGroup.ADMINISTRATIVE,
    Outcome.OPENED_IN_ERROR: OutcomeGroup.EXCLUDED,
})


# --- §3.6 Agreements, follow-up, referrals, supervision -------------------------------------

class AgreementLevel(Code):
    """Derived from the points: full if all agreed, none if none agreed, else partial."""

    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


AGREEMENT_LEVEL_LABELS = _labels(AgreementLevel, {
    AgreementLevel.FULL: _l("Full agreement"),
    AgreementLevel.PARTIAL: _l("Partial agreement"),
    AgreementLevel.NONE: _l("No agreement"),
})


class AgreementNature(Code):
    RECONCILIATION = "reconciliation"
    SEPARATION_ARRANGEMENTS = "separation_arrangements"
    OTHER = "other"


AGREEMENT_NATURE_LABELS = _labels(AgreementNature, {
    AgreementNature.RECONCILIATION: _l("Reconciliation"),
    AgreementNature.SEPARATION_ARRANGEMENTS: _l("Post-separation arrangements"),
    AgreementNature.OTHER: _l("Other family arrangements"),
})


class AgreementForm(Code):
    WRITTEN_SIGNED = "written_signed"
    WRITTEN_UNSIGNED = "written_unsigned"
    VERBAL = "verbal"


AGREEMENT_FORM_LABELS = _labels(AgreementForm, {
    AgreementForm.WRITTEN_SIGNED: _l("Written and signed"),
    AgreementForm.WRITTEN_UNSIGNED: _l("Written, unsigned"),
    AgreementForm.VERBAL: _l("Verbal"),
})


class PointStatus(Code):
    AGREED = "agreed"
    PARTIALLY_AGREED = "partially_agreed"
    NOT_AGREED = "not_agreed"


POINT_STATUS_LABELS = _labels(PointStatus, {
    # Translators: status of one point of an agreement (French "Accepté").
    PointStatus.AGREED: _l("Agreed"),
    PointStatus.PARTIALLY_AGREED: _l("Partly agreed"),
    PointStatus.NOT_AGREED: _l("Not agreed"),
})


class FollowUpResult(Code):
    HOLDING = "holding"
    PARTLY_HOLDING = "partly_holding"
    NOT_HOLDING = "not_holding"
    UNREACHABLE = "unreachable"


FOLLOW_UP_RESULT_LABELS = _labels(FollowUpResult, {
    FollowUpResult.HOLDING: _l("Agreement holding"),
    FollowUpResult.PARTLY_HOLDING: _l("Partly holding"),
    FollowUpResult.NOT_HOLDING: _l("Not holding"),
    FollowUpResult.UNREACHABLE: _l("Could not be reached"),
})


class ReferralDestination(Code):
    FAMILY_COURT = "family_court"
    PUBLIC_PROSECUTOR = "public_prosecutor"
    POLICE = "police"
    LEGAL_AID = "legal_aid"
    HEALTH = "health"
    LISTENING_CENTRE = "listening_centre"
    CHILD_PROTECTION_UNIT = "child_protection_unit"
    FAMILY_SOLIDARITY_FUND = "family_solidarity_fund"
    ENTRAIDE_NATIONALE = "entraide_nationale"
    OTHER_ASSOCIATION = "other_association"
    OTHER = "other"


REFERRAL_DESTINATION_LABELS = _labels(ReferralDestination, {
    ReferralDestination.FAMILY_COURT: _l("Family-justice section"),
    ReferralDestination.PUBLIC_PROSECUTOR: _l("Public prosecutor"),
    ReferralDestination.POLICE: _l("Police or Royal Gendarmerie"),
    ReferralDestination.LEGAL_AID: _l("Lawyer or legal aid"),
    ReferralDestination.HEALTH: _l("Health or mental-health service"),
    ReferralDestination.LISTENING_CENTRE: _l("Listening centre for women victims of violence"),
    ReferralDestination.CHILD_PROTECTION_UNIT: _l("Child-protection unit"),
    ReferralDestination.FAMILY_SOLIDARITY_FUND: _l("Family Solidarity Fund"),
    ReferralDestination.ENTRAIDE_NATIONALE: _l("Entraide Nationale"),
    ReferralDestination.OTHER_ASSOCIATION: _l("Other association"),
    ReferralDestination.OTHER: _l("Other"),
})


class SupervisionDecision(Code):
    CONTINUE = "continue"
    CHANGE_APPROACH = "change_approach"
    REASSIGN = "reassign"
    CLOSE = "close"
    SAFEGUARDING = "safeguarding"
    # Issue 7: refer the family to another service.
    REFER = "refer"


SUPERVISION_DECISION_LABELS = _labels(SupervisionDecision, {
    # Translators: a supervisor's decision on a case (French "Poursuivre"); not the "Continue" button.
    SupervisionDecision.CONTINUE: _l("Continue as planned"),
    SupervisionDecision.CHANGE_APPROACH: _l("Change approach or adaptations"),
    SupervisionDecision.REASSIGN: _l("Reassign the case"),
    SupervisionDecision.CLOSE: _l("Close the case"),
    SupervisionDecision.SAFEGUARDING: _l("Safeguarding escalation"),
    SupervisionDecision.REFER: _l("Refer to another service"),
})


class SupervisionTrigger(Code):
    """Why a supervision review took place (DOMAIN.md §2.14)."""

    PERIODIC = "periodic"
    POSITIVE_SCREEN = "positive_screen"
    FOLLOW_UP_ALERT = "follow_up_alert"
    MEDIATOR_REQUEST = "mediator_request"
    REOPEN = "reopen"


SUPERVISION_TRIGGER_LABELS = _labels(SupervisionTrigger, {
    SupervisionTrigger.PERIODIC: _l("Periodic review"),
    SupervisionTrigger.POSITIVE_SCREEN: _l("Positive screening"),
    SupervisionTrigger.FOLLOW_UP_ALERT: _l("Follow-up alert"),
    SupervisionTrigger.MEDIATOR_REQUEST: _l("Requested by the staff member"),
    SupervisionTrigger.REOPEN: _l("Reopened case"),
})


# --- §4.2 Age bands -------------------------------------------------------------------------

class AgeBand(Code):
    B0_3 = "0_3"
    B4_5 = "4_5"
    B6_11 = "6_11"
    B12_14 = "12_14"
    B15_17 = "15_17"
    B18_24 = "18_24"
    B25_34 = "25_34"
    B35_44 = "35_44"
    B45_59 = "45_59"
    B60_PLUS = "60_plus"
    UNKNOWN = "unknown"


# Arabic spells ranges out ("من 0 إلى 3"): a bare "0–3" is mirrored by the bidi algorithm.
AGE_BAND_LABELS = _labels(AgeBand, {
    AgeBand.B0_3: _l("0–3 years"),
    AgeBand.B4_5: _l("4–5 years"),
    AgeBand.B6_11: _l("6–11 years"),
    AgeBand.B12_14: _l("12–14 years"),
    AgeBand.B15_17: _l("15–17 years"),
    AgeBand.B18_24: _l("18–24 years"),
    AgeBand.B25_34: _l("25–34 years"),
    AgeBand.B35_44: _l("35–44 years"),
    AgeBand.B45_59: _l("45–59 years"),
    AgeBand.B60_PLUS: _l("60 years and over"),
    AgeBand.UNKNOWN: _l("Age unknown"),
})

# Lower bound in whole years of each band, youngest first.
_BAND_FLOORS = (
    (60, AgeBand.B60_PLUS), (45, AgeBand.B45_59), (35, AgeBand.B35_44), (25, AgeBand.B25_34),
    (18, AgeBand.B18_24), (15, AgeBand.B15_17), (12, AgeBand.B12_14), (6, AgeBand.B6_11),
    (4, AgeBand.B4_5), (0, AgeBand.B0_3),
)
CHILD_BANDS = frozenset({AgeBand.B0_3, AgeBand.B4_5, AgeBand.B6_11, AgeBand.B12_14, AgeBand.B15_17})
ADULT_BANDS = frozenset({AgeBand.B18_24, AgeBand.B25_34, AgeBand.B35_44, AgeBand.B45_59, AgeBand.B60_PLUS})


def age_in_years(birth: date | int, on: date) -> int:
    """Completed years on `on`, from a date of birth or, when only the year is known, a year.

    A year alone is read as born on 1 July of that year: the error is at most one year either
    way, and a person born in the year of `on` counts as 0. A 29 February birthday is reached on
    1 March in common years. Legal thresholds (majority, custody choice at 15) MUST NOT rest on an
    estimated year.
    """
    if isinstance(birth, bool) or not isinstance(birth, (date, int)):
        raise TypeError("birth is a date or a year")
    if isinstance(birth, int):
        if birth > on.year:
            raise ValueError("born after the reference date")
        return max(0, on.year - birth - ((on.month, on.day) < (7, 1)))
    if birth > on:
        raise ValueError("born after the reference date")
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_band(birth: date | int | None, on: date) -> AgeBand:
    """The age band on `on` (the case's `opened_on`); `unknown` without a birth date or year."""
    if birth is None:
        return AgeBand.UNKNOWN
    age = age_in_years(birth, on)
    return next(band for floor, band in _BAND_FLOORS if age >= floor)


def is_child(band: AgeBand | str) -> bool:
    """Under 18 by its band; `unknown` is not known to be a child, so False."""
    return AgeBand(band) in CHILD_BANDS


# --- §2.3 Case workflow ---------------------------------------------------------------------

@dataclass(frozen=True)
class Transition:
    """One allowed status change; its guard (DOMAIN.md §2.3) is checked by the cases service."""

    from_: CaseStatus
    to: CaseStatus
    by: frozenset[str]
    lead_only: bool = False
    needs_reason: bool = False


_MEDIATOR = frozenset({Role.MEDIATOR})
_SUPERVISOR = frozenset({Role.SUPERVISOR})
_BOTH = frozenset({Role.MEDIATOR, Role.SUPERVISOR})

_ROWS = (
    Transition(CaseStatus.INTAKE, CaseStatus.ASSESSMENT, _MEDIATOR),
    Transition(CaseStatus.INTAKE, CaseStatus.IN_COUNSELLING, _MEDIATOR),
    Transition(CaseStatus.ASSESSMENT, CaseStatus.IN_MEDIATION, _MEDIATOR),
    Transition(CaseStatus.ASSESSMENT, CaseStatus.IN_COUNSELLING, _BOTH),
    Transition(CaseStatus.IN_COUNSELLING, CaseStatus.ASSESSMENT, _MEDIATOR),
    Transition(CaseStatus.IN_MEDIATION, CaseStatus.IN_COUNSELLING, _MEDIATOR),
    Transition(CaseStatus.IN_MEDIATION, CaseStatus.SUSPENDED, _BOTH, needs_reason=True),
    Transition(CaseStatus.IN_COUNSELLING, CaseStatus.SUSPENDED, _BOTH, needs_reason=True),
    Transition(CaseStatus.SUSPENDED, CaseStatus.IN_MEDIATION, _SUPERVISOR),
    Transition(CaseStatus.SUSPENDED, CaseStatus.IN_COUNSELLING, _SUPERVISOR),
    # Closing needs a valid closure (§2.11); its outcome, not a separate reason, says why.
    *(Transition(status, CaseStatus.CLOSED, _MEDIATOR, lead_only=True) for status in CaseStatus
      if status in OPEN_STATUSES),
    Transition(CaseStatus.CLOSED, CaseStatus.ASSESSMENT, _SUPERVISOR, needs_reason=True),
)

TRANSITIONS: Mapping[tuple[CaseStatus, CaseStatus], Transition] = MappingProxyType(
    {(row.from_, row.to): row for row in _ROWS}
)


def allowed_transition(from_: CaseStatus | str, to: CaseStatus | str) -> Transition | None:
    """The workflow row for this change, or None: a change not listed MUST be rejected."""
    return TRANSITIONS.get((from_, to))
