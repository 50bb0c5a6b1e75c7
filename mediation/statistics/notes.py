"""The release notes in the reader's language on the release page.

Released files carry each note once in French and Arabic (the files are the record, read outside the
application). The page shows a note the method wrote in the user's language instead; a note it does not
know (a free-text correction note of a release built before notes became fixed codes) is shown as stored.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from mediation.statistics.codes import CorrectionReason
from mediation.statistics.disclosure import NOTE_CELLS_WITHHELD, NOTE_TABLE_WITHHELD, NOTE_TOTAL_WITHHELD
from mediation.statistics.files import STANDARD_NOTES
from mediation.statistics.period import NOTE_FALLBACK, NOTE_GATE, NOTE_NATIONAL_RULE, NOTE_NO_REGIONAL
from mediation.statistics.versions import CORRECTION_NOTES

TOTALS_ROUNDED, NOT_REVISIONS, POPULATION = STANDARD_NOTES

NOTE_LABELS = {
    TOTALS_ROUNDED: _l("Totals are rounded separately: the cells may not add up to the total."),
    NOT_REVISIONS: _l("Published values do not revise earlier releases."),
    POPULATION: _l("Population: every case except those closed as opened in error; in associations whose CNDP "
                   "declaration requires it, only the cases in which at least one party consented to anonymous "
                   "statistics and no party refused or withdrew that consent."),
    NOTE_TABLE_WITHHELD: _l("Table withheld for this period (disclosure control): every value is “x”."),
    NOTE_TOTAL_WITHHELD: _l("Total withheld (disclosure control): its value is “x”."),
    NOTE_NO_REGIONAL: _l("Regional tables not published for this period: fewer than 3 groups of regions."),
    NOTE_NATIONAL_RULE: _l("Table withheld: fewer than 3 contributing associations, or two associations above "
                           "90 %."),
    NOTE_FALLBACK: _l("Table published at national level: the previous year's mean cell size is below 20."),
    NOTE_GATE: _l("Linear-attack check (D5): some values were withheld (“x”) in this release."),
    NOTE_CELLS_WITHHELD: _l("Correction: values that cross the threshold of 10 between two versions are withheld "
                            "(“x”)."),
    CORRECTION_NOTES[CorrectionReason.DATA_ENTRY_ERROR]: _l("Corrected version of this period: data entry error."),
    CORRECTION_NOTES[CorrectionReason.LATE_RECORDS]: _l("Corrected version of this period: late records."),
    CORRECTION_NOTES[CorrectionReason.OPENED_IN_ERROR]: _l("Corrected version of this period: cases opened in "
                                                           "error."),
    CORRECTION_NOTES[CorrectionReason.METHOD_CHANGE]: _l("Corrected version of this period: method change."),
}


def note_label(note: str):
    """The note in the user's language if the method wrote it, else as stored."""
    return NOTE_LABELS.get(note, note)
