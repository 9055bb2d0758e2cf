"""The blind reading room (盲人阅览室): eligibility, listening devices, audio and braille sets,
requests, postal loans and home delivery, the call list and the room's statistics.

Devices and sets are copies (``item``) lent through the circulation services and the rules
matrix; what the room adds lives in its own tables (``db.migrations.m0020_blind_room``). Every
service here needs ``Permission.BLIND_SERVICE``: only the blind room sees who is visually
impaired, their address and their phone number.
"""
