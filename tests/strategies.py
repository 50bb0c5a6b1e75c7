"""Hypothesis strategies and settings shared by the fuzz tests (generated input: never a 500, nothing
half-saved).

`fuzz(n)` is the settings of a test that drives the application with `n` generated examples; the number
of examples follows the Hypothesis profile (tests/conftest.py), so a run may scale every fuzz test at once.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Right-to-left marks, controls, NUL, markup and quotes, SQL wildcards, Arabic, Tifinagh, emoji, and the
# pieces of codes and numbers (RBT-01, 2026-12-31).
NASTY_CHARACTERS = "\u200f\u202e\x00\r\n\t<>\"'&%_ضصثقⵜⴰⵎⴰⵣⵉⵖⵜ😀éA-0123456789"
SCRIPT = "<script>alert(1)</script>"


def nasty_strings(max_size: int = 300, *, short_size: int = 50, repeated: str = "x",
                  repeats: tuple[int, int] = (0, 5_000)) -> st.SearchStrategy[str]:
    """Any Unicode text up to `max_size`, strings of NASTY_CHARACTERS up to `short_size`, one character
    `repeated` a number of times in `repeats` (around or over a field's limit), and a script tag."""
    return st.one_of(
        st.text(max_size=max_size),
        st.text(alphabet=st.sampled_from(NASTY_CHARACTERS), max_size=short_size),
        st.builds(lambda n: repeated * n, st.integers(min_value=repeats[0], max_value=repeats[1])),
        st.just(SCRIPT),
   )


def sometimes_from(nasty: st.SearchStrategy[str]):
    """`sometimes(*valid)`: mostly one of the plausible values, sometimes anything `nasty` gives."""

    def sometimes(*valid) -> st.SearchStrategy:
        return st.one_of(st.sampled_from(valid), nasty)

    return sometimes


nasty_text = nasty_strings()
sometimes = sometimes_from(nasty_text)

# Form fields the form does not have, with any value: they must be ignored.
extra_fields = st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=3)


def examples(count: int) -> int:
    """`count` examples under Hypothesis' default of 100 examples per test; under a profile with another
    default, scaled in proportion, never below 10 (nor above `count`)."""
    return min(count, max(10, count * settings.default.max_examples // 100))


def fuzz(max_examples: int, *, instants: int = 1) -> settings:
    """Settings of a fuzz test: no deadline (requests through the application vary in time), and the
    function-scoped fixtures (the app, the test world) are meant to be shared by the examples.

    In a module that runs once per instant (`any_hour`, docs/architecture.md T1), `instants` is how many:
    the instants share the examples, each running its part (never fewer than 10), so a property is tried
    about as often as in any other module instead of once in full per instant."""
    return settings(max_examples=examples(-(-max_examples // instants)), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


# The most common count.
FUZZ = fuzz(50)
