"""Mail goes out by a job: `mail.deliver` per message, `mail.retry` periodically."""

from marketplace.jobs.queue import dispatch
from marketplace.jobs.registry import every, job
from marketplace.mail import services as mail

job("mail.deliver")(lambda mail_id: mail.deliver(mail_id))
job("mail.retry")(lambda: mail.retry())
every(300, "mail.retry")


def init() -> None:
    """Queued mail leaves through the job queue once its transaction commits."""
    mail.deliver_with(lambda mail_id: dispatch("mail.deliver", mail_id=mail_id))
