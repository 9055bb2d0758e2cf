"""The Textual desk application: one screen per desk task, shared widgets in ``widgets``.

Screens call the services in ``ils`` and nothing below them; every service call
runs in a worker (``screens.work``) so a slow disk or a scrypt check never
freezes the desk.
"""
