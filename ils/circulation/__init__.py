"""Circulation: loans, returns, renewals, holds, transit, charges, rotation, the calendar and
the loan rules. Every rule is computed here, at the desk, online or not.

Circulation builds on readers and the catalogue; neither imports it. The blocks it puts on a
reader reach ``ils.readers`` through ``ils.standing`` (``standing.py`` registers them).
"""
