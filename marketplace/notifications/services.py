"""Sending a notification once, in its recipient's language, unless they opted out.

`notify` runs in the transaction of what happened and only enqueues the
`notifications.send` job, so a rolled-back order mails no one. The job writes
the SentNotification (unique key) and the mail in one transaction: a retried
or repeated job finds the key and sends nothing more.
"""

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from marketplace import jobs
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.mail import services as mail
from marketplace.notifications.kinds import KINDS
from marketplace.notifications.models import NotificationOptOut, SentNotification
from marketplace.producers.models import ProducerMember


def notify(kind: str, user_id: int, key: str, link: str = "", **params) -> None:
    """Mail `kind` to the user once the caller's transaction commits; `key` names this one notification."""
    if kind not in KINDS:
        raise KeyError(kind)
    jobs.enqueue("notifications.send", kind=kind, user_id=user_id, key=f"{kind}:{key}:{user_id}",
                 link=link, params={k: str(v) for k, v in params.items()})


def notify_producer(producer_id: int, kind: str, key: str, link: str = "", **params) -> None:
    """To every member of the producer."""
    members = db.session.scalars(sa.select(ProducerMember.user_id).where(ProducerMember.producer_id == producer_id))
    for user_id in members:
        notify(kind, user_id, key, link, **params)


def notify_admins(kind: str, key: str, link: str = "", **params) -> None:
    for user_id in db.session.scalars(sa.select(User.id).where(User.is_admin, User.active)):
        notify(kind, user_id, key, link, **params)


@jobs.job("notifications.send")
def send(kind: str, user_id: int, key: str, link: str, params: dict) -> str:
    """The job: 'sent', 'already sent' or 'opted out'."""
    if db.session.scalar(sa.select(SentNotification.id).where(SentNotification.key == key)):
        return "already sent"
    user = db.session.get(User, user_id)
    if user is None or (not KINDS[kind].security and opted_out(user_id, kind)):
        return "opted out"
    subject, text, html = render(kind, user, link, params)
    outbound = mail.send(user.email, subject, text, kind=kind, html=html)
    db.session.add(SentNotification(key=key, kind=kind, user_id=user_id, mail_id=outbound.id))
    try:
        db.session.commit()
    except IntegrityError:  # the same notification committed meanwhile, by another worker
        db.session.rollback()
        return "already sent"
    return "sent"


def render(kind: str, user: User, link: str, params: dict) -> tuple[str, str, str]:
    spec = KINDS[kind]
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    with force_locale(user.locale or "vi"):
        context = dict(user=user, subject=str(spec.subject).format(**params), line=str(spec.line).format(**params),
                       link=base + link if link else "", preferences=base + "/tai-khoan/thong-bao",
                       security=spec.security)
        return (context["subject"], render_template("mail/notification.txt", **context),
                render_template("mail/notification.html", **context))


def opted_out(user_id: int, kind: str) -> bool:
    return bool(db.session.scalar(sa.select(NotificationOptOut.id).where(
        NotificationOptOut.user_id == user_id, NotificationOptOut.kind == kind)))
