"""Generated input against the profile form with its agenda settings (docs/domain.md, DOM164): never a 500,
a refusal keeps the input and saves nothing, an acceptance stores a number that can receive SMS (S16)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mediation.accounts.codes import AgendaChannel
from mediation.accounts.models import StaffUser
from mediation.extensions import db
from mediation.outbox.settings import clean_msisdn
from tests.strategies import extra_fields, fuzz, nasty_strings

FUZZ = fuzz(100)
nasty_text = nasty_strings(repeats=(0, 200))
numbers = st.one_of(nasty_text, st.sampled_from(["06 12 34 56 78", "+212 7 00 11 22 33", "0522 00 11 22",
                                                 "+33 6 12 34 56 78", "", "  ", "+", "٠٦١٢٣٤٥٦٧٨"]))
channels = st.one_of(st.sampled_from(["email", "sms", "none", "", "SMS", "fax"]), nasty_text)


def saved(app) -> tuple:
    with app.app_context():
        user = db.session.query(StaffUser).filter_by(username="mediator.a1").one()
        return user.display_name, user.agenda_channel, user.mobile


@FUZZ
@given(name=st.one_of(st.just("Karim Bennani"), nasty_text), channel=channels, mobile=numbers, extra=extra_fields)
def test_the_profile_form_with_its_agenda_settings_never_fails(app, login_as, world, name, channel, mobile, extra):
    client = login_as("mediator_a1")
    before = saved(app)
    response = client.post("/profile?lang=en", data={**extra, "display_name": name, "locale": "en",
                                                      "agenda_channel": channel, "mobile": mobile})
    assert response.status_code in (302, 413, 422), response.status_code
    after = saved(app)
    if response.status_code == 302:
        assert after[1] in AgendaChannel
        assert after[2] is None or clean_msisdn(after[2]) is not None
        assert after[1] is not AgendaChannel.SMS or after[2] is not None
    else:
        assert after == before, "nothing half-saved"
        if response.status_code == 422:
            body = response.get_data(as_text=True)
            assert 'name="mobile"' in body and "<script>alert(1)</script>" not in body
