"""Code lists: exactly the codes of docs/domain.md, DOM63-DOM66, labelled, grouped, and the DOM14 workflow."""

from __future__ import annotations

import importlib
import re
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms.fields.choices import SelectChoice

from mediation.accounts import codes as account_codes
from mediation.aftercare import codes as aftercare_codes
from mediation.appointments import codes as appointment_codes
from mediation.attachments import codes as attachment_codes
from mediation.cases import codes as case_codes
from mediation.cases.codes import (
    OUTCOME_GROUP,
    AgeBand,
    CaseStatus,
    Issue,
    Outcome,
    OutcomeGroup,
    age_band,
    age_in_years,
    is_child,
)
from mediation.cases.workflow_table import TRANSITIONS, allowed_transition
from mediation.core import authz
from mediation.core import codes as core_codes
from mediation.core.codes import Code, choices
from mediation.documents import codes as document_codes
from mediation.groups import codes as group_codes
from mediation.referrals import codes as referral_codes
from mediation.sms_templates import codes as sms_template_codes
from mediation.statistics import codes as statistics_codes
from mediation.statistics.codes import IssueGroup, issue_group
from mediation.subject_requests import codes as subject_request_codes
from mediation.supervision import codes as supervision_codes

# Never opens a connection to the database under test: .ci/run's PostgreSQL pass leaves it out.
pytestmark = pytest.mark.database_independent

