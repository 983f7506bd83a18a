"""Middlewares: per-update ones on the dispatcher, per-request ones on the Bot session.

The dispatcher factory installs them in this order (outermost first):
deduplication, update log, registration (outer, every update), then rate limit, access and
unit of work (inner: they run only when a handler matched, so they can read its flags).
"""
