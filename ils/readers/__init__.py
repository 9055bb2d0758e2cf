"""Readers: registration, cards and their lifecycle, consents and the privacy duties (PIPL).

The modules build on each other in this order: ``idnumbers``, ``keys``, ``cards``,
``names``, ``types``, ``settings`` (plain building blocks); ``rows`` (reading a reader
into the dataclasses screens show); ``consents``; ``readers`` (register, find, view,
change); ``lifecycle`` (lost, replace, renew, suspend, cancel); ``privacy`` (export,
anonymise, retention); ``printouts`` (the card and the export as PDF).

Two rules hold everywhere here: a raw ID number is never logged, printed, journaled or
put into an error message (only ``reveal_id_number`` returns it, journaled), and reader
journal rows name the reader by id and list which fields changed, never their values,
so that anonymising a reader leaves nothing personal in the append-only journal.
"""
