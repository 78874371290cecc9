"""The jobs that failed for good, for admins: the list, and running one again.

Running one again is an admin action like any other: it is written to the audit
log in the transaction that hands the job back to the queue (jobs/failures.py),
so the job goes only if the entry commits.
"""

from marketplace import audit, jobs
from marketplace.database import transactional
from marketplace.jobs.failures import FailedJob, FailedJobs, failed_jobs_report


def failed_jobs() -> FailedJobs:
    """Newest first: in-process failures (and jobs Redis could not take), then RQ's
    (unless Redis cannot be reached: the page says so)."""
    return failed_jobs_report()


@transactional
def run_again(job_id: str) -> FailedJob:
    """Raises FailedJobNotFound, JobNoLongerExists."""
    failed = jobs.run_again(job_id)
    audit.record("job.run_again", "job", job_id, name=failed.name, kwargs=failed.kwargs, error=failed.error,
                 attempts=failed.attempts)
    return failed
