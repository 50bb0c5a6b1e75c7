"""Regions, provinces, associations and staff accounts (docs/domain.md, DOM1-DOM9)."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.accounts.codes import AgendaChannel, ServicePointKind
from mediation.core.authz import ASSOCIATION_ROLES, Permission, Profession, Role, role_has
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, TimestampMixin, UTCDateTime, code_column

enum_column = code_column

# A retention period longer than this is a typo (days entered as months...), not a policy.
RETENTION_MAXIMUM = 1200
# An association's own period for closed cases: shorter than a year is refused, since a typo ("6" for
# "60") would anonymise half a decade of closed cases at the next nightly run, which nothing can undo.
ASSOCIATION_RETENTION_MINIMUM = 12


class Region(Base):
    """One of the 12 regions of Decree 2-15-40; seeded by migration, read-only."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(80), nullable=False)
    name_ar: Mapped[str] = mapped_column(String(80), nullable=False)

    def name(self, language: str) -> str:
        # Short Arabic label drops the leading «جهة»; no official English list
        # exists (docs/domain.md, DOM67), so English shows the French name.
        if language == "ar":
            return self.name_ar.removeprefix("جهة ").strip()
        return self.name_fr


class Province(Base):
    """A province or prefecture (ISO 3166-2), with its region from Decree 2-15-40."""

    __tablename__ = "province"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    name_fr: Mapped[str] = mapped_column(String(80), nullable=False)
    name_ar: Mapped[str] = mapped_column(String(80), nullable=False)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), nullable=False)

    __table_args__ = (CheckConstraint("kind IN ('province', 'prefecture')", name="kind"),)

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_fr


class Association(PublicIdMixin, TimestampMixin, Base):
    """An NGO that runs the service and controls its cases' data."""

    __tablename__ = "association"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_ar: Mapped[str] = mapped_column(String(200), nullable=False)
    name_fr: Mapped[str] = mapped_column(String(200), nullable=False)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), nullable=False)
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    # Law 09-08: the processing is declared to the CNDP before it starts.
    cndp_declaration_no: Mapped[str | None] = mapped_column(String(40))
    cndp_declaration_on: Mapped[date | None] = mapped_column(Date)
    # Prior CNDP authorisation for sensitive (health) data: psychological sessions
    # stay off until it is recorded (docs/domain.md, DOM3).
    cndp_authorisation_no: Mapped[str | None] = mapped_column(String(40))
    cndp_authorisation_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Whether anonymous statistics need the parties' `statistics` consent depends on the association's
    # CNDP declaration (docs/domain.md, DOM4, DOM33): when set, releases count only cases whose parties agreed
    # (docs/statistics.md, ST3). Frozen releases are not recomputed when it changes.
    statistics_need_consent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                          server_default=false())
    # Months a closed case keeps its identity and free text (docs/domain.md, DOM57; docs/security.md, S26), as the
    # association's CNDP declaration states; None: the installation's RETENTION_CLOSED_CASE_MONTHS.
    retention_months: Mapped[int | None] = mapped_column(Integer)
    # Calendar feeds and .ics files leave the application for phone calendars, which synchronise to
    # providers outside Morocco (Law 09-08): by default an event says only the appointment's type and time.
    # When set, it also carries the case reference and the place (docs/security.md, P2).
    calendar_shows_details: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                         server_default=false())

    region: Mapped[Region] = relationship(lazy="joined")
    province: Mapped[Province | None] = relationship(lazy="joined")

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_fr


class ServicePoint(PublicIdMixin, TimestampMixin, Base):
    """A site where cases are handled; its code prefixes case references."""

    __tablename__ = "service_point"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("association.id"), nullable=False, index=True)
    # Frozen once created: case references are built from it and never change.
    code: Mapped[str] = mapped_column(String(12), unique=True, nullable=False)
    kind: Mapped[ServicePointKind] = mapped_column(enum_column(ServicePointKind, "service_point_kind"), nullable=False)
    name_ar: Mapped[str] = mapped_column(String(200), nullable=False)
    name_fr: Mapped[str] = mapped_column(String(200), nullable=False)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), nullable=False)
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    association: Mapped[Association] = relationship(lazy="joined")
    region: Mapped[Region] = relationship(lazy="joined")
    province: Mapped[Province | None] = relationship(lazy="joined")

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_fr


class StaffUser(UserMixin, PublicIdMixin, TimestampMixin, Base):
    """A person who logs in. One role each; never deleted, only deactivated."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored normalised (NFKC, case-folded): unique case-insensitively.
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(120), nullable=False)
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), nullable=False)
    profession: Mapped[Profession | None] = mapped_column(enum_column(Profession, "profession"))
    association_id: Mapped[int | None] = mapped_column(ForeignKey("association.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Bumped to end every session of the user at once (docs/security.md, S6, S8).
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    locale: Mapped[str | None] = mapped_column(String(8))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Second factor (docs/security.md, S1): secrets are encrypted; the last accepted
    # time step makes every code single-use.
    totp_secret: Mapped[str | None] = mapped_column(Encrypted("staff_user.totp_secret"))
    totp_pending_secret: Mapped[str | None] = mapped_column(Encrypted("staff_user.totp_pending_secret"))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # The day-before agenda by e-mail, SMS or not at all, and the mobile number for it, as the
    # staff member chooses in their account (docs/domain.md, DOM164). The number is identifying: encrypted.
    agenda_channel: Mapped[AgendaChannel] = mapped_column(
        enum_column(AgendaChannel, "agenda_channel"), nullable=False, default=AgendaChannel.EMAIL,
        server_default=AgendaChannel.EMAIL.value)
    mobile: Mapped[str | None] = mapped_column(Encrypted("staff_user.mobile"))

    association: Mapped[Association | None] = relationship(lazy="joined")

    __table_args__ = (
        # Supervisors and staff belong to one association; admin and ministry to none.
        CheckConstraint(
            "(role IN ('supervisor', 'mediator')) = (association_id IS NOT NULL)",
            name="association_matches_role",
        ),
        # Only association staff carry a profession, and they must.
        CheckConstraint(
            "(role = 'mediator') = (profession IS NOT NULL)",
            name="profession_matches_role",
        ),
    )

    def get_id(self) -> str:
        # The version travels in the session so a bump revokes every cookie.
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None

    def has(self, permission: Permission) -> bool:
        return role_has(self.role, permission)

    @property
    def belongs_to_association(self) -> bool:
        return self.role in ASSOCIATION_ROLES
