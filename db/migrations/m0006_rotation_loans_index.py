"""Schema version 6: find the loans made from a rotation batch by the batch.

Counting a batch's loans (图书流转: loans of rotated stock) otherwise reads every loan since
the batch was sent, a large share of three million at a county library.
"""

VERSION = 6

STATEMENTS = ("CREATE INDEX loan_rotation_batch ON loan (rotation_batch_id) WHERE rotation_batch_id IS NOT NULL",)


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
