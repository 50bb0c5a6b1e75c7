"""The fixed catalogue of tables (docs/statistics.md, ST6) and the classifications they use (ST5).

A Dimension is one published classification: its codes in publication order
and their French and Arabic labels. A TableSpec is one table of the catalogue.
Rows of a published table follow the codes' order, never the database's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CATALOGUE_VERSION = "3"  # version 2 adds T7 and T8 (docs/statistics.md, ST34), version 3 T9 and T10 (ST35, ST38)


@dataclass(frozen=True)
class Dimension:
    id: str  # e.g. "region_group", "issue_group"
    version: str  # classification version, written into every file's metadata
    codes: tuple[str, ...]
    labels_fr: dict[str, str]
    labels_ar: dict[str, str]


@dataclass(frozen=True)
class TableSpec:
    id: str  # "T1" ... "T10"
    title_fr: str
    title_ar: str
    unit: str  # "case", "closure", "session", "follow_up", "referral", "enrolment", "activity"
    dimensions: tuple[Dimension, ...]  # one or two (docs/statistics.md, ST7: never more than two)
    period: Literal["quarter", "year"]
    # A national total is published (only on lines of >= 5 inner cells, docs/statistics.md, ST7).
    total: bool
    # The table has a region dimension: the association rule (docs/statistics.md, ST13) applies to its cells.
    regional: bool

    @property
    def grid_size(self) -> int:
        size = 1
        for dimension in self.dimensions:
            size *= len(dimension.codes)
        return size


# --- The concrete classifications and tables (version 1) follow. ----------------------------
# Labels are fixed here, not taken from the translation catalogues: a release is bilingual
# whatever the builder's locale, and its bytes must not change when a translation is edited.


def _dimension(id: str, version: str, rows: tuple[tuple[str, str, str], ...]) -> Dimension:
    return Dimension(id=id, version=version, codes=tuple(code for code, _, _ in rows),
                     labels_fr={code: fr for code, fr, _ in rows}, labels_ar={code: ar for code, _, ar in rows})


# docs/domain.md, DOM67 (Decree 2-15-40); the short Arabic form drops the leading «جهة».
REGION_NAMES: dict[str, tuple[str, str]] = {
    "MA-01": ("Tanger-Tétouan-Al Hoceïma", "طنجة تطوان الحسيمة"),
    "MA-02": ("L'Oriental", "الشرق"),
    "MA-03": ("Fès-Meknès", "فاس مكناس"),
    "MA-04": ("Rabat-Salé-Kénitra", "الرباط سلا القنيطرة"),
    "MA-05": ("Béni Mellal-Khénifra", "بني ملال خنيفرة"),
    "MA-06": ("Casablanca-Settat", "الدار البيضاء سطات"),
    "MA-07": ("Marrakech-Safi", "مراكش آسفي"),
    "MA-08": ("Drâa-Tafilalet", "درعة تافيلالت"),
    "MA-09": ("Souss-Massa", "سوس ماسة"),
    "MA-10": ("Guelmim-Oued Noun", "كلميم واد نون"),
    "MA-11": ("Laâyoune-Sakia El Hamra", "العيون الساقية الحمراء"),
    "MA-12": ("Dakhla-Oued Ed-Dahab", "الداخلة وادي الذهب"),
}

# The 10 default groups (docs/statistics.md, ST5): the three southern regions are one group.
SOUTH = "south"
DEFAULT_REGION_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (code, (code,)) for code in ("MA-01", "MA-02", "MA-03", "MA-04", "MA-05", "MA-06", "MA-07", "MA-08", "MA-09")
) + ((SOUTH, ("MA-10", "MA-11", "MA-12")),)

# Merge partner of each default group (docs/statistics.md, ST14 steps 2-3): a neighbouring region, chosen so a small
# region joins a larger one that borders it. Tanger joins Rabat along the Atlantic corridor;
# the Oriental and Fès-Meknès join westwards; Rabat and Béni Mellal join Casablanca-Settat, which
# joins Marrakech-Safi (and back); Drâa-Tafilalet and Souss-Massa join Marrakech-Safi across the
# Atlas; the south joins Souss-Massa, its only populous neighbour.
MERGE_PARTNER: dict[str, str] = {
    "MA-01": "MA-04", "MA-02": "MA-03", "MA-03": "MA-04", "MA-04": "MA-06", "MA-05": "MA-06",
    "MA-06": "MA-07", "MA-07": "MA-06", "MA-08": "MA-07", "MA-09": "MA-07", SOUTH: "MA-09",
}
GEOGRAPHY_VERSION = "1"


def _group_names(members: tuple[str, ...]) -> tuple[str, str]:
    if members == ("MA-10", "MA-11", "MA-12"):
        return "Sud (Guelmim-Oued Noun, Laâyoune-Sakia El Hamra, Dakhla-Oued Ed-Dahab)", \
            "الجنوب (كلميم واد نون، العيون الساقية الحمراء، الداخلة وادي الذهب)"
    return " + ".join(REGION_NAMES[m][0] for m in members), " + ".join(REGION_NAMES[m][1] for m in members)


def region_dimension(groups: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_REGION_GROUPS) -> Dimension:
    """The region-group classification of one geography; its version names the groups used."""
    rows = tuple((code, *_group_names(members)) for code, members in groups)
    version = GEOGRAPHY_VERSION + ":" + ",".join(code for code, _ in groups)
    return _dimension("region_group", version, rows)


ISSUE_GROUP_DIM = _dimension("issue_group", "1", (
    ("children", "Questions relatives aux enfants", "قضايا الأطفال"),
    ("separation", "Séparation", "الانفصال"),
    ("marital_discord", "Différend conjugal (chiqaq)", "الخلافات الزوجية (الشقاق)"),
    ("wider_family", "Famille élargie", "العائلة الممتدة"),
    ("other", "Autre", "أخرى"),
))

# `excluded` (opened in error) is never counted, so it is no category.
OUTCOME_GROUP_DIM = _dimension("outcome_group", "1", (
    ("agreement", "Accord ou réconciliation", "اتفاق أو صلح"),
    ("no_agreement", "Aucun accord", "عدم الاتفاق"),
    ("counselling", "Accompagnement seul", "الإرشاد فقط"),
    ("not_started", "Médiation non engagée", "لم تنطلق الوساطة"),
    ("ended_early", "Arrêt anticipé", "إنهاء مبكر"),
    ("referred", "Orientation vers un autre intervenant", "إحالة على جهة أخرى"),
    ("administrative", "Clôture administrative", "إغلاق إداري"),
))

YOUNGEST_CHILD_DIM = _dimension("youngest_child_band", "1", (
    ("none", "Aucun enfant de moins de 18 ans", "لا يوجد طفل دون 18 سنة"),
    ("0_5", "De 0 à 5 ans", "من 0 إلى 5 سنوات"),
    ("6_14", "De 6 à 14 ans", "من 6 إلى 14 سنة"),
    ("15_17", "De 15 à 17 ans", "من 15 إلى 17 سنة"),
    ("unknown", "Âge inconnu", "السن غير معروف"),
))

DV_SCREENING_DIM = _dimension("dv_screening", "1", (
    ("positive", "Dépistage positif", "فحص إيجابي"),
    ("negative", "Dépistage négatif", "فحص سلبي"),
    ("not_screened", "Non dépisté", "لم يخضع للفحص"),
))

SESSION_TYPE_DIM = _dimension("session_type", "1", (
    ("individual", "Entretien individuel", "جلسة فردية"),
    ("joint_mediation", "Médiation conjointe", "جلسة وساطة مشتركة"),
    ("shuttle_mediation", "Médiation en navette", "الوساطة المكوكية"),
    ("counselling_psychological", "Accompagnement psychologique", "الإرشاد النفسي"),
    ("counselling_social", "Accompagnement social", "الإرشاد الاجتماعي"),
    ("counselling_legal", "Orientation juridique", "الإرشاد القانوني"),
    ("positive_parenting", "Parentalité positive", "الوالدية الإيجابية"),
    ("child_consultation", "Consultation de l'enfant", "الاستماع إلى الطفل"),
    ("follow_up", "Séance de suivi", "جلسة تتبع"),
))

# --- Catalogue version 2: outcomes that last (docs/statistics.md, ST34) -------------------------------

# A post-closure follow-up at 3 or at 6 months (the 1-month call is not published).
FOLLOW_UP_POINT_DIM = _dimension("follow_up_point", "1", (
    ("3_months", "Suivi à 3 mois", "التتبع بعد 3 أشهر"),
    ("6_months", "Suivi à 6 mois", "التتبع بعد 6 أشهر"),
))

FOLLOW_UP_RESULT_DIM = _dimension("follow_up_result", "1", (
    ("holding", "Accord respecté", "الاتفاق محترم"),
    ("partly_holding", "Partiellement respecté", "محترم جزئياً"),
    ("not_holding", "Non respecté", "غير محترم"),
    ("not_reached", "Famille non jointe", "تعذّر التواصل مع الأسرة"),
))

DESTINATION_GROUP_DIM = _dimension("destination_group", "1", (
    ("justice", "Justice (section de la famille, ministère public, police ou gendarmerie)",
     "القضاء (قسم قضاء الأسرة، النيابة العامة، الشرطة أو الدرك)"),
    ("legal_aid", "Avocat ou assistance judiciaire", "محامٍ أو المساعدة القضائية"),
    ("health", "Santé ou santé mentale", "الصحة أو الصحة النفسية"),
    ("protection", "Protection (centre d'écoute, unité de protection de l'enfance)",
     "الحماية (مركز الاستماع، وحدة حماية الطفولة)"),
    ("social_protection", "Protection sociale (Fonds d'entraide familiale, Entraide nationale)",
     "الحماية الاجتماعية (صندوق التكافل العائلي، التعاون الوطني)"),
    ("other", "Autre association ou service", "جمعية أو جهة أخرى"),
))

# --- Catalogue version 3: positive parenting and the family space (docs/statistics.md, ST35, ST38) ------------

# How far an enrolment of a finished cycle went: every unit in exactly one cell, so "took part" here is
# "took part without completing"; the parents who took part are the two rows together.
PARTICIPATION_DIM = _dimension("parenting_participation", "1", (
    ("took_part", "A pris part sans achever le cycle", "شارك دون إتمام الدورة"),
    ("completed", "A achevé le cycle", "أتمّ الدورة"),
))

SEX_DIM = _dimension("sex", "1", (
    ("female", "Femmes", "نساء"),
    ("male", "Hommes", "رجال"),
    ("not_recorded", "Sexe non renseigné", "الجنس غير مسجل"),
))

# T10 counts two things of the same activities: the activities held and the people present (a sum of the
# activities' attendance counts). Each is a population of its own in the attack (ST38).
ACTIVITY_MEASURE_DIM = _dimension("activity_measure", "1", (
    ("activities", "Activités tenues", "الأنشطة المنظمة"),
    ("attendance", "Personnes présentes", "الحاضرون"),
))

ACTIVITY_THEME_GROUP_DIM = _dimension("activity_theme_group", "1", (
    ("awareness_talk", "Causeries de sensibilisation", "لقاءات تحسيسية"),
    ("intergenerational_day", "Journées intergénérationnelles", "أيام بين الأجيال"),
    ("social_protection_info", "Information sur les programmes de protection sociale",
     "التعريف ببرامج الحماية الاجتماعية"),
    ("other", "Autres activités", "أنشطة أخرى"),
))

TABLES: dict[str, TableSpec] = {spec.id: spec for spec in (
    TableSpec("T1", "Dossiers enregistrés par groupe de régions", "الملفات المسجلة حسب مجموعة الجهات",
              "case", (region_dimension(),), "quarter", total=True, regional=True),
    TableSpec("T2", "Dossiers enregistrés par groupe de questions", "الملفات المسجلة حسب مجموعة القضايا",
              "case", (ISSUE_GROUP_DIM,), "quarter", total=True, regional=False),
    TableSpec("T3", "Clôtures par groupe d'issues", "الإغلاقات حسب مجموعة النتائج",
              "closure", (OUTCOME_GROUP_DIM,), "quarter", total=True, regional=False),
    TableSpec("T4", "Dossiers enregistrés par âge du plus jeune enfant et groupe de questions",
              "الملفات المسجلة حسب سن أصغر طفل ومجموعة القضايا",
              "case", (YOUNGEST_CHILD_DIM, ISSUE_GROUP_DIM), "year", total=False, regional=False),
    TableSpec("T5", "Dossiers enregistrés par dépistage des violences et groupe de régions",
              "الملفات المسجلة حسب فحص العنف ومجموعة الجهات",
              "case", (DV_SCREENING_DIM, region_dimension()), "year", total=False, regional=True),
    TableSpec("T6", "Séances tenues par type", "الجلسات المنعقدة حسب النوع",
              "session", (SESSION_TYPE_DIM,), "quarter", total=True, regional=False),
    # docs/statistics.md, ST34: two variables, so no margins and no total.
    TableSpec("T7", "Accords suivis à 3 et à 6 mois, par résultat",
              "الاتفاقات المتتبَّعة بعد 3 و6 أشهر حسب النتيجة",
              "follow_up", (FOLLOW_UP_POINT_DIM, FOLLOW_UP_RESULT_DIM), "year", total=False, regional=False),
    TableSpec("T8", "Orientations vers d'autres services par groupe de destinations",
              "الإحالات على جهات أخرى حسب مجموعة الجهات",
              "referral", (DESTINATION_GROUP_DIM,), "quarter", total=True, regional=False),
    # docs/statistics.md, ST35, ST38: two variables each, so no margins and no total (ST7).
    TableSpec("T9", "Parentalité positive : participants des cycles achevés, par participation et sexe",
              "الوالدية الإيجابية: المشاركون في الدورات المنتهية حسب المشاركة والجنس",
              "enrolment", (PARTICIPATION_DIM, SEX_DIM), "quarter", total=False, regional=False),
    TableSpec("T10", "Activités de l'espace familial et personnes présentes, par groupe de thèmes",
              "أنشطة الفضاء الأسري والحاضرون فيها حسب مجموعة المواضيع",
              "activity", (ACTIVITY_MEASURE_DIM, ACTIVITY_THEME_GROUP_DIM), "quarter", total=False, regional=False),
)}
QUARTERLY_TABLES = ("T1", "T2", "T3", "T6", "T8", "T9", "T10")
ANNUAL_TABLES = ("T4", "T5", "T7")

# Mean-cell-size gate (docs/statistics.md, ST8): an annual table stays in year Y only if its mean inner
# cell count in Y-1 is >= MEAN_CELL_MIN; otherwise its national fallback is published under the
# same table id (one dimension, no total). The fallbacks never cross two variables, so they keep
# every rule of the catalogue (DV never below national level here, never crossed with ages).
MEAN_CELL_MIN = 20
FALLBACK_TABLES: dict[str, TableSpec] = {spec.id: spec for spec in (
    TableSpec("T4", "Dossiers enregistrés par âge du plus jeune enfant (niveau national)",
              "الملفات المسجلة حسب سن أصغر طفل (على المستوى الوطني)",
              "case", (YOUNGEST_CHILD_DIM,), "year", total=False, regional=False),
    TableSpec("T5", "Dossiers enregistrés par dépistage des violences (niveau national)",
              "الملفات المسجلة حسب فحص العنف (على المستوى الوطني)",
              "case", (DV_SCREENING_DIM,), "year", total=False, regional=False),
)}


def table_spec_for(table_id: str, dimension_count: int) -> TableSpec:
    """The spec of a published table from its id and the number of codes in its rows' code.

    T4 and T5 are published either as catalogued (two codes) or as their fallback (one).
    """
    spec = TABLES[table_id]
    if len(spec.dimensions) != dimension_count and table_id in FALLBACK_TABLES:
        return FALLBACK_TABLES[table_id]
    return spec
