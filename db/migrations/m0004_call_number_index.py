"""Schema version 4: look records up by call number.

Giving a 著者号 reads the marks already used in a class (``bib_record.call_class``); at
600,000 records that was a full scan of the table, about a second.
"""

VERSION = 4

STATEMENTS = ("CREATE INDEX bib_record_call_number ON bib_record (call_class, book_number)",)


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
