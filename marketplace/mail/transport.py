"""Where mail goes, chosen by MAIL_URL:

- empty or ``log://``: written to the ``marketplace.mail`` log (development, the demo);
- ``smtp://[user:password@]host[:port]``: plain SMTP (port 25 by default), STARTTLS
  when the server offers it;
- ``smtp+starttls://…`` (587): STARTTLS required; ``smtps://…`` (465): TLS from the start.
"""

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

log = logging.getLogger("marketplace.mail")

SMTP_TIMEOUT_SECONDS = 15


class MailNotSent(Exception):
    """The transport could not take the message; it stays in the outbox to retry."""


@dataclass(frozen=True)
class Message:
    sender: str
    to: str
    subject: str
    text: str
    html: str | None = None

    def as_email(self) -> EmailMessage:
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = self.sender, self.to, self.subject
        email.set_content(self.text)
        if self.html:
            email.add_alternative(self.html, subtype="html")
        return email


class LogTransport:
    def send(self, message: Message) -> None:
        log.info("Mail to %s: %s\n%s", message.to, message.subject, message.text)


class SmtpTransport:
    def __init__(self, url: str):
        parts = urlsplit(url)
        self.scheme = parts.scheme
        self.host = parts.hostname or "localhost"
        self.port = parts.port or {"smtps": 465, "smtp+starttls": 587}.get(parts.scheme, 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None

    def send(self, message: Message) -> None:
        """Raises MailNotSent."""
        try:
            with self._connect() as smtp:
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message.as_email())
        except (OSError, smtplib.SMTPException) as exc:
            raise MailNotSent(f"{type(exc).__name__}: {exc}") from exc

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.scheme == "smtps":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        smtp.ehlo()
        if self.scheme == "smtp+starttls" or smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        return smtp


def from_url(url: str):
    """Raises ValueError for a MAIL_URL it does not understand."""
    scheme = urlsplit(url).scheme if url else "log"
    if scheme == "log":
        return LogTransport()
    if scheme in ("smtp", "smtps", "smtp+starttls"):
        return SmtpTransport(url)
    raise ValueError(f"MAIL_URL must start with log://, smtp://, smtp+starttls:// or smtps://, not {scheme}://")
