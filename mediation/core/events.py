"""Events a lower package announces and a higher one reacts to (docs/architecture.md, A1).

Imports point down the floors. When something that happens low in the house has an effect in a
feature above it (a user's credentials are revoked, so their calendar feeds stop; a case closes, so
its future appointments are cancelled), the lower package sends one of the signals below and the
feature connects a receiver, instead of the lower package importing the feature.

Receivers run synchronously, in the sender's transaction and with its `session`: they flush and
never commit, so the effect and its cause are saved, or rolled back, together. They are connected
when their module is imported (create_app imports every feature), with strong references so that
nothing is lost to garbage collection. Blinker is Flask's own signal library.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

credentials_revoked = _signals.signal("credentials-revoked")
"""Every credential of a staff user stops working (an S8 event; not a plain logout).

Sender: the StaffUser. Keyword: session.
"""

case_closing = _signals.signal("case-closing")
"""A case is about to be closed with `outcome`; nothing is written yet. A feature that owns a record the
outcome depends on (an agreement, a referral) checks it here and raises ValidationFailed to refuse the
closure, so that the whole closure is refused before anything is flushed.

Sender: the Case. Keywords: session, actor, outcome.
"""

case_closed = _signals.signal("case-closed")
"""A case was closed. Sender: the Case. Keywords: session, actor, closure (the new Closure row: a feature
links its own records to it from its own table, never the reverse)."""

case_reopened = _signals.signal("case-reopened")
"""A supervisor reopened a closed case. Sender: the Case. Keywords: session, actor, closure (the Closure row the
reopening undid, or None): a feature cancels what that closure had planned."""
