"""The audit log: who did what, to what and when, for every admin action.

Admin services call `record(...)` inside their own transaction, so an action
and its entry commit (or roll back) together, whichever door (API or page)
the action came through. The log is append-only: the ORM refuses to update or
delete an entry, and on PostgreSQL a trigger refuses UPDATE and DELETE too.
"""

from marketplace.audit.services import record  # noqa: F401
