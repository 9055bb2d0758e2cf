"""Statistics: indicators for the annual report and the evaluation, computed from the tables
the services keep (loans with their de-identified snapshot, renewals, the journal)."""
