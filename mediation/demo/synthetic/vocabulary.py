"""Invented names and texts of the synthetic population.

As in the demo, family names are words such as "Exemple" or "Fictif" (المثالي، الافتراضي) so that
nobody mistakes a synthetic person for a real one; first names are common ones. Texts are short
phrases marked "(synthétique)" / "(معطيات اصطناعية)".
"""

from __future__ import annotations

from mediation.cases.codes import Sex

# (Arabic, Latin) first names by sex.
FIRST_NAMES = {
    Sex.FEMALE: (
        ("فاطمة", "Fatima"), ("خديجة", "Khadija"), ("سلمى", "Salma"), ("نادية", "Nadia"), ("هند", "Hind"),
        ("لطيفة", "Latifa"), ("مريم", "Meryem"), ("زينب", "Zineb"), ("سعاد", "Souad"), ("نزهة", "Nezha"),
        ("إيمان", "Imane"), ("حنان", "Hanane"), ("كريمة", "Karima"), ("سناء", "Sanaa"), ("رشيدة", "Rachida"),
        ("أسماء", "Asmae"), ("وفاء", "Wafae"), ("نجاة", "Najat"), ("ليلى", "Laila"), ("سارة", "Sara"),
    ),
    Sex.MALE: (
        ("محمد", "Mohamed"), ("يوسف", "Youssef"), ("أحمد", "Ahmed"), ("عادل", "Adil"), ("حميد", "Hamid"),
        ("رشيد", "Rachid"), ("كريم", "Karim"), ("إدريس", "Driss"), ("مصطفى", "Mustapha"), ("عمر", "Omar"),
        ("ياسين", "Yassine"), ("مهدي", "Mehdi"), ("سعيد", "Said"), ("عبد الله", "Abdellah"), ("نبيل", "Nabil"),
        ("هشام", "Hicham"), ("خالد", "Khalid"), ("أيوب", "Ayoub"), ("آدم", "Adam"), ("حمزة", "Hamza"),
    ),
}
FIRST_NAMES[Sex.NOT_RECORDED] = FIRST_NAMES[Sex.FEMALE]

FAMILY_NAMES = (
    ("المثالي", "Exemple"), ("الافتراضي", "Fictif"), ("التجريبي", "Essai"), ("النموذجي", "Modèle"),
    ("الوهمي", "Imaginaire"), ("الخيالي", "Fiction"), ("الاختباري", "Test"), ("العينة", "Echantillon"),
    ("الاصطناعي", "Synthèse"), ("المحاكي", "Simulé"), ("التقريبي", "Approché"), ("الرمزي", "Symbole"),
)

STAFF_FAMILY_NAMES = ("Alaoui-Démo", "Bennani-Démo", "Idrissi-Démo", "Amrani-Démo", "Tazi-Démo", "Fassi-Démo",
                      "Berrada-Démo", "Chraibi-Démo", "Sqalli-Démo", "Ouazzani-Démo")

REQUEST_SUMMARIES = (
    "Demande d'organiser les visites après la séparation (synthétique).",
    "خلافات زوجية متكررة؛ طلب جلسة وساطة (معطيات اصطناعية).",
    "Organisation de la garde et de la pension alimentaire (synthétique).",
    "Conflit familial autour de la prise en charge d'un parent âgé (synthétique).",
    "توتر العلاقة بين الأم وابنها المراهق (معطيات اصطناعية).",
    "Partage successoral contesté entre frères et sœurs (synthétique).",
)

SESSION_SUMMARIES = (
    "Entretien : attentes de la personne et déroulement expliqué (synthétique).",
    "جلسة: عرض أسباب الخلاف والاستماع إلى الطرفين (معطيات اصطناعية).",
    "Séance : points d'accord et points en discussion notés (synthétique).",
    "Séance : travail sur la communication entre les parents (synthétique).",
    "جلسة متابعة: تقييم ما تم الاتفاق عليه (معطيات اصطناعية).",
)

NEXT_STEPS = (
    "Inviter l'autre partie à un entretien individuel (synthétique).",
    "Chaque partie relit le projet avant la prochaine séance (synthétique).",
    "تحديد موعد الجلسة المقبلة (معطيات اصطناعية).",
)

FOLLOW_UPS = (
    "Envoyer le compte rendu de la séance (synthétique).",
    "Appeler les deux parties pour le suivi (synthétique).",
    "إعداد لائحة الوثائق المطلوبة (معطيات اصطناعية).",
)

NOTES = (
    "Premier accueil : pas de violence déclarée (synthétique).",
    "Adaptations décidées : arrivées décalées (synthétique).",
    "ملاحظة المتابعة: الطرفان ملتزمان بالمواعيد (معطيات اصطناعية).",
)

SCREENING_NOTES = ("Aucune violence déclarée (synthétique).",
                   "Peur de l'autre partie lors des rencontres (synthétique).")
REFERRAL_ORGANISATION = "Structure d'orientation (synthétique)"
REFERRAL_REASON = "Orientation à la clôture du dossier (données synthétiques)."
CLOSURE_NOTES = ("Dossier clos ; suivi prévu (synthétique).", "إغلاق الملف بعد آخر جلسة (معطيات اصطناعية).")
AGREEMENT_POINTS = ("Visites un week-end sur deux ; vacances partagées (synthétique).",
                    "Pension versée le 5 de chaque mois (synthétique).")
CANCEL_REASONS = ("Empêchement familial ; une autre date est demandée (synthétique).",
                  "La personne est malade ; elle rappellera (synthétique).")
REVIEW_NOTES = ("Revue périodique : poursuivre (synthétique).", "مراجعة: تعديل المقاربة (معطيات اصطناعية).")
VOID_REASON = "Saisie en double (synthétique)."
DECISION_RATIONALE = "Violence psychologique passée ; navette et arrivées décalées (synthétique)."
ADDRESS = "{n}, rue de l'Exemple, {city} (synthétique)"
