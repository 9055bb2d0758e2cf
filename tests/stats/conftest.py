"""The services' fixtures (a fresh library, a clock, an admin, a clerk) and the small lending shelf."""

from tests.services.circ_samples import shelf  # noqa: F401
from tests.services.conftest import admin, clerk, clock, english, library  # noqa: F401
