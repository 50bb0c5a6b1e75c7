"""Matrix rows of the auth feature (merged by tests/matrix.py)."""

from tests.matrix import Row, expect

ROWS = [
    # Without a half-way login these send everyone back to the login page.
    Row("auth.totp", "GET", "/login/code", expect(302, anonymous=302), public=True),
    Row("auth.totp", "POST", "/login/code", expect(302, anonymous=302), public=True),
    Row("auth.totp_enrol", "GET", "/login/enrol", expect(302, anonymous=302), public=True),
    Row("auth.totp_enrol", "POST", "/login/enrol", expect(302, anonymous=302), public=True),
    Row("auth.reset_password", "GET", "/password/reset", expect(200, anonymous=200), public=True),
    Row("auth.reset_password", "POST", "/password/reset", expect(422, anonymous=422), public=True),  # empty form
    Row("auth.profile", "GET", "/profile", expect(200)),
    Row("auth.profile", "POST", "/profile", expect(422)),  # empty form: field errors
    Row("auth.change_password", "GET", "/profile/password", expect(200)),
    Row("auth.change_password", "POST", "/profile/password", expect(422)),
    Row("auth.second_factor_setup", "GET", "/profile/second-factor", expect(200)),
    Row("auth.second_factor_setup", "POST", "/profile/second-factor", expect(200)),
    Row("auth.recovery_codes", "GET", "/profile/recovery-codes", expect(302)),  # no second factor: set it up
    Row("auth.recovery_codes", "POST", "/profile/recovery-codes", expect(302)),
    Row("auth.end_other_sessions", "POST", "/profile/sessions/end-others", expect(302)),
]
