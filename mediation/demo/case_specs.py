"""The demo's case files as data: who, which issues, how far each case went (loaded by cases.py).

Every name, telephone number, address and court file number here is invented; family names are words such
as "Exemple", "Fictif" or "Essai" (المثالي، الافتراضي، التجريبي) so that nobody mistakes them for real
people. Dates are days counted back from today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from mediation.appointments.codes import SessionMode
from mediation.cases.codes import (
    AgreementForm,
    AgreementNature,
    CaseStatus,
    ChildLivesWith,
    CourtStage,
    IntakeChannel,
    Issue,
    NoteVisibility,
    Outcome,
    ParticipantRole,
    PointStatus,
    PreferredLanguage,
    ReferralSource,
    SessionType,
    Sex,
)
from mediation.demo.agreements import DemoAgreementVersion

A, F = PreferredLanguage.AR, PreferredLanguage.FR


@dataclass(frozen=True)
class DemoPerson:
    """An adult party; `age` in years today, so the data never grow old."""

    name_ar: str
    name_latin: str
    sex: Sex
    age: int
    role: ParticipantRole
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    safe_contact: str | None = None
    contact_allowed: bool = True
    language: PreferredLanguage = A
    interpreter_needed: bool = False


@dataclass(frozen=True)
class DemoChild:
    name_ar: str
    name_latin: str
    sex: Sex
    age: int
    lives_with: ChildLivesWith
    in_school: bool = True


@dataclass(frozen=True)
class DemoFollowUp:
    """A follow-up action of a session; `due_in` days from today (negative: overdue unless done)."""

    description: str
    due_in: int
    assignee: str  # user name, assigned to the case
    done: bool = False


REQUESTING, OTHER, CHILD = "requesting", "other", "child"  # attendees; CHILD is the first child


@dataclass(frozen=True)
class DemoSession:
    """A session held `days_ago` days before today by `holders` (user names, the first one logged it)."""

    type: SessionType
    holders: tuple[str, ...]
    attendees: tuple[str, ...]
    days_ago: int
    summary: str
    next_steps: str | None = None
    mode: SessionMode = SessionMode.IN_PERSON
    duration_min: int = 60
    start: time = time(10, 0)
    interpreter_used: bool = False
    void_reason: str | None = None  # a wrong entry, voided the next day
    follow_ups: tuple[DemoFollowUp, ...] = ()


@dataclass(frozen=True)
class DemoCase:
    lead: str  # user name of the lead staff member
    path: tuple[CaseStatus, ...]  # the statuses after intake, in order; the last is the current one
    issues: tuple[Issue, ...]
    summary: str
    requesting: DemoPerson
    other: DemoPerson | None = None
    children: tuple[DemoChild, ...] = ()
    days_since_contact: int = 10
    channel: IntakeChannel = IntakeChannel.WALK_IN
    referral_source: ReferralSource = ReferralSource.SELF
    court_stage: CourtStage = CourtStage.NONE
    court_file_no: str | None = None
    positive_screen: bool = False  # the requesting party's screening is positive
    co_workers: tuple[str, ...] = ()
    outcome: Outcome | None = None
    closed_days_ago: int = 0  # when the case closed: long enough ago, its post-closure follow-ups are due or done
    agreement_points: str | None = None
    closure_note: str | None = None
    notes: tuple[tuple[NoteVisibility, str], ...] = field(default_factory=tuple)
    sessions: tuple[DemoSession, ...] = ()
    agreement: tuple[DemoAgreementVersion, ...] = ()  # its versions, oldest first

    @property
    def status(self) -> CaseStatus:
        return self.path[-1] if self.path else CaseStatus.INTAKE


ASSESSMENT, MEDIATION, COUNSELLING, CLOSED = (CaseStatus.ASSESSMENT, CaseStatus.IN_MEDIATION,
                                              CaseStatus.IN_COUNSELLING, CaseStatus.CLOSED)
MOTHER, FATHER, SPOUSE = ParticipantRole.MOTHER, ParticipantRole.FATHER, ParticipantRole.SPOUSE
STAFF_ONLY, JOINT = NoteVisibility.STAFF_ONLY, NoteVisibility.JOINT
PHONE, VIDEO = SessionMode.PHONE, SessionMode.VIDEO
INDIVIDUAL, JOINT_MEDIATION, SHUTTLE = (SessionType.INDIVIDUAL, SessionType.JOINT_MEDIATION,
                                       SessionType.SHUTTLE_MEDIATION)
PSYCHOLOGICAL, SOCIAL, LEGAL = (SessionType.COUNSELLING_PSYCHOLOGICAL, SessionType.COUNSELLING_SOCIAL,
                                SessionType.COUNSELLING_LEGAL)
PARENTING, CHILD_CONSULTATION, FOLLOW_UP = (SessionType.POSITIVE_PARENTING, SessionType.CHILD_CONSULTATION,
                                            SessionType.FOLLOW_UP)
A1, A2, B1, B2 = "mediator.a1", "mediator.a2", "mediator.b1", "mediator.b2"

DEMO_CASES: tuple[DemoCase, ...] = (
    # --- Association A (Rabat): mediator.a1, a mediator -------------------------------------
    DemoCase(
        lead="mediator.a1", path=(), issues=(Issue.CUSTODY, Issue.VISITATION),
        summary="Demande d'organiser les visites du père après la séparation (données de démonstration).",
        requesting=DemoPerson("سلمى المثالي", "Salma Exemple", Sex.FEMALE, 34, MOTHER, phone="0600 000 101",
                              email="salma.exemple@example.org", address="1, rue de l'Exemple, Rabat",
                              safe_contact="Appeler le matin seulement ; ne pas laisser de message."),
        children=(DemoChild("آدم المثالي", "Adam Exemple", Sex.MALE, 7, ChildLivesWith.MOTHER),),
        days_since_contact=3, referral_source=ReferralSource.FAMILY_COURT, court_stage=CourtStage.PRE_ACTION,
        notes=((STAFF_ONLY, "Premier accueil : la mère souhaite une médiation sur les visites. (démo)"),),
        sessions=(
            DemoSession(INDIVIDUAL, (A1,), (REQUESTING,), 2, duration_min=45,
                        summary="Entretien d'information : déroulement de la médiation expliqué à la mère. (démo)",
                        next_steps="Inviter le père à un entretien individuel. (démo)"),
        ),
    ),
    DemoCase(
        lead="mediator.a1", path=(ASSESSMENT,), issues=(Issue.MARITAL_DISCORD,),
        summary="خلافات زوجية متكررة؛ الزوجة تطلب جلسة وساطة (معطيات تجريبية).",
        requesting=DemoPerson("هند الافتراضي", "Hind Fictif", Sex.FEMALE, 29, SPOUSE, phone="0600 000 102"),
        other=DemoPerson("يوسف الافتراضي", "Youssef Fictif", Sex.MALE, 33, SPOUSE, phone="0600 000 103"),
        children=(DemoChild("سارة الافتراضي", "Sara Fictif", Sex.FEMALE, 4, ChildLivesWith.BOTH, in_school=False),),
        days_since_contact=12, channel=IntakeChannel.PHONE,
        notes=((STAFF_ONLY, "Entretien individuel avec l'épouse : pas de violence déclarée. (démo)"),),
        sessions=(
            DemoSession(INDIVIDUAL, (A1,), (REQUESTING,), 10, mode=PHONE, duration_min=30,
                        summary="مقابلة فردية مع الزوجة عبر الهاتف: عرض أسباب الخلاف (معطيات تجريبية)."),
            DemoSession(INDIVIDUAL, (A1,), (REQUESTING,), 10, mode=PHONE, duration_min=30,
                        summary="مقابلة فردية مع الزوجة عبر الهاتف (معطيات تجريبية).",
                        void_reason="Saisie en double de l'entretien du même jour. (démo)"),
            DemoSession(INDIVIDUAL, (A1,), (OTHER,), 6, start=time(15, 30),
                        summary="Entretien individuel avec l'époux : il accepte le principe d'une médiation. (démo)",
                        follow_ups=(DemoFollowUp("Proposer aux deux époux une date de première séance. (démo)",
                                                 -2, A1),)),
        ),
    ),
    DemoCase(
        lead="mediator.a1", path=(ASSESSMENT, MEDIATION),
        issues=(Issue.SEPARATION_ARRANGEMENTS, Issue.CHILD_MAINTENANCE, Issue.CUSTODY),
        summary="Organisation de la garde et de la pension après le divorce (données de démonstration).",
        requesting=DemoPerson("نزهة التجريبي", "Nezha Essai", Sex.FEMALE, 38, MOTHER, phone="0600 000 104",
                              safe_contact="Uniquement par l'association ; jamais au domicile."),
        other=DemoPerson("عادل التجريبي", "Adil Essai", Sex.MALE, 41, FATHER, phone="0600 000 105"),
        children=(DemoChild("ياسين التجريبي", "Yassine Essai", Sex.MALE, 10, ChildLivesWith.MOTHER),
                  DemoChild("ريم التجريبي", "Rim Essai", Sex.FEMALE, 6, ChildLivesWith.MOTHER)),
        days_since_contact=40, referral_source=ReferralSource.FAMILY_COURT, court_stage=CourtStage.PENDING,
        court_file_no="DEMO-1601/2026/0042", positive_screen=True, co_workers=(A2,),
        # Partial, concluded verbally; a revision is being drafted.
        agreement=(
            DemoAgreementVersion(15, (
                (Issue.CHILD_MAINTENANCE, PointStatus.AGREED, "Pension mensuelle versée le 5 de chaque mois. (démo)"),
                (Issue.CUSTODY, PointStatus.PARTIALLY_AGREED, "Garde chez la mère ; visites à préciser. (démo)"),
                (Issue.SEPARATION_ARRANGEMENTS, PointStatus.NOT_AGREED, None),
            ), AgreementNature.SEPARATION_ARRANGEMENTS, AgreementForm.VERBAL, concluded=True,
                submitted_to_court=False),
            DemoAgreementVersion(3, (
                (Issue.CHILD_MAINTENANCE, PointStatus.AGREED, "Pension mensuelle versée le 5 de chaque mois. (démo)"),
                (Issue.CUSTODY, PointStatus.AGREED, "Garde chez la mère ; le père reçoit les enfants le samedi. "
                                                    "(démo)"),
                (Issue.SEPARATION_ARRANGEMENTS, PointStatus.PARTIALLY_AGREED,
                 "Partage des meubles convenu ; le logement reste à discuter. (démo)"),
            ), AgreementNature.SEPARATION_ARRANGEMENTS, AgreementForm.WRITTEN_UNSIGNED),
        ),
        notes=((JOINT, "Séance séparée avec chaque parent ; calendrier de visites en discussion. (démo)"),
               (STAFF_ONLY, "Adaptations décidées : arrivées décalées, médiation par navette. (démo)")),
        sessions=(
            DemoSession(INDIVIDUAL, (A1,), (REQUESTING,), 35,
                        summary="Entretien individuel avec la mère ; dépistage des violences. (démo)"),
            DemoSession(INDIVIDUAL, (A1,), (OTHER,), 33, start=time(11, 0),
                        summary="Entretien individuel avec le père ; ses attentes sur la garde. (démo)"),
            DemoSession(SHUTTLE, (A1,), (REQUESTING, OTHER), 20, duration_min=90,
                        summary="Navette entre les deux salles : premier projet de calendrier des visites. (démo)",
                        next_steps="Chaque parent relit le projet avant la prochaine séance. (démo)",
                        follow_ups=(DemoFollowUp("Envoyer aux deux parents le projet de calendrier. (démo)",
                                                 -5, A1),)),
            DemoSession(CHILD_CONSULTATION, (A1, A2), (CHILD,), 12, duration_min=45, start=time(16, 0),
                        summary="Yassine a été entendu, avec l'accord des deux parents. (démo)",
                        follow_ups=(DemoFollowUp("Restituer aux parents, sans citer l'enfant, ce qui a été "
                                                 "entendu. (démo)", 4, A2),)),
        ),
    ),
    DemoCase(
        lead="mediator.a1", path=(ASSESSMENT, MEDIATION, CLOSED), issues=(Issue.VISITATION,),
        summary="Le père demande à voir ses enfants le week-end (données de démonstration).",
        requesting=DemoPerson("حميد النموذجي", "Hamid Modèle", Sex.MALE, 45, FATHER, phone="0600 000 106",
                              language=F),
        other=DemoPerson("لطيفة النموذجي", "Latifa Modèle", Sex.FEMALE, 40, MOTHER, phone="0600 000 107"),
        children=(DemoChild("مهدي النموذجي", "Mehdi Modèle", Sex.MALE, 15, ChildLivesWith.MOTHER),
                  DemoChild("إيمان النموذجي", "Imane Modèle", Sex.FEMALE, 12, ChildLivesWith.MOTHER)),
        days_since_contact=230, outcome=Outcome.AGREEMENT_FULL, closed_days_ago=185,
        # Full: drafted after the first joint session, concluded and signed after the second. Closed six months
        # ago: the follow-ups at 1 and 3 months are recorded (mediation/demo/aftercare.py), the one at 6 months due.
        agreement=(
            DemoAgreementVersion(195, ((Issue.VISITATION, PointStatus.PARTIALLY_AGREED,
                                        "Visites un week-end sur deux ; vacances à discuter. (démo)"),),
                                 AgreementNature.SEPARATION_ARRANGEMENTS),
            DemoAgreementVersion(188, ((Issue.VISITATION, PointStatus.AGREED,
                                       "Visites un week-end sur deux ; vacances partagées par moitié. (démo)"),),
                                 AgreementNature.SEPARATION_ARRANGEMENTS, AgreementForm.WRITTEN_SIGNED,
                                 concluded=True, signed=True, submitted_to_court=True),
        ),
        closure_note="Accord complet ; suivi prévu à un mois. (démo)",
        notes=((JOINT, "Deuxième séance conjointe : accord sur les visites. (démo)"),),
        sessions=(
            DemoSession(INDIVIDUAL, (A1,), (REQUESTING,), 225, mode=PHONE, duration_min=30,
                        summary="Entretien individuel avec le père. (démo)"),
            DemoSession(INDIVIDUAL, (A1,), (OTHER,), 223,
                        summary="Entretien individuel avec la mère. (démo)"),
            DemoSession(JOINT_MEDIATION, (A1,), (REQUESTING, OTHER), 200, duration_min=90,
                        summary="Première séance conjointe : règles de communication et besoins des enfants. (démo)",
                        follow_ups=(DemoFollowUp("Transmettre aux parents le compte rendu de la séance. (démo)",
                                                 -195, A1, done=True),)),
            DemoSession(JOINT_MEDIATION, (A1,), (REQUESTING, OTHER), 188, duration_min=90,
                        summary="Deuxième séance conjointe : accord sur les visites et les vacances. (démo)",
                        follow_ups=(DemoFollowUp("Envoyer aux parents l'accord signé. (démo)",
                                                 -186, A1, done=True),)),
        ),
    ),
    # --- Association A (Rabat): mediator.a2, a psychologist ---------------------------------
    DemoCase(
        lead="mediator.a2", path=(COUNSELLING,), issues=(Issue.PARENT_CHILD_CONFLICT, Issue.CHILD_UPBRINGING),
        summary="أم تطلب مرافقة نفسية بسبب توتر العلاقة مع ابنها المراهق (معطيات تجريبية).",
        requesting=DemoPerson("خديجة الوهمي", "Khadija Imaginaire", Sex.FEMALE, 44, MOTHER,
                              phone="0600 000 108"),
        children=(DemoChild("عمر الوهمي", "Omar Imaginaire", Sex.MALE, 14, ChildLivesWith.MOTHER),),
        days_since_contact=25, referral_source=ReferralSource.SCHOOL,
        notes=((STAFF_ONLY, "Accompagnement psychologique : trois séances prévues. (démo)"),),
        sessions=(
            DemoSession(PSYCHOLOGICAL, (A2,), (REQUESTING,), 21,
                        summary="جلسة أولى: قلق الأم من انعزال ابنها (معطيات تجريبية).",
                        next_steps="Tenir un carnet des moments de tension. (démo)"),
            DemoSession(PSYCHOLOGICAL, (A2,), (REQUESTING,), 14, mode=VIDEO, duration_min=50,
                        summary="Deuxième séance : travail sur la communication mère-fils. (démo)"),
            DemoSession(PARENTING, (A2,), (REQUESTING,), 7, duration_min=90, start=time(14, 0),
                        summary="Séance de parentalité positive : fixer des règles avec un adolescent. (démo)",
                        follow_ups=(DemoFollowUp("Remettre à la mère le livret de parentalité positive. (démo)",
                                                 -6, A2, done=True),
                                    DemoFollowUp("Proposer une séance commune mère-fils. (démo)", -1, A2))),
        ),
    ),
    DemoCase(
        lead="mediator.a2", path=(), issues=(Issue.IN_LAW_CONFLICT, Issue.ELDERLY_CARE),
        summary="Conflit familial autour de la prise en charge d'un parent âgé (données de démonstration).",
        requesting=DemoPerson("إدريس الخيالي", "Driss Fiction", Sex.MALE, 52, ParticipantRole.SIBLING,
                              phone="0600 000 109", contact_allowed=False),
        days_since_contact=1, channel=IntakeChannel.PHONE,
    ),
    DemoCase(
        lead="mediator.a2", path=(COUNSELLING, CLOSED), issues=(Issue.MARITAL_DISCORD,),
        summary="Soutien psychologique pendant une crise conjugale (données de démonstration).",
        requesting=DemoPerson("أمينة التمريني", "Amina Exercice", Sex.FEMALE, 27, SPOUSE, phone="0600 000 110"),
        days_since_contact=120, referral_source=ReferralSource.HEALTH, outcome=Outcome.COUNSELLING_COMPLETED,
        closure_note="Accompagnement terminé à la demande de la personne. (démo)",
        notes=((STAFF_ONLY, "Dernière séance : objectifs atteints. (démo)"),),
        sessions=(
            DemoSession(PSYCHOLOGICAL, (A2,), (REQUESTING,), 110,
                        summary="Séance initiale : épuisement et conflits répétés dans le couple. (démo)"),
            DemoSession(PSYCHOLOGICAL, (A2,), (REQUESTING,), 80,
                        summary="Séance intermédiaire : stratégies d'apaisement. (démo)"),
            DemoSession(FOLLOW_UP, (A2,), (REQUESTING,), 20, mode=PHONE, duration_min=20,
                        summary="Appel de suivi : la personne se dit apaisée ; fin de l'accompagnement. (démo)"),
        ),
    ),
    # --- Association B (Agadir): mediator.b1, a social worker ------------------------------
    DemoCase(
        lead="mediator.b1", path=(), issues=(Issue.CHILD_MAINTENANCE,),
        summary="Pension alimentaire non versée depuis six mois ; interprète en amazigh (données de démonstration).",
        requesting=DemoPerson("فاطمة العينة", "Fatima Échantillon", Sex.FEMALE, 31, MOTHER, phone="0600 000 201",
                              language=PreferredLanguage.ZGH, interpreter_needed=True),
        children=(DemoChild("أيوب العينة", "Ayoub Échantillon", Sex.MALE, 9, ChildLivesWith.MOTHER),),
        days_since_contact=2, referral_source=ReferralSource.ASSOCIATION, court_stage=CourtStage.POST_JUDGMENT,
        court_file_no="DEMO-AGD/2025/0117",
        sessions=(
            DemoSession(INDIVIDUAL, (B1,), (REQUESTING,), 1, interpreter_used=True,
                        summary="Entretien avec interprète en amazigh : situation financière de la mère. (démo)",
                        follow_ups=(DemoFollowUp("Orienter la mère vers l'aide juridique pour l'exécution du "
                                                 "jugement. (démo)", 7, B1),)),
        ),
    ),
    DemoCase(
        lead="mediator.b1", path=(ASSESSMENT,), issues=(Issue.VISITATION, Issue.CUSTODY),
        summary="الأب يطلب تنظيم الزيارة بعد انتقال الأم إلى مدينة أخرى (معطيات تجريبية).",
        requesting=DemoPerson("لحسن الرمزي", "Lahcen Symbolique", Sex.MALE, 39, FATHER, phone="0600 000 202"),
        other=DemoPerson("زينب الرمزي", "Zineb Symbolique", Sex.FEMALE, 35, MOTHER),
        children=(DemoChild("هبة الرمزي", "Hiba Symbolique", Sex.FEMALE, 8, ChildLivesWith.MOTHER),),
        days_since_contact=15, referral_source=ReferralSource.LAWYER,
        notes=((STAFF_ONLY, "Entretien individuel avec le père ; la mère sera invitée. (démo)"),),
        sessions=(
            DemoSession(INDIVIDUAL, (B1,), (REQUESTING,), 14, mode=PHONE, duration_min=40,
                        summary="مقابلة فردية مع الأب عبر الهاتف حول تنظيم الزيارة (معطيات تجريبية)."),
        ),
    ),
    DemoCase(
        lead="mediator.b1", path=(ASSESSMENT, MEDIATION), issues=(Issue.MARITAL_DISCORD, Issue.IN_LAW_CONFLICT),
        summary="Tensions avec la belle-famille ; le couple souhaite rester ensemble (données de démonstration).",
        requesting=DemoPerson("رشيدة ديمو", "Rachida Démo", Sex.FEMALE, 30, SPOUSE, phone="0600 000 203"),
        other=DemoPerson("إبراهيم ديمو", "Brahim Démo", Sex.MALE, 34, SPOUSE, phone="0600 000 204"),
        children=(DemoChild("يونس ديمو", "Younes Démo", Sex.MALE, 3, ChildLivesWith.BOTH, in_school=False),),
        days_since_contact=30,
        # No agreement yet: a first draft in which no point is agreed.
        agreement=(
            DemoAgreementVersion(8, (
                (Issue.IN_LAW_CONFLICT, PointStatus.NOT_AGREED, "لم يتفق الزوجان بعد على حدود زيارات العائلة "
                                                                "(معطيات تجريبية)."),
                (Issue.MARITAL_DISCORD, PointStatus.NOT_AGREED, None),
            ), AgreementNature.RECONCILIATION),
        ),
        notes=((JOINT, "Première séance conjointe : règles de communication convenues. (démo)"),),
        sessions=(
            DemoSession(SOCIAL, (B1,), (REQUESTING, OTHER), 20,
                        summary="Accompagnement social du couple : logement séparé de la belle-famille. (démo)"),
            DemoSession(PARENTING, (B1,), (REQUESTING, OTHER), 10, duration_min=90,
                        summary="Atelier de parentalité positive avec les deux parents. (démo)",
                        follow_ups=(DemoFollowUp("Inscrire le couple au prochain cycle d'ateliers. (démo)",
                                                 -3, B1),)),
        ),
    ),
    DemoCase(
        lead="mediator.b1", path=(COUNSELLING,), issues=(Issue.INHERITANCE,),
        summary="Conseil juridique sur un partage successoral entre frères et sœurs (données de démonstration).",
        requesting=DemoPerson("سعيد المفترض", "Said Supposé", Sex.MALE, 58, ParticipantRole.SIBLING,
                              phone="0600 000 205"),
        days_since_contact=20, channel=IntakeChannel.REFERRAL_LETTER,
        referral_source=ReferralSource.ENTRAIDE_NATIONALE, co_workers=(B2,),
        sessions=(
            DemoSession(LEGAL, (B2,), (REQUESTING,), 15,
                        summary="Orientation juridique : règles du partage successoral expliquées. (démo)",
                        follow_ups=(DemoFollowUp("Préparer la liste des pièces pour le partage. (démo)",
                                                 -2, B2),)),
            DemoSession(SOCIAL, (B1,), (REQUESTING,), 8, duration_min=45,
                        summary="Accompagnement social : relations avec les frères et sœurs. (démo)"),
        ),
    ),
    DemoCase(
        lead="mediator.b1", path=(ASSESSMENT, CLOSED), issues=(Issue.EXPULSION_MARITAL_HOME,),
        summary="L'épouse demande une médiation ; le mari n'a pas répondu (données de démonstration).",
        requesting=DemoPerson("نعيمة الاختباري", "Naima Test", Sex.FEMALE, 42, SPOUSE, phone="0600 000 206"),
        other=DemoPerson("مصطفى الاختباري", "Mustapha Test", Sex.MALE, 47, SPOUSE),
        days_since_contact=70, outcome=Outcome.OTHER_PARTY_DECLINED,
        closure_note="Trois invitations sans réponse ; orientation vers l'aide juridique proposée. (démo)",
        sessions=(
            DemoSession(INDIVIDUAL, (B1,), (REQUESTING,), 65,
                        summary="Entretien individuel avec l'épouse, expulsée du domicile conjugal. (démo)"),
        ),
    ),
)

POSITIVE_SCREEN_ITEMS = ("violence_type.psychological", "gating_indicator.fear_of_other_party")
DECISION_ADAPTATIONS = "shuttle,staggered_arrival"
DECISION_RATIONALE = "Violence psychologique passée ; navette et arrivées décalées. (démo)"
