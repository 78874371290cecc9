"""Flask-Login wiring: session cookies for browsers, bearer tokens for API clients."""

from marketplace.accounts.models import User
from marketplace.accounts.services import user_for_bearer_token
from marketplace.errors import AuthenticationRequired
from marketplace.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@login_manager.request_loader
def load_user_from_request(request):
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        return user_for_bearer_token(token.strip())
    return None


@login_manager.unauthorized_handler
def unauthorized():
    raise AuthenticationRequired()
