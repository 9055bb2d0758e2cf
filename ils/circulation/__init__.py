"""Circulation: loans, returns, renewals, holds, transit, charges, rotation, the calendar and
the loan rules. Every rule is computed here, at the desk, online or not.

Nothing is imported here on purpose: ``ils.readers`` reads a reader's standing from
``ils.circulation.standing``, which depends only on ``db``, and importing the package must
not pull in the modules that depend on ``ils.readers`` in turn.
"""
