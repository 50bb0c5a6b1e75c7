"""The mediation gate: may these parties meet in a joint session now? (docs/domain.md, DOM28-DOM29).

Asked before booking or logging a gated session and before the case enters mediation; each refusal
names its check so that the page can say what is missing."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.cases.codes import (
    CaseStatus,
    ConsentScope,
    ConsentStatus,
    SessionType,
)
from mediation.cases.models import (
    Case,
    ScreeningResult,
)
from mediation.cases.queries.safety import (
    PROCEED_DECISIONS,
    current_consents,
    latest_decision,
    latest_screenings,
    parties_of,
    rescreening_since,
)
from mediation.cases.services.safety import GATED_SESSION_TYPES, NO_JOINT


class GateCheck(enum.StrEnum):
    NOT_IN_MEDIATION = "not_in_mediation"
    IMMEDIATE_DANGER = "immediate_danger"
    NO_PARTY = "no_party"
    NOT_A_PARTY = "not_a_party"
    NOT_SCREENED = "not_screened"
    NO_MEDIATION_CONSENT = "no_mediation_consent"
    NO_DECISION = "no_decision"
    DECISION_AGAINST = "decision_against"
    NO_JOINT_SESSION = "no_joint_session"


GATE_MESSAGES = {
    GateCheck.NOT_IN_MEDIATION: _l("The case is not in mediation."),
    GateCheck.IMMEDIATE_DANGER: _l("The case is flagged for immediate danger: a supervisor must clear the flag first."),
    GateCheck.NO_PARTY: _l("No party is due to take part in mediation."),
    GateCheck.NOT_A_PARTY: _l("Only adult parties of this case take part in mediation."),
    GateCheck.NOT_SCREENED: _l("This party still needs a screening."),
    GateCheck.NO_MEDIATION_CONSENT: _l("This party has not given consent to mediation, or has withdrawn it."),
    GateCheck.NO_DECISION: _l("A positive screening needs a later supervisor decision to proceed."),
    GateCheck.DECISION_AGAINST: _l("The latest supervisor decision does not allow mediation."),
    GateCheck.NO_JOINT_SESSION: _l("The supervisor's decision rules out joint sessions."),
}


@dataclass(frozen=True)
class GateProblem:
    """Why the gate is closed; participant_id (a database id) names the party concerned, if any."""

    check: GateCheck
    participant_id: int | None = None

    @property
    def message(self):
        return GATE_MESSAGES[self.check]


def mediation_gate(session: Session, case: Case, attending_participant_ids: Iterable[int] | None = None,
                   session_type: SessionType | str | None = None) -> list[GateProblem]:
    """The mediation gate of docs/domain.md, DOM28; an empty list means it is open.

    attending_participant_ids: participant database ids; None means every
    party due to take part (parties_of). session_type None checks the move
    into mediation (status changes): (2) and (3), and no immediate danger.
    A joint or shuttle session type checks (1)-(4); any other type is never gated.
    """
    if session_type is not None and SessionType(session_type) not in GATED_SESSION_TYPES:
        return []
    problems: list[GateProblem] = []
    if session_type is not None and case.status is not CaseStatus.IN_MEDIATION:
        problems.append(GateProblem(GateCheck.NOT_IN_MEDIATION))
    if case.immediate_danger:
        problems.append(GateProblem(GateCheck.IMMEDIATE_DANGER))

    eligible = parties_of(session, case)
    if attending_participant_ids is None:
        attending = eligible
    else:
        by_id = {participant.id: participant for participant in eligible}
        wanted = list(dict.fromkeys(attending_participant_ids))
        attending = [by_id[pid] for pid in wanted if pid in by_id]
        problems += [GateProblem(GateCheck.NOT_A_PARTY, pid) for pid in wanted if pid not in by_id]
    if not attending:
        problems.append(GateProblem(GateCheck.NO_PARTY))

    ids = [participant.id for participant in attending]
    screenings = latest_screenings(session, ids)
    consents = current_consents(session, ids)
    since = rescreening_since(session, case)
    last_positive: datetime | None = None
    for participant in attending:
        screening = screenings.get(participant.id)
        if screening is None or (since is not None and screening.created_at <= since):
            problems.append(GateProblem(GateCheck.NOT_SCREENED, participant.id))
        elif screening.result is ScreeningResult.POSITIVE:
            last_positive = max(filter(None, (last_positive, screening.created_at)))
        consent = consents.get((participant.id, ConsentScope.MEDIATION))
        if consent is None or consent.status is not ConsentStatus.GIVEN:
            problems.append(GateProblem(GateCheck.NO_MEDIATION_CONSENT, participant.id))

    decision = latest_decision(session, case)
    proceeds = decision is not None and decision.decision in PROCEED_DECISIONS
    if decision is not None and not proceeds:
        problems.append(GateProblem(GateCheck.DECISION_AGAINST))
    elif last_positive is not None and (decision is None or decision.decided_at <= last_positive):
        problems.append(GateProblem(GateCheck.NO_DECISION))
    if (session_type is not None and SessionType(session_type) is SessionType.JOINT_MEDIATION and proceeds
            and decision is not None and NO_JOINT & set(decision.adaptation_codes)):
        problems.append(GateProblem(GateCheck.NO_JOINT_SESSION))
    return problems