# Copied from docs/domain.md (DOM63-DOM66) and docs/statistics.md (ST5), in the documents' order.
EXPECTED = {
    case_codes.CaseStatus: ("intake", "assessment", "in_mediation", "in_counselling", "suspended", "closed"),
    case_codes.ParticipantRole: ("spouse", "former_spouse", "father", "mother", "child", "grandparent", "sibling",
                                 "in_law", "legal_representative", "other_relative"),
    case_codes.Sex: ("male", "female", "not_recorded"),
    case_codes.ChildLivesWith: ("mother", "father", "both", "other_relative", "other"),
    case_codes.PreferredLanguage: ("ar", "ary", "zgh", "fr"),
    case_codes.IntakeChannel: ("walk_in", "phone", "referral_letter", "online", "outreach"),
    case_codes.ReferralSource: ("self", "family_member", "family_court", "public_prosecutor", "lawyer", "association",
                                "entraide_nationale", "health", "school", "religious_guide", "local_authority",
                                "hotline_online", "other"),
    case_codes.CourtStage: ("none", "pre_action", "pending", "post_judgment"),
    case_codes.Issue: ("marital_discord", "separation_arrangements", "custody", "visitation", "child_maintenance",
                       "spousal_entitlements", "expulsion_marital_home", "in_law_conflict", "parent_child_conflict",
                       "elderly_care", "inheritance", "child_upbringing", "other", "debts", "parent_communication"),
    statistics_codes.IssueGroup: ("children", "separation", "marital_discord", "wider_family", "other"),
    statistics_codes.CorrectionReason: ("data_entry_error", "late_records", "opened_in_error", "method_change"),
    case_codes.ViolenceLevel: ("none", "past", "current"),
    case_codes.ViolenceType: ("physical", "sexual", "psychological", "economic"),
    case_codes.GatingIndicator: ("immediate_danger", "fear_of_other_party", "coercive_control",
                                 "child_protection_concern", "abduction_threat"),
    case_codes.Concern: ("substance_misuse", "mental_health_capacity", "language_literacy", "financial_imbalance"),
    case_codes.ScreeningDecision: ("proceed", "proceed_with_adaptations", "counselling_only", "not_suitable"),
    case_codes.Adaptation: ("separate_sessions", "shuttle", "staggered_arrival", "separate_waiting_rooms",
                            "co_mediation", "remote", "support_person", "refer_first"),
    case_codes.ConsentScope: ("mediation", "data_processing", "sensitive_data", "child_consultation", "contact",
                              "share_for_referral", "statistics"),
    case_codes.ConsentStatus: ("given", "refused", "withdrawn"),
    case_codes.SessionType: ("individual", "joint_mediation", "shuttle_mediation", "counselling_psychological",
                             "counselling_social", "counselling_legal", "positive_parenting", "child_consultation",
                             "follow_up"),
    appointment_codes.SessionMode: ("in_person", "phone", "video"),
    case_codes.NoteVisibility: ("joint", "private_party", "staff_only"),
    appointment_codes.AppointmentStatus: ("scheduled", "confirmed", "cancelled_by_party", "cancelled_by_service",
                                          "held", "missed"),
    case_codes.Outcome: ("agreement_full", "agreement_partial", "reconciliation", "no_agreement",
                         "counselling_completed", "other_party_declined", "not_suitable", "party_withdrew",
                         "terminated_safety", "terminated_no_genuine_effort", "referred_to_justice",
                         "referred_other_service", "lost_contact", "transferred", "opened_in_error"),
    case_codes.OutcomeGroup: ("agreement", "no_agreement", "counselling", "not_started", "ended_early", "referred",
                              "administrative", "excluded"),
    case_codes.AgreementLevel: ("full", "partial", "none"),
    case_codes.AgreementNature: ("reconciliation", "separation_arrangements", "other"),
    case_codes.AgreementForm: ("written_signed", "written_unsigned", "verbal"),
    case_codes.PointStatus: ("agreed", "partially_agreed", "not_agreed"),
    case_codes.FollowUpResult: ("holding", "partly_holding", "not_holding", "unreachable"),
    referral_codes.Urgency: ("urgent", "routine"),
    referral_codes.ReferralStatus: ("made", "accepted", "declined", "no_answer"),
    referral_codes.SharedData: ("identity", "contact_details", "case_summary", "screening_outcome"),
    referral_codes.SafeguardingGround: ("child_at_risk", "adult_at_risk"),
    referral_codes.ExceptionStatus: ("pending", "approved", "refused"),
    attachment_codes.AttachmentKind: ("court_referral_letter", "court_order", "signed_agreement",
                                      "signed_consent_form", "identity_document", "other"),
    attachment_codes.AttachmentVisibility: ("case_staff", "psychologists"),
    attachment_codes.ContentType: ("pdf", "jpeg", "png"),
    attachment_codes.StorageBackend: ("database", "object_store"),
    document_codes.DocumentKind: ("agreement", "convocation", "attestation", "closure_letter"),
    document_codes.DocumentLanguage: ("ar", "fr"),
    document_codes.BringItem: ("identity_card", "family_record_book", "court_papers", "expense_papers",
                               "convocation"),
    case_codes.ReferralDestination: ("family_court", "public_prosecutor", "police", "legal_aid", "health",
                                     "listening_centre", "child_protection_unit", "family_solidarity_fund",
                                     "entraide_nationale", "other_association", "other"),
    supervision_codes.SupervisionDecision: ("continue", "change_approach", "reassign", "close", "safeguarding",
                                            "refer"),
    supervision_codes.SupervisionTrigger: ("periodic", "positive_screen", "follow_up_alert", "mediator_request",
                                           "reopen"),
    case_codes.NoticeKind: ("decision", "reassigned", "review_action", "co_worker"),
    aftercare_codes.AftercareStatus: ("planned", "done", "cancelled"),
    aftercare_codes.ContactMode: ("phone", "met", "not_reached"),
    aftercare_codes.AftercareAction: ("none", "reopen_requested", "referral"),
    case_codes.AgeBand: ("0_3", "4_5", "6_11", "12_14", "15_17", "18_24", "25_34", "35_44", "45_59", "60_plus",
                         "unknown"),
    # The other stored codes of DOM63: a supervisor's reason for opening a case outside their assignment,
    # the kinds of service point, the register of data-subject requests, and the roles and professions.
    case_codes.AccessReason: ("supervise", "decision", "review", "reassignment", "family_request", "other"),
    account_codes.ServicePointKind: ("jisr_al_usra", "mediation_centre", "listening_centre", "other"),
    account_codes.AgendaChannel: ("email", "sms", "none"),
    subject_request_codes.RequestType: ("access", "rectification", "opposition"),
    subject_request_codes.RequestOutcome: ("granted", "partly_granted", "refused", "withdrawn"),
    authz.Role: ("admin", "ministry", "supervisor", "mediator"),
    authz.Profession: ("mediator", "psychologist", "social_worker", "legal_counsellor"),
    # Positive-parenting groups and activities (docs/domain.md, DOM120, DOM121, DOM124, DOM130).
    group_codes.ProgrammeTarget: ("parents_young_children", "parents_adolescents", "couples", "grandparents"),
    group_codes.GroupStatus: ("planned", "running", "finished", "cancelled"),
    group_codes.EnrolmentStatus: ("enrolled", "took_part", "completed", "dropped_out"),
    group_codes.ActivityTheme: ("awareness_talk", "intergenerational_day", "social_protection_info", "other"),
    # The association's SMS texts (docs/domain.md, DOM146, DOM148).
    sms_template_codes.MessageKind: ("appointment_reminder", "convocation", "group_reminder"),
    sms_template_codes.TemplateLanguage: ("ar", "fr", "ary_latn", "ary_arab"),
}


