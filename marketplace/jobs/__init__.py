"""Background jobs: run after the transaction that caused them commits.

Use cases and their modules:
- ``registry.job(name)``      register a function as a job (domains register their own)
- ``registry.every(s, name)`` run a registered job every `s` seconds (``flask jobs schedule``)
- ``queue.enqueue(name, **kw)``  run a job once the caller's transaction commits (nothing on rollback)
- ``queue.enqueue_in(seconds, name, **kw)``  the same, not before `seconds` have passed (RQ only)
- ``queue.drain()``           wait for the in-process jobs queued so far (tests; exit)
- ``local.py``                the in-process worker thread (no REDIS_URL), with the retries' timers
- ``failures.failed_jobs()``  the jobs that failed for good (failed_jobs table, RQ's failed registry),
                              for the admin page and ``flask jobs failed``
- ``failures.run_again(id)``  queue a failed job again after the caller's transaction commits
- ``runner.perform``          what an RQ worker runs: one job inside the app
- ``worker.py``               the RQ worker (``flask jobs worker``), and the periodic scheduler
- ``mail_jobs.py``            queued mail is delivered by the ``mail.deliver`` job

With ``REDIS_URL`` set, jobs go to RQ on Redis and a separate ``flask jobs worker``
runs them, retrying with backoff. Without it they run in-process, in order, on one
worker thread, after the request that caused them has answered; a failure is
retried after each of JOBS_RETRY_INTERVALS, then recorded in the failed_jobs table.
"""

from marketplace.jobs.failures import FailedJobNotFound, run_again  # noqa: F401
from marketplace.jobs.queue import drain, enqueue, enqueue_in, failed_jobs  # noqa: F401
from marketplace.jobs.registry import every, job  # noqa: F401
