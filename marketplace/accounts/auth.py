"""Flask-Login wiring: session cookies for browsers, bearer tokens for API clients."""

from marketplace.accounts.services import user_for_bearer_token
from marketplace.accounts.sessions import user_for_session
from marketplace.errors import AuthenticationRequired
from marketplace.extensions import login_manager


@login_manager.user_loader
def load_user(session_secret: str):
    """From the session or the remember cookie: both carry a server-side
    session's secret (User.get_id), looked up on every request, so a session
    ended on the server ends for every copy of its cookies."""
    return user_for_session(session_secret)


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