PACKAGE = Path(__file__).resolve().parents[2] / "mediation"


def code_modules() -> list[ModuleType]:
    """Every feature's codes.py (docs/architecture.md, A3), core's machinery included, and the roles."""
    return [*(importlib.import_module(f"mediation.{path.parent.name}.codes")
              for path in sorted(PACKAGE.glob("*/codes.py"))), authz]


def code_lists() -> list[type[Code]]:
    return [value for module in code_modules() for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Code) and value is not Code
            and value.__module__ == module.__name__]


def test_every_code_list_is_checked_here():
    assert {module.__name__ for module in code_modules()} >= {
        "mediation.core.codes", "mediation.accounts.codes", "mediation.cases.codes", "mediation.appointments.codes",
        "mediation.supervision.codes", "mediation.statistics.codes", "mediation.subject_requests.codes"}
    assert set(code_lists()) == set(EXPECTED)


def test_core_holds_the_machinery_only():
    assert not [value for value in vars(core_codes).values()
                if isinstance(value, type) and issubclass(value, Code) and value is not Code]


@pytest.mark.parametrize("enum_cls", list(EXPECTED), ids=lambda cls: cls.__name__)
def test_codes_are_exactly_those_of_the_domain(enum_cls):
    assert tuple(member.value for member in enum_cls) == EXPECTED[enum_cls]


@pytest.mark.parametrize("enum_cls", list(EXPECTED), ids=lambda cls: cls.__name__)
def test_codes_fit_the_storage_convention(enum_cls):
    for member in enum_cls:
        assert re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", member.value), member
        assert len(member.value) <= 32  # enum_column stores codes in VARCHAR(32)
        assert member == member.value and isinstance(member, str)


@pytest.mark.parametrize("enum_cls", list(EXPECTED), ids=lambda cls: cls.__name__)
def test_every_member_has_a_distinct_lazy_label(app, enum_cls):
    with app.app_context():
        texts = []
        for member in enum_cls:
            assert isinstance(member.label, LazyString), member
            text = str(member.label)
            assert text.strip(), member
            texts.append(text)
        assert len(set(texts)) == len(texts), f"{enum_cls.__name__}: two options would read the same"


def test_labels_follow_the_domain_english(app):
    with app.app_context():
        assert str(Outcome.AGREEMENT_FULL.label) == "Full agreement"
        assert str(CaseStatus.IN_MEDIATION.label) == "In mediation"
        assert str(case_codes.ReferralSource.SELF.label) == "Self-referred"
        assert str(case_codes.PreferredLanguage.ARY.label) == "Spoken Darija"


def test_choices_are_select_choices_in_declaration_order():
    options = choices(appointment_codes.SessionMode)
    assert all(isinstance(option, SelectChoice) for option in options)
    assert [option.value for option in options] == ["in_person", "phone", "video"]
    assert options[0].label is appointment_codes.SessionMode.IN_PERSON.label
    subset = choices([Outcome.OPENED_IN_ERROR])
    assert [option.value for option in subset] == ["opened_in_error"]


def test_a_member_without_a_lazy_label_fails_at_import():
    with pytest.raises(TypeError):
        class Unlabelled(Code):
            ONE = "one"
    with pytest.raises(TypeError):
        class TranslatedAtImport(Code):
            ONE = "one", "One"


def test_a_label_is_declared_beside_its_code(app):
    class Pair(Code):
        ONE = "one", _l("One")
        TWO = "two", _l("Two")

    assert [member.value for member in Pair] == ["one", "two"]
    assert str(Pair.ONE) == "one" and Pair("two") is Pair.TWO and Pair.ONE == "one"
    assert isinstance(Pair.ONE.label, LazyString)
    with app.app_context():
        assert [str(member.label) for member in Pair] == ["One", "Two"]


# --- Workflow (docs/domain.md, DOM14) ---

