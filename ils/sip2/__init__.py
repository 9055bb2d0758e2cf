"""Self-service: the SIP2 2.00 server for the 24-hour room's self-check machines and book
drops, and what the reader-facing kiosk asks of the library.

It builds on circulation (every loan goes through its services, with the same rules, blocks,
journal and sync) and on sync (how long since this node heard from the union, for the offline
policy); nothing below imports it.
"""
