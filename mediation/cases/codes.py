"""The code lists the case file stores (docs/domain.md, DOM62-DOM66).

Codes are the stored values and are frozen once released: add members, never rename or reuse one
(DOM62). Each member declares its English label beside its code (`mediation.core.codes.Code`).

`SessionType` lives here, below the appointments and the session log that store it, because the
mediation gate (DOM28) decides which session types wait for screening. The case workflow table is
in `mediation/cases/workflow_table.py`; the statistics' issue groups in `mediation/statistics/codes.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from flask_babel import lazy_gettext as _l

from mediation.core.codes import Code

# --- The case and its people (DOM14, DOM19-DOM24) ---------------------------------------------

class CaseStatus(Code):
    INTAKE = "intake", _l("Intake")
    ASSESSMENT = "assessment", _l("Assessment")
    IN_MEDIATION = "in_mediation", _l("In mediation")
    IN_COUNSELLING = "in_counselling", _l("In counselling")
    SUSPENDED = "suspended", _l("Suspended")
    # Translators: status of a case file (dossier, ملف).
    CLOSED = "closed", _l("Closed")


OPEN_STATUSES = frozenset(status for status in CaseStatus if status is not CaseStatus.CLOSED)


class ParticipantRole(Code):
    SPOUSE = "spouse", _l("Spouse")
    FORMER_SPOUSE = "former_spouse", _l("Former spouse")
    # Translators: a parent in a case; also where a child lives.
    FATHER = "father", _l("Father")
    # Translators: a parent in a case; also where a child lives.
    MOTHER = "mother", _l("Mother")
    # Translators: role in a case: a son or daughter of the family (Arabic ابن / ابنة).
    CHILD = "child", _l("Child")
    GRANDPARENT = "grandparent", _l("Grandparent")
    SIBLING = "sibling", _l("Sibling")
    IN_LAW = "in_law", _l("In-law")
    LEGAL_REPRESENTATIVE = "legal_representative", _l("Legal representative")
    OTHER_RELATIVE = "other_relative", _l("Other relative")


class Sex(Code):
    MALE = "male", _l("Male")
    FEMALE = "female", _l("Female")
    # Translators: a person's sex was not recorded.
    NOT_RECORDED = "not_recorded", _l("Not recorded")


class ChildLivesWith(Code):
    """Where a child participant lives (docs/domain.md, DOM24)."""

    MOTHER = "mother", _l("Mother")
    FATHER = "father", _l("Father")
    BOTH = "both", _l("Both parents")
    OTHER_RELATIVE = "other_relative", _l("Other relative")
    # Translators: a child lives neither with a parent nor with a relative (foster family, institution...).
    OTHER = "other", _l("Other arrangement")


class PreferredLanguage(Code):
    """A person's preferred language (docs/domain.md, DOM19); `ary` is spoken Moroccan Arabic."""

    AR = "ar", _l("Arabic")
    ARY = "ary", _l("Spoken Darija")
    ZGH = "zgh", _l("Amazigh")
    FR = "fr", _l("French")


# --- Intake and issues (DOM11) ----------------------------------------------------------------

class IntakeChannel(Code):
    WALK_IN = "walk_in", _l("Walk-in")
    # Translators: how a request reached the service (Arabic الهاتف).
    PHONE = "phone", _l("Phone")
    REFERRAL_LETTER = "referral_letter", _l("Referral letter")
    ONLINE = "online", _l("Online")
    OUTREACH = "outreach", _l("Outreach")


class ReferralSource(Code):
    SELF = "self", _l("Self-referred")
    FAMILY_MEMBER = "family_member", _l("Family member")
    FAMILY_COURT = "family_court", _l("Family-justice section or court social cell")
    PUBLIC_PROSECUTOR = "public_prosecutor", _l("Public prosecutor")
    LAWYER = "lawyer", _l("Lawyer")
    ASSOCIATION = "association", _l("Other association or listening centre")
    ENTRAIDE_NATIONALE = "entraide_nationale", _l("Entraide Nationale")
    HEALTH = "health", _l("Health service")
    SCHOOL = "school", _l("School")
    RELIGIOUS_GUIDE = "religious_guide", _l("Religious guide (murshida)")
    LOCAL_AUTHORITY = "local_authority", _l("Local authority")
    HOTLINE_ONLINE = "hotline_online", _l("Hotline or online")
    OTHER = "other", _l("Other")


