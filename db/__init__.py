"""Storage: peewee models, the connection, schema versions and the journal.

Knows tables, indexes, pragmas, transactions and migrations; nothing about
library rules, which live in ``ils``.
"""
