"""Administration pages: associations, service points and staff accounts.

HTTP only: load through the user's scope, authorise, validate, call a service,
commit once, respond. Helpers shared by the three modules live here, above
the imports that register their routes.
"""

from __future__ import annotations

import unicodedata

from flask import Blueprint
from wtforms.fields.choices import SelectChoice

from mediation.accounts.models import Association
from mediation.accounts.policies import visible_associations
from mediation.admin import queries
from mediation.core.i18n import current_language
from mediation.core.pagination import page_number  # noqa: F401  (re-exported for the admin routes)
from mediation.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


def set_place_choices(form, *, no_region="—") -> None:
    """The 12 regions, and the 75 provinces grouped by region (<optgroup>) after a blank option."""
    language = current_language()
    regions = queries.regions(db.session)
    names = {region.code: region.name(language) for region in regions}
    form.region_code.choices = [SelectChoice("", no_region)] + [
        SelectChoice(region.code, names[region.code]) for region in regions
    ]
    # Ordered by region code, then name: each region's provinces form one group.
    form.province_code.choices = [SelectChoice("", "—")] + [
        SelectChoice(province.code, province.name(language), optgroup=names[province.region_code])
        for province in sorted(queries.provinces(db.session),
                               key=lambda province: (province.region_code, _sort_key(province.name(language))))
    ]


def _sort_key(name: str) -> str:
    """Accents aside, so that Kénitra sorts before Khémisset."""
    return "".join(char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char)).casefold()


def association_choices(user, *, blank, keep: Association | None = None,
                        active_only: bool = True) -> tuple[list, dict[str, Association]]:
    """The associations the user may pick, by public id: active ones (plus `keep`), or all for a filter."""
    language = current_language()
    visible = list(db.session.scalars(visible_associations(user).order_by(Association.name_fr)))
    options = [a for a in visible if not active_only or a.active or (keep is not None and a.id == keep.id)]
    by_id = {str(a.public_id): a for a in options}
    choices = [SelectChoice("", blank)] + [SelectChoice(key, a.name(language)) for key, a in by_id.items()]
    return choices, by_id


from mediation.admin.routes import associations, service_points, staff  # noqa: E402,F401  (registers routes)
