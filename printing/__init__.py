"""Printable documents as PDF bytes, built from plain values.

This layer knows nothing about the database, the services or the TUI: callers
hand in frozen dataclasses whose strings are already translated, and get PDF
bytes back to save or send to a printer.  Keeping it that way lets every
document be rendered and checked in tests without a library to hand.
"""