class CourtStage(Code):
    NONE = "none", _l("No proceedings")
    PRE_ACTION = "pre_action", _l("Before proceedings")
    PENDING = "pending", _l("Pending before a family-justice section")
    POST_JUDGMENT = "post_judgment", _l("After judgment or enforcement")


class Issue(Code):
    MARITAL_DISCORD = "marital_discord", _l("Marital discord")
    SEPARATION_ARRANGEMENTS = "separation_arrangements", _l("Divorce or separation arrangements")
    CUSTODY = "custody", _l("Custody")
    VISITATION = "visitation", _l("Visitation and contact")
    CHILD_MAINTENANCE = "child_maintenance", _l("Child maintenance")
    SPOUSAL_ENTITLEMENTS = "spousal_entitlements", _l("Spousal entitlements (mut'a, housing)")
    EXPULSION_MARITAL_HOME = "expulsion_marital_home", _l("Expulsion from the marital home")
    IN_LAW_CONFLICT = "in_law_conflict", _l("Conflict with in-laws or extended family")
    PARENT_CHILD_CONFLICT = "parent_child_conflict", _l("Parent–child conflict")
    ELDERLY_CARE = "elderly_care", _l("Care of elderly parents")
    INHERITANCE = "inheritance", _l("Inheritance and estate")
    CHILD_UPBRINGING = "child_upbringing", _l("Child upbringing and schooling")
    OTHER = "other", _l("Other")
    # Points an agreement settles that the list above did not name (docs/domain.md, DOM77); a list only gains
    # members (DOM62).
    DEBTS = "debts", _l("Debts")
    PARENT_COMMUNICATION = "parent_communication", _l("Communication between the parents")


# --- Screening (DOM25-DOM28) ------------------------------------------------------------------

class ViolenceLevel(Code):
    # Translators: screening answer: the party disclosed no violence (French "Aucune déclarée").
    NONE = "none", _l("None disclosed")
    PAST = "past", _l("Past violence")
    CURRENT = "current", _l("Current violence")


class ViolenceType(Code):
    """The four categories of Law 103-13; sexual harassment is recorded as `sexual`."""

    PHYSICAL = "physical", _l("Physical violence")
    SEXUAL = "sexual", _l("Sexual violence")
    PSYCHOLOGICAL = "psychological", _l("Psychological violence")
    ECONOMIC = "economic", _l("Economic violence")


class GatingIndicator(Code):
    """A yes on any of these makes the screen positive."""

    IMMEDIATE_DANGER = "immediate_danger", _l("Immediate danger")
    FEAR_OF_OTHER_PARTY = "fear_of_other_party", _l("Fear of the other party")
    COERCIVE_CONTROL = "coercive_control", _l("Coercive control")
    CHILD_PROTECTION_CONCERN = "child_protection_concern", _l("Child-protection concern")
    ABDUCTION_THREAT = "abduction_threat", _l("Threat to take a child away")


class Concern(Code):
    """Informs the screening decision; never gates."""

    SUBSTANCE_MISUSE = "substance_misuse", _l("Alcohol or drug misuse")
    MENTAL_HEALTH_CAPACITY = "mental_health_capacity", _l("Mental-health or capacity concern")
    LANGUAGE_LITERACY = "language_literacy", _l("Language or literacy barrier")
    FINANCIAL_IMBALANCE = "financial_imbalance", _l("Financial imbalance")


class ScreeningDecision(Code):
    """A supervisor's decision after screening; also the mediator's recommendation."""

    PROCEED = "proceed", _l("Proceed, no adaptation")
    PROCEED_WITH_ADAPTATIONS = "proceed_with_adaptations", _l("Proceed with adaptations")
    COUNSELLING_ONLY = "counselling_only", _l("Counselling only, no mediation")
    NOT_SUITABLE = "not_suitable", _l("Not suitable: close or refer")


class Adaptation(Code):
    SEPARATE_SESSIONS = "separate_sessions", _l("Separate sessions only")
    SHUTTLE = "shuttle", _l("Shuttle mediation")
    STAGGERED_ARRIVAL = "staggered_arrival", _l("Staggered arrival and departure")
    SEPARATE_WAITING_ROOMS = "separate_waiting_rooms", _l("Separate waiting rooms")
    CO_MEDIATION = "co_mediation", _l("Co-mediation")
    REMOTE = "remote", _l("Remote (video or phone)")
    SUPPORT_PERSON = "support_person", _l("Support person present")
    REFER_FIRST = "refer_first", _l("Referral before going on")


