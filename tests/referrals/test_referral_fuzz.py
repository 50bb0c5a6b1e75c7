"""Generated input on the referral forms: a saved change or a 422 with messages, never a 500, nothing
half-saved, no markup echoed (docs/security.md, S42)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tests.referrals.helpers import counts, refer
from tests.strategies import FUZZ, SCRIPT, extra_fields, nasty_strings, sometimes_from

nasty = nasty_strings(300, short_size=40, repeated="ن", repeats=(190, 2_100))
sometimes = sometimes_from(nasty)
days = st.one_of(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)).map(date.isoformat),
                 st.sampled_from(["", "2026-02-30", "31/12/2026", "\x00"]), st.text(max_size=12))


def _checked(response, before, after) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code in (302, 422), response.status_code
    assert SCRIPT not in body
    if response.status_code == 422:
        assert after == before, "nothing saved"
        assert 'class="error' in body or 'role="alert"' in body, "the refusal says why"


@FUZZ
@given(destination=sometimes("health", "police", "other"), urgency=sometimes("urgent", "routine"),
       organisation=nasty, reason=nasty, made_on=days,
       shared=st.lists(sometimes("identity", "contact_details", "case_summary", "screening_outcome"), max_size=4),
       own_participant=st.booleans(), extra=extra_fields)
def test_generated_referrals(app, login_as, cases, destination, urgency, organisation, reason, made_on, shared,
                             own_participant, extra):
    client = login_as("mediator_a1")
    before = counts(app)
    data = {**extra, "participant": cases.participants["own" if own_participant else "colleague"],
            "destination": destination, "urgency": urgency, "organisation_name": organisation, "reason": reason,
            "made_on": made_on, "data_shared": shared}
    response = client.post(f"/cases/{cases.own}/referrals/new?lang=ar", data=data)
    _checked(response, before, counts(app))
    if response.status_code == 302:
        assert counts(app)[0] == before[0] + 1 and own_participant and not shared


@FUZZ
@given(status=sometimes("accepted", "declined", "no_answer", "made"), feedback_on=days,
       version=st.one_of(st.just("current"), st.sampled_from(["", "0", "x", "9" * 40])), extra=extra_fields)
def test_generated_answers(app, login_as, cases, status, feedback_on, version, extra):
    if not hasattr(cases, "fuzz_referral"):
        cases.fuzz_referral = refer(app, cases.own, cases.participants["own"], made_on=date(2026, 11, 20))
    client = login_as("mediator_a1")
    response = client.post(f"/cases/{cases.own}/referrals/{cases.fuzz_referral}/answer?lang=fr",
                           data={**extra, "status": status, "feedback_on": feedback_on,
                                 **({} if version == "current" else {"version": version})})
    assert response.status_code in (302, 409, 422), response.status_code
    assert SCRIPT not in response.get_data(as_text=True)


@FUZZ
@given(ground=sometimes("child_at_risk", "adult_at_risk"), reason=nasty, extra=extra_fields)
def test_generated_exception_requests(app, login_as, cases, ground, reason, extra):
    client = login_as("mediator_a1")
    before = counts(app)
    response = client.post(f"/cases/{cases.own}/referrals/exceptions/new",
                           data={**extra, "participant": cases.participants["own"], "ground": ground,
                                 "reason": reason})
    _checked(response, before, counts(app))
