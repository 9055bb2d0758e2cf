"""Statistics (issue 20): every indicator of the annual report, the national return (文化和旅游统计)
and the evaluation (评估定级), counted from the tables the services keep, plus the few figures
no system records (``ils.stats.inputs``).

``ils.stats.indicators`` says what an indicator is and counts it by month and breakdown; one
module per family declares its indicators (A collection, B readers, C circulation, D
activities, E digital, F special services, G the manual inputs); ``ils.stats.annual`` puts a
year together for the outputs (the return, the ledgers, the annual report, the 4-year window).
"""

from ils.stats import activities, circulation, collection, digital, readers, special  # noqa: F401  (they declare)
