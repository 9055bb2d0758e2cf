"""Sync: desks and the county union catalogue exchange signed bundles of changes and converge.

See the Sync section of ``docs/ARCHITECTURE.md``: capture (``db.sync_spec``, the triggers of
``db.migrations.m0011_sync_capture``), bundles (``archive``), merge rules (``merge``),
applying (``apply``), derived state (``derived``), conflicts (``conflicts``), personal data
(``privacy``), identity and epochs (``identity``), keys and enrolment (``keys``, ``peers``),
the exchange itself (``exchange``) and the state hash (``statehash``).
"""