# --- Consent, sessions and notes (DOM32-DOM39) ------------------------------------------------

class ConsentScope(Code):
    MEDIATION = "mediation", _l("Take part in mediation")
    DATA_PROCESSING = "data_processing", _l("Processing of personal data for the service")
    SENSITIVE_DATA = "sensitive_data", _l("Psychological (health) data")
    CHILD_CONSULTATION = "child_consultation", _l("Hearing the child")
    # What it covers exactly (docs/domain.md, DOM143): calls, SMS and e-mail, by the contact profile's channels.
    CONTACT = "contact", _l("Contact by the service: calls, SMS and e-mail")
    SHARE_FOR_REFERRAL = "share_for_referral", _l("Share data with a referral destination")
    STATISTICS = "statistics", _l("Counted in anonymous statistics")


class ConsentStatus(Code):
    """One consent row's status (docs/domain.md, DOM32)."""

    GIVEN = "given", _l("Consent given")
    REFUSED = "refused", _l("Consent refused")
    WITHDRAWN = "withdrawn", _l("Consent withdrawn")


class SessionType(Code):
    INDIVIDUAL = "individual", _l("Individual meeting (information, screening)")
    JOINT_MEDIATION = "joint_mediation", _l("Joint mediation")
    SHUTTLE_MEDIATION = "shuttle_mediation", _l("Shuttle mediation")
    COUNSELLING_PSYCHOLOGICAL = "counselling_psychological", _l("Psychological counselling")
    COUNSELLING_SOCIAL = "counselling_social", _l("Social counselling")
    COUNSELLING_LEGAL = "counselling_legal", _l("Legal counselling")
    POSITIVE_PARENTING = "positive_parenting", _l("Positive parenting")
    CHILD_CONSULTATION = "child_consultation", _l("Child consultation")
    FOLLOW_UP = "follow_up", _l("Follow-up session")


class NoteVisibility(Code):
    JOINT = "joint", _l("Shared with the parties")
    PRIVATE_PARTY = "private_party", _l("Private with one party")
    # Translators: who may read a note: the professional team only.
    STAFF_ONLY = "staff_only", _l("Staff only")


# --- Closure and outcomes (DOM53-DOM54, DOM65) ------------------------------------------------

class Outcome(Code):
    AGREEMENT_FULL = "agreement_full", _l("Full agreement")
    AGREEMENT_PARTIAL = "agreement_partial", _l("Partial agreement")
    RECONCILIATION = "reconciliation", _l("Reconciliation: married life resumed")
    NO_AGREEMENT = "no_agreement", _l("Mediation ended without agreement")
    COUNSELLING_COMPLETED = "counselling_completed", _l("Counselling completed, no mediation")
    OTHER_PARTY_DECLINED = "other_party_declined", _l("Other party refused or did not come")
    NOT_SUITABLE = "not_suitable", _l("Not suitable after assessment")
    PARTY_WITHDREW = "party_withdrew", _l("A party withdrew")
    TERMINATED_SAFETY = "terminated_safety", _l("Ended for safety or capacity")
    TERMINATED_NO_GENUINE_EFFORT = "terminated_no_genuine_effort", _l("Ended: no genuine effort")
    REFERRED_TO_JUSTICE = "referred_to_justice", _l("Referred to court or prosecutor")
    REFERRED_OTHER_SERVICE = "referred_other_service", _l("Referred to another service")
    LOST_CONTACT = "lost_contact", _l("Contact lost")
    TRANSFERRED = "transferred", _l("Transferred to another association")
    OPENED_IN_ERROR = "opened_in_error", _l("Opened in error")


class OutcomeGroup(Code):
    """The published grouping of outcomes; `excluded` is never counted."""

    AGREEMENT = "agreement", _l("Agreement or reconciliation")
    NO_AGREEMENT = "no_agreement", _l("No agreement")
    COUNSELLING = "counselling", _l("Counselling only")
    NOT_STARTED = "not_started", _l("Mediation not started")
    ENDED_EARLY = "ended_early", _l("Ended early")
    REFERRED = "referred", _l("Referred elsewhere")
    ADMINISTRATIVE = "administrative", _l("Administrative closure")
    EXCLUDED = "excluded", _l("Excluded from statistics")


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