OPEN = ("intake", "assessment", "in_mediation", "in_counselling", "suspended")
EXPECTED_TRANSITIONS = {
    # (from, to): (roles, lead_only, needs_reason)
    ("intake", "assessment"): ({"mediator"}, False, False),
    ("intake", "in_counselling"): ({"mediator"}, False, False),
    ("assessment", "in_mediation"): ({"mediator"}, False, False),
    ("assessment", "in_counselling"): ({"mediator", "supervisor"}, False, False),
    ("in_counselling", "assessment"): ({"mediator"}, False, False),
    ("in_mediation", "in_counselling"): ({"mediator"}, False, False),
    ("in_mediation", "suspended"): ({"mediator", "supervisor"}, False, True),
    ("in_counselling", "suspended"): ({"mediator", "supervisor"}, False, True),
    ("suspended", "in_mediation"): ({"supervisor"}, False, False),
    ("suspended", "in_counselling"): ({"supervisor"}, False, False),
    **{(status, "closed"): ({"mediator"}, True, False) for status in OPEN},
    ("closed", "assessment"): ({"supervisor"}, False, True),
}


def test_transitions_are_exactly_the_rows_of_the_domain():
    assert set(TRANSITIONS) == set(EXPECTED_TRANSITIONS)
    assert len(TRANSITIONS) == 16
    for (from_, to), (roles, lead_only, needs_reason) in EXPECTED_TRANSITIONS.items():
        row = allowed_transition(from_, to)
        assert row is not None, (from_, to)
        assert (row.from_, row.to) == (from_, to)
        assert set(row.by) == roles, (from_, to)
        assert (row.lead_only, row.needs_reason) == (lead_only, needs_reason), (from_, to)


def test_transition_lookup_examples():
    assert "mediator" in allowed_transition(CaseStatus.INTAKE, CaseStatus.ASSESSMENT).by
    reopen = allowed_transition("closed", "assessment")
    assert reopen.by == frozenset({"supervisor"}) and reopen.needs_reason
    resume = allowed_transition("suspended", "in_mediation")
    assert resume.by == frozenset({"supervisor"}) and "mediator" not in resume.by
    assert allowed_transition("in_mediation", "intake") is None
    assert allowed_transition("closed", "in_mediation") is None
    assert allowed_transition("closed", "closed") is None
    assert allowed_transition("intake", "in_mediation") is None  # screening comes first
    assert allowed_transition("intake", "nonsense") is None
    for status in OPEN:
        assert allowed_transition(status, "closed").lead_only


def test_transition_rows_are_immutable():
    with pytest.raises(TypeError):
        TRANSITIONS[("closed", "intake")] = TRANSITIONS[("closed", "assessment")]  # type: ignore[index]
    with pytest.raises(AttributeError):
        allowed_transition("intake", "assessment").by = frozenset({"admin"})  # type: ignore[misc]


# --- Statistical groups (docs/domain.md, DOM64, DOM65; docs/statistics.md, ST5) ---

def test_every_issue_belongs_to_one_group():
    assert set(statistics_codes.ISSUE_GROUP) == set(Issue)
    assert statistics_codes.ISSUE_GROUP[Issue.CUSTODY] is IssueGroup.CHILDREN
    assert statistics_codes.ISSUE_GROUP[Issue.EXPULSION_MARITAL_HOME] is IssueGroup.SEPARATION
    assert statistics_codes.ISSUE_GROUP[Issue.INHERITANCE] is IssueGroup.WIDER_FAMILY


@pytest.mark.parametrize("issues,group", [
    (["custody"], "children"),
    (["child_upbringing", "marital_discord", "separation_arrangements"], "children"),
    (["marital_discord", "spousal_entitlements"], "separation"),
    (["in_law_conflict", "marital_discord"], "marital_discord"),
    (["other", "elderly_care"], "wider_family"),
    (["inheritance", "parent_child_conflict"], "wider_family"),
    (["other"], "other"),
    (["other", "visitation"], "children"),
    ([Issue.EXPULSION_MARITAL_HOME, Issue.OTHER], "separation"),
])
def test_issue_group_takes_the_first_matching_group(issues, group):
    assert issue_group(issues) == group
    assert issue_group(reversed(issues)) == group  # the order of the case's issues does not matter


def test_issue_group_refuses_no_issue_or_an_unknown_code():
    with pytest.raises(ValueError):
        issue_group([])
    with pytest.raises(ValueError):
        issue_group(["divorce"])


