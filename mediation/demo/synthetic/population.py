"""The institutions of the synthetic population: associations across the 12 regions, their service
points and rooms, and their staff (one supervisor, more for the large ones, and staff of every
profession in proportion to the cases).

How many associations serve how many cases where comes from spread.py (docs/statistics.md, ST50):
3 to 12 per region, of heavy-tailed sizes, one region thin. The first association is the reference
one (1,500 cases from 2,000 cases up), so that it, its mediators and its weeks hold
about as many rows at 10,000 cases as at 100,000: the benchmark reads it at every scale.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.codes import ServicePointKind
from mediation.accounts.models import Province
from mediation.core.authz import Profession, Role
from mediation.demo.synthetic.draws import Draws, Weighted
from mediation.demo.synthetic.spread import association_plan
from mediation.demo.synthetic.vocabulary import FIRST_NAMES, STAFF_FAMILY_NAMES
from mediation.demo.synthetic.writer import BulkWriter

CASES_PER_MEDIATOR = 110  # ~1,000 staff for 100,000 cases, over YEARS years
YEARS = 4
PROFESSIONS = Weighted(((Profession.MEDIATOR, 0.5), (Profession.PSYCHOLOGIST, 0.2),
                        (Profession.SOCIAL_WORKER, 0.2), (Profession.LEGAL_COUNSELLOR, 0.1)))
KINDS = Weighted(((ServicePointKind.JISR_AL_USRA, 0.6), (ServicePointKind.MEDIATION_CENTRE, 0.2),
                  (ServicePointKind.LISTENING_CENTRE, 0.15), (ServicePointKind.OTHER, 0.05)))


@dataclass
class Mediator:
    id: int
    username: str
    profession: Profession
    service_point: int  # index into AssociationPlan.service_points


@dataclass
class AssociationPlan:
    index: int
    id: int
    cases: int
    region_code: str
    province_code: str
    service_points: list[tuple[int, str]] = field(default_factory=list)  # (id, code)
    rooms: dict[int, list[int]] = field(default_factory=dict)  # service point id -> room ids
    supervisors: list[int] = field(default_factory=list)
    supervisor_usernames: list[str] = field(default_factory=list)
    mediators: list[Mediator] = field(default_factory=list)


def provinces_by_region(session: Session) -> list[tuple[str, list[str]]]:
    """The regions in code order, each with its provinces (seeded by the first migration)."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for region_code, province_code in session.execute(
            select(Province.region_code, Province.code).order_by(Province.region_code, Province.code)):
        grouped[region_code].append(province_code)
    return sorted(grouped.items())


def write_institutions(writer: BulkWriter, draws: Draws, regions: list[tuple[str, list[str]]], total_cases: int,
                       password_hash: str, today: date, created_at) -> list[AssociationPlan]:
    """Associations, service points, rooms and staff accounts (plus one admin and one ministry account)."""
    plans = []
    declared_on = today - timedelta(days=365 * YEARS + 30)
    provinces_of = dict(regions)
    for index, share in enumerate(association_plan(total_cases, draws, [code for code, _ in regions])):
        region_code, provinces, size = share.region, provinces_of[share.region], share.cases
        province_code = draws.choice(provinces)
        plan = AssociationPlan(index, writer.new_id("association"), size, region_code, province_code)
        number = index + 1
        writer.add("association", {
            "id": plan.id, "public_id": draws.uuid(),
            "name_ar": f"جمعية اصطناعية رقم {number} للوساطة الأسرية",
            "name_fr": f"Association synthétique n° {number} de médiation familiale",
            "region_code": region_code, "province_code": province_code, "address": None, "phone": None,
            "email": None, "cndp_declaration_no": f"SYN-D-{number:04d}", "cndp_declaration_on": declared_on,
            "cndp_authorisation_no": f"SYN-A-{number:04d}", "cndp_authorisation_on": declared_on,
            "active": True, "created_at": created_at, "updated_at": created_at,
        })
        for point in range(1 if size <= 1500 else 2):
            point_id = writer.new_id("service_point")
            code = f"S{number:03d}-{point + 1}"
            plan.service_points.append((point_id, code))
            writer.add("service_point", {
                "id": point_id, "public_id": draws.uuid(), "association_id": plan.id, "code": code,
                "kind": KINDS.pick(draws), "name_ar": f"فضاء اصطناعي {number}-{point + 1}",
                "name_fr": f"Espace synthétique {number}-{point + 1}", "region_code": region_code,
                "province_code": province_code, "active": True, "created_at": created_at, "updated_at": created_at,
            })
            plan.rooms[point_id] = []
            for room in range(draws.between(2, 4)):
                room_id = writer.new_id("room")
                plan.rooms[point_id].append(room_id)
                writer.add("room", {
                    "id": room_id, "public_id": draws.uuid(), "service_point_id": point_id,
                    "association_id": plan.id, "name": f"Salle {room + 1}", "active": True,
                    "created_at": created_at, "updated_at": created_at,
                })
        for number_of_supervisor in range(1 if size <= 1500 else 2):
            username = f"a{number:03d}.supervisor{number_of_supervisor + 1}"
            plan.supervisors.append(_staff(writer, draws, username, Role.SUPERVISOR, None, plan.id, password_hash,
                                           created_at))
            plan.supervisor_usernames.append(username)
        mediators = max(2, round(size / CASES_PER_MEDIATOR))
        for staff_number in range(mediators):
            # Every association has at least a mediator and a psychologist.
            profession = (Profession.MEDIATOR, Profession.PSYCHOLOGIST)[staff_number] if staff_number < 2 \
                else PROFESSIONS.pick(draws)
            username = f"a{number:03d}.staff{staff_number + 1:02d}"
            user_id = _staff(writer, draws, username, Role.MEDIATOR, profession, plan.id, password_hash, created_at)
            plan.mediators.append(Mediator(user_id, username, profession, staff_number % len(plan.service_points)))
        plans.append(plan)
    for username, role in (("synthetic.admin", Role.ADMIN), ("synthetic.ministry", Role.MINISTRY)):
        _staff(writer, draws, username, role, None, None, password_hash, created_at)
    return plans


def _staff(writer: BulkWriter, draws: Draws, username: str, role: Role, profession: Profession | None,
           association_id: int | None, password_hash: str, created_at) -> int:
    user_id = writer.new_id("staff_user")
    first = draws.choice(FIRST_NAMES[draws.choice(tuple(FIRST_NAMES)[:2])])[1]
    writer.add("staff_user", {
        "id": user_id, "public_id": draws.uuid(), "username": username,
        "display_name": f"{first} {draws.choice(STAFF_FAMILY_NAMES)}", "email": None, "role": role,
        "profession": profession, "association_id": association_id, "password_hash": password_hash,
        "active": True, "session_version": 1, "locale": None, "created_at": created_at, "updated_at": created_at,
    })
    return user_id
