"""Periodicals (报刊): subscriptions, issue prediction, check-in by scan, claims, routing and binding.

Titles (``titles``) carry their numbers (ISSN, CN, 邮发代号) and publication pattern;
``patterns`` predicts the issues of a year from it (never stored); a subscription
(``subscriptions``) takes a title for a year with its supplier, prices, copies and routing;
``checkin`` records each copy that arrives (by cover scan, or a day's newspapers at once);
``claims`` lists what is late and records the claims sent; ``binding`` makes bound volumes
that become copies in the catalogue; ``figures`` counts all of it for the statistics.
Tables: ``db.migrations.m0040_serials``.
"""