# --- Agreements, follow-up and referrals (DOM63) ----------------------------------------------

class AgreementLevel(Code):
    """Derived from the points: full if all agreed, none if none agreed, else partial."""

    FULL = "full", _l("Full agreement")
    PARTIAL = "partial", _l("Partial agreement")
    NONE = "none", _l("No agreement")


class AgreementNature(Code):
    RECONCILIATION = "reconciliation", _l("Reconciliation")
    SEPARATION_ARRANGEMENTS = "separation_arrangements", _l("Post-separation arrangements")
    OTHER = "other", _l("Other family arrangements")


class AgreementForm(Code):
    WRITTEN_SIGNED = "written_signed", _l("Written and signed")
    WRITTEN_UNSIGNED = "written_unsigned", _l("Written, unsigned")
    VERBAL = "verbal", _l("Verbal")


class PointStatus(Code):
    # Translators: status of one point of an agreement (French "Accepté").
    AGREED = "agreed", _l("Agreed")
    PARTIALLY_AGREED = "partially_agreed", _l("Partly agreed")
    NOT_AGREED = "not_agreed", _l("Not agreed")


class FollowUpResult(Code):
    HOLDING = "holding", _l("Agreement holding")
    PARTLY_HOLDING = "partly_holding", _l("Partly holding")
    NOT_HOLDING = "not_holding", _l("Not holding")
    UNREACHABLE = "unreachable", _l("Could not be reached")


class ReferralDestination(Code):
    FAMILY_COURT = "family_court", _l("Family-justice section")
    PUBLIC_PROSECUTOR = "public_prosecutor", _l("Public prosecutor")
    POLICE = "police", _l("Police or Royal Gendarmerie")
    LEGAL_AID = "legal_aid", _l("Lawyer or legal aid")
    HEALTH = "health", _l("Health or mental-health service")
    LISTENING_CENTRE = "listening_centre", _l("Listening centre for women victims of violence")
    CHILD_PROTECTION_UNIT = "child_protection_unit", _l("Child-protection unit")
    FAMILY_SOLIDARITY_FUND = "family_solidarity_fund", _l("Family Solidarity Fund")
    ENTRAIDE_NATIONALE = "entraide_nationale", _l("Entraide Nationale")
    OTHER_ASSOCIATION = "other_association", _l("Other association")
    OTHER = "other", _l("Other")


# --- Age bands (DOM22-DOM23, DOM66) -----------------------------------------------------------

# Arabic spells ranges out ("من 0 إلى 3"): a bare "0–3" is mirrored by the bidi algorithm.
class AgeBand(Code):
    B0_3 = "0_3", _l("0–3 years")
    B4_5 = "4_5", _l("4–5 years")
    B6_11 = "6_11", _l("6–11 years")
    B12_14 = "12_14", _l("12–14 years")
    B15_17 = "15_17", _l("15–17 years")
    B18_24 = "18_24", _l("18–24 years")
    B25_34 = "25_34", _l("25–34 years")
    B35_44 = "35_44", _l("35–44 years")
    B45_59 = "45_59", _l("45–59 years")
    B60_PLUS = "60_plus", _l("60 years and over")
    UNKNOWN = "unknown", _l("Age unknown")


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


# --- Opening a case outside one's assignment (DOM13; docs/security.md, P4) --------------------

class AccessReason(Code):
    """Why a supervisor opens a case that is not theirs."""

    # The supervisor takes the case on: they are not asked again.
    SUPERVISE = "supervise", _l("I am taking on the supervision of this case")
    # A screening decision or a request waits for them.
    DECISION = "decision", _l("A decision is waiting for me (screening, request)")
    REVIEW = "review", _l("Case review")
    REASSIGNMENT = "reassignment", _l("Reassignment to another staff member")
    FAMILY_REQUEST = "family_request", _l("A request or a complaint from the family")
    # Needs a note.
    OTHER = "other", _l("Another reason (say which)")


class NoticeKind(Code):
    """What a notice in the application tells a staff member about a case (docs/domain.md, DOM72).

    A notice names its case's reference and one of these kinds, nothing more."""

    DECISION = "decision", _l("A supervisor decided on the case")
    REASSIGNED = "reassigned", _l("The case was reassigned to you")
    REVIEW_ACTION = "review_action", _l("A supervision review asks for an action")
    CO_WORKER = "co_worker", _l("You were added to the case as a co-worker")
