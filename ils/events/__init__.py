"""Events, visits and the library's other services (issue 16): programmes and their sessions,
registration and attendance, online reach, evidence, media reports, honours and the 大事记;
gate counters, manual tallies, digital services, enquiries, training and volunteers; the
year's figures from all of them.

Every figure is counted from rows staff recorded or imported here, never typed as a total,
so the statistics (issue 20) read the same rows. Writing needs ``Permission.RECORD_EVENTS``
(the ``events`` role); tallying an enquiry needs only ``Permission.TALLY_ENQUIRIES``, which
every desk that answers questions has.
"""
