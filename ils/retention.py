"""The privacy retention jobs (DOMAIN: PIPL retention), contributed by each domain that keeps
personal data past its use.

``ils.readers.privacy`` runs them all (``ils readers deidentify``, the System desk), but the
data lies in domains built on readers: kept sync bundles, the blind room's parcels and calls.
Each registers its job here with ``@retention_job(code, label)`` and names its module in
``ils.domains.CONTRIBUTORS``; this module knows no domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ils import domains
from ils.session import Session

#: A job: runs once over the whole library, returns how many rows or files it changed.
Job = Callable[[Session], int]


@dataclass(frozen=True)
class RetentionJob:
    code: str
    label: str  # what the count means, marked N_
    run: Job


_JOBS: list[RetentionJob] = []


def retention_job(code: str, label: str) -> Callable[[Job], Job]:
    """Register ``run`` as the retention job ``code``; running it again the same day must change nothing."""

    def register(run: Job) -> Job:
        _JOBS.append(RetentionJob(code, label, run))
        return run

    return register


def retention_jobs() -> tuple[RetentionJob, ...]:
    """Every registered job in the order it runs: the readers' own, then the contributors'."""
    domains.load()
    return tuple(sorted(_JOBS, key=lambda job: domains.rank(job.run.__module__)))
