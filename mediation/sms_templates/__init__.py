"""The texts of the SMS sent to families, per association (docs/domain.md, DOM146-DOM149, DOM159).

An association's supervisor writes, per kind of message and language, the text an SMS says, from a
fixed set of placeholders; every text is checked against the rules of what an SMS may say (DOM144),
when it is saved and again when a message is rendered. Without a text of its own, an association
sends the built-in one. The features that send SMS (appointments, groups, documents) render through
`mediation.sms_templates.render.render_sms`; this package imports none of them.
"""
