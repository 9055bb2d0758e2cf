"""The cataloguing desk's rules: MARC records, call numbers, search keys."""
