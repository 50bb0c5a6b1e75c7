"""Persons (the identity vault of an association) and their part in a case (docs/domain.md, DOM19-DOM21)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.cases.codes import AgeBand, ChildLivesWith, ParticipantRole, PreferredLanguage, Sex
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, PublicIdMixin, TimestampMixin, UTCDateTime, code_column


class Person(PublicIdMixin, TimestampMixin, Base):
    """Who someone is. Identifying fields are encrypted; statistical ones stay in clear.

    No national identity number (CIN) and no image of an identity document is
    ever stored (Law 09-08): `id_checked` records only that it was seen.
    """

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("association.id"), nullable=False, index=True)
    full_name: Mapped[str] = mapped_column(Encrypted("person.full_name"), nullable=False)
    full_name_latin: Mapped[str | None] = mapped_column(Encrypted("person.full_name_latin"))
    # "YYYY-MM-DD", or "YYYY" when only the year is known.
    birth_date: Mapped[str | None] = mapped_column(Encrypted("person.birth_date"))
    phone: Mapped[str | None] = mapped_column(Encrypted("person.phone"))
    email: Mapped[str | None] = mapped_column(Encrypted("person.email"))
    address: Mapped[str | None] = mapped_column(Encrypted("person.address"))
    # Whether, how and when the service may contact this person (docs/domain.md, DOM19: the contact profile).
    contact_allowed: Mapped[str | None] = mapped_column(Encrypted("person.contact_allowed"))
    safe_contact_instructions: Mapped[str | None] = mapped_column(Encrypted("person.safe_contact_instructions"))
    # The channels automatic messages may use, in order, the SMS number and whether the text may
    # name the service (docs/domain.md, DOM141), as JSON; read through `cases.contact.profile_of`.
    contact_profile: Mapped[str | None] = mapped_column(Encrypted("person.contact_profile"))
    sex: Mapped[Sex] = mapped_column(code_column(Sex, "sex"), nullable=False)
    residence_province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"))
    preferred_language: Mapped[PreferredLanguage | None] = mapped_column(
        code_column(PreferredLanguage, "preferred_language")
    )
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    id_checked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Keyed HMACs for exact-match search inside the association (docs/security.md, S24).
    identity_bidx: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)
    name_bidx: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)
    phone_bidx: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)
    # Set by the retention job once every case of the person is anonymised:
    # the name is then empty, every other identifying field and blind index null.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    # Loaded only when the names are written (cases.services.intake.set_name_tokens), never to show a person.
    name_tokens: Mapped[list[PersonNameToken]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="select")

    @property
    def may_contact(self) -> bool:
        return self.contact_allowed == "yes"


class PersonNameToken(Base):
    """One word of a person's name, in Arabic or Latin letters, as a keyed HMAC scoped to the
    association (docs/security.md, S37): what the case search looks a name up by. Never the word itself.
    """

    __tablename__ = "person_name_token"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    # The person's: a search reads the tokens of its own association only.
    association_id: Mapped[int] = mapped_column(ForeignKey("association.id"), nullable=False)

    __table_args__ = (Index("ix_person_name_token_association_id_token", "association_id", "token"),)


class Participant(PublicIdMixin, Base):
    """A person in a case: a party (adult) or a child."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False, index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    role: Mapped[ParticipantRole] = mapped_column(code_column(ParticipantRole, "participant_role"), nullable=False)
    is_requesting_party: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Takes part in mediation (a party); children and relatives may not.
    is_party: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Computed at the case's opening date and stored; never recomputed once closed.
    age_band: Mapped[AgeBand] = mapped_column(code_column(AgeBand, "age_band"), nullable=False)
    attended_intake: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    lives_with: Mapped[ChildLivesWith | None] = mapped_column(code_column(ChildLivesWith, "child_lives_with"))
    in_school: Mapped[bool | None] = mapped_column(Boolean)
    takes_part: Mapped[bool | None] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    person: Mapped[Person] = relationship(lazy="joined")

    @property
    def is_child(self) -> bool:
        return self.role is ParticipantRole.CHILD