def test_outcome_groups_follow_the_domain_table():
    expected = {
        "agreement_full": "agreement", "agreement_partial": "agreement", "reconciliation": "agreement",
        "no_agreement": "no_agreement", "counselling_completed": "counselling",
        "other_party_declined": "not_started", "not_suitable": "not_started",
        "party_withdrew": "ended_early", "terminated_safety": "ended_early",
        "terminated_no_genuine_effort": "ended_early",
        "referred_to_justice": "referred", "referred_other_service": "referred",
        "lost_contact": "administrative", "transferred": "administrative",
        "opened_in_error": "excluded",
    }
    assert {outcome.value: group.value for outcome, group in OUTCOME_GROUP.items()} == expected
    assert set(OUTCOME_GROUP.values()) == set(OutcomeGroup)


# --- Age bands (docs/domain.md, DOM66) ---

@pytest.mark.parametrize("birth,on,band", [
    (date(2010, 6, 1), date(2025, 5, 31), "12_14"),   # 14, the day before the 15th birthday
    (date(2010, 6, 1), date(2025, 6, 1), "15_17"),    # 15th birthday
    (date(2010, 6, 1), date(2028, 5, 31), "15_17"),   # still 17
    (date(2010, 6, 1), date(2028, 6, 1), "18_24"),    # 18th birthday: an adult
    (date(2025, 5, 31), date(2025, 5, 31), "0_3"),    # born that day
    (date(2021, 6, 2), date(2025, 6, 1), "0_3"),      # 3, the day before the 4th birthday
    (date(2021, 6, 1), date(2025, 6, 1), "4_5"),
    (date(2019, 6, 1), date(2025, 6, 1), "6_11"),
    (date(2013, 6, 1), date(2025, 6, 1), "12_14"),
    (date(2001, 6, 1), date(2025, 6, 1), "18_24"),    # 24
    (date(2000, 6, 1), date(2025, 6, 1), "25_34"),
    (date(1990, 6, 1), date(2025, 6, 1), "35_44"),
    (date(1980, 6, 1), date(2025, 6, 1), "45_59"),
    (date(1965, 6, 2), date(2025, 6, 1), "45_59"),    # 59
    (date(1965, 6, 1), date(2025, 6, 1), "60_plus"),
    (date(1920, 1, 1), date(2025, 6, 1), "60_plus"),
    (None, date(2025, 6, 1), "unknown"),
])
def test_age_band_from_a_date_of_birth(birth, on, band):
    assert age_band(birth, on) == band


def test_a_29_february_birthday_is_reached_on_1_march_in_common_years():
    born = date(2008, 2, 29)
    assert age_band(born, date(2026, 2, 28)) is AgeBand.B15_17
    assert age_band(born, date(2026, 3, 1)) is AgeBand.B18_24
    assert age_in_years(born, date(2028, 2, 29)) == 20


@pytest.mark.parametrize("year,on,age", [
    (2010, date(2025, 6, 30), 14),   # a year alone counts as born on 1 July
    (2010, date(2025, 7, 1), 15),
    (2007, date(2025, 12, 31), 18),
    (2025, date(2025, 3, 1), 0),     # born this year: never a negative age
    (2025, date(2025, 12, 31), 0),
])
def test_age_from_a_year_alone(year, on, age):
    assert age_in_years(year, on) == age


def test_age_band_from_a_year_alone():
    assert age_band(2010, date(2025, 6, 30)) is AgeBand.B12_14
    assert age_band(2010, date(2025, 7, 1)) is AgeBand.B15_17


@pytest.mark.parametrize("birth", [date(2025, 6, 2), 2026])
def test_a_birth_after_the_reference_date_is_refused(birth):
    with pytest.raises(ValueError):
        age_band(birth, date(2025, 6, 1))


@pytest.mark.parametrize("birth", ["2010-06-01", 2010.0, True])
def test_a_birth_of_another_type_is_refused(birth):
    with pytest.raises(TypeError):
        age_band(birth, date(2025, 6, 1))


def test_is_child_splits_at_18():
    children = {"0_3", "4_5", "6_11", "12_14", "15_17"}
    for band in AgeBand:
        assert is_child(band) is (band.value in children), band
    assert is_child("15_17") and not is_child("18_24")
    assert not is_child(AgeBand.UNKNOWN)
    assert case_codes.CHILD_BANDS | case_codes.ADULT_BANDS == set(AgeBand) - {AgeBand.UNKNOWN}
    with pytest.raises(ValueError):
        is_child("18_plus")
