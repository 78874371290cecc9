"""Who may tell us money arrived: whoever signs the body with our shared secret.

The bank-notification service (or a relay in front of it: SePay, Casso) sends
X-Signature: the hex HMAC-SHA256 of the raw request body, keyed with
BANK_WEBHOOK_SECRET. No user signs in for it, so the access rule looks at the
signature alone: a wrong or missing one is refused (401) before the body is
even read as JSON, whoever else the caller is. While the secret is unset the
endpoint refuses everything: an unsigned endpoint that confirms orders would
let anyone pay them with words.
"""

import hashlib
import hmac
import logging

from flask import current_app, request

from marketplace.access import Rule
from marketplace.errors import N_, DomainError

log = logging.getLogger(__name__)

HEADER = "X-Signature"


class InvalidSignature(DomainError):
    status, code, message = 401, "invalid_signature", N_(
        "Sign the raw body with the shared secret: X-Signature, the hex HMAC-SHA256 of the body.")


def signature_of(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _verify(_user, _view_kwargs) -> None:
    secret = current_app.config.get("BANK_WEBHOOK_SECRET") or ""
    if not secret:
        log.warning("A bank notification was refused: BANK_WEBHOOK_SECRET is not set")
        raise InvalidSignature()
    sent = request.headers.get(HEADER, "").strip().lower()
    # get_data(cache=True): the body stays readable for the arguments parser after this.
    if not sent or not hmac.compare_digest(sent, signature_of(request.get_data(cache=True), secret)):
        raise InvalidSignature()


SIGNED_BY_BANK = Rule("signed_by_bank", login_required=False, check=_verify, allows=frozenset(), refusals=(401,),
                      raises=(InvalidSignature,), security=({"bankSignature": []},))
