"""Email: every message the marketplace sends goes through here.

Use cases and their modules:
- ``services.send``      queue a message in the caller's transaction (it leaves only if that commits)
- ``services.deliver``   hand one queued message to the transport (run after commit, or by a job)
- ``services.retry``     deliver what is still queued or failed (``flask mail retry``)
- ``transport.py``       where messages go, chosen by ``MAIL_URL``: SMTP, or the log by default
- ``models.py``          ``OutboundMail``, the outbox: what was sent, to whom, and how it went
"""
