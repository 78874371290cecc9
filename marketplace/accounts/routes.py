"""Registration, login, sessions, passwords, the profile and API tokens."""

from flask import request
from flask.views import MethodView
from flask_login import current_user, login_user, logout_user

from marketplace.access import AUTHENTICATED, PUBLIC
from marketplace.accounts import recovery, schemas, services
from marketplace.accounts.throttle import LoginThrottled
from marketplace.api import Blueprint

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Accounts, sessions and API tokens")


def _client_address() -> str:
    return request.remote_addr or "unknown"


@blp.route("/register")
class Register(MethodView):
    @blp.access(PUBLIC)
    @blp.arguments(schemas.RegisterSchema)
    @blp.response(201, schemas.UserSchema)
    @blp.errors(services.EmailTaken)
    def post(self, data):
        """Create an account and log in with a session cookie"""
        user = services.register(**data)
        login_user(user)
        return user


@blp.route("/login")
class Login(MethodView):
    @blp.access(PUBLIC)
    @blp.arguments(schemas.LoginSchema)
    @blp.response(200, schemas.UserSchema)
    @blp.errors(services.InvalidCredentials, LoginThrottled)
    def post(self, data):
        """Log in with email and password; sets the session cookie"""
        user = services.log_in(data["email"], data["password"], _client_address(), remember=data["remember"])
        login_user(user, remember=data["remember"])
        return user


@blp.route("/logout")
class Logout(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(204)
    def post(self):
        """End this session; its session and remember cookies stop working"""
        services.log_out(current_user)
        logout_user()


@blp.route("/logout-everywhere")
class LogoutEverywhere(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(204)
    def post(self):
        """End every session of your account, on every device (bearer tokens stay)"""
        services.log_out_everywhere(current_user)
        logout_user()


@blp.route("/password")
class Password(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.arguments(schemas.PasswordChangeSchema)
    @blp.response(200, schemas.UserSchema)
    @blp.errors(services.WrongPassword, LoginThrottled)
    def post(self, data):
        """Change your password: ends every other session, renews this one"""
        user = services.change_password(current_user, data["current_password"], data["new_password"],
                                        _client_address(), revoke_api_tokens=data["revoke_api_tokens"])
        if user.session_secret is not None:
            login_user(user, remember=user.session_remembered)  # the cookies now carry the renewed session
        return user


@blp.route("/password-reset")
class PasswordResetRequest(MethodView):
    @blp.access(PUBLIC)
    @blp.arguments(schemas.PasswordResetRequestSchema)
    @blp.response(202, schemas.ResetRequestedSchema)
    @blp.errors(LoginThrottled)
    def post(self, data):
        """Mail a password reset link; the answer is the same whether or not the account exists"""
        recovery.request_reset(data["email"], _client_address())
        return {"message": "If an account uses this email, a link to reset its password is on its way."}


@blp.route("/password-reset/confirm")
class PasswordReset(MethodView):
    @blp.access(PUBLIC)
    @blp.arguments(schemas.PasswordResetSchema)
    @blp.response(204)
    @blp.errors(recovery.InvalidResetToken)
    def post(self, data):
        """Set a new password with the mailed token (once); every session of the account ends"""
        recovery.reset_password(data["token"], data["new_password"])


@blp.route("/me")
class Me(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(200, schemas.UserSchema)
    def get(self):
        """The current user and their roles"""
        return current_user

    @blp.access(AUTHENTICATED)
    @blp.arguments(schemas.ProfileSchema)
    @blp.response(200, schemas.UserSchema)
    def patch(self, data):
        """Change your name or phone"""
        return services.edit_profile(current_user, data)


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(200, schemas.TokenSchema(many=True))
    def get(self):
        """List your API tokens (never the tokens themselves)"""
        return services.list_tokens(current_user)

    @blp.access(AUTHENTICATED)
    @blp.arguments(schemas.TokenCreateSchema)
    @blp.response(201, schemas.NewTokenSchema)
    def post(self, data):
        """Create a bearer token for an API client; it is shown only once"""
        token, plaintext = services.create_token(current_user, data["name"])
        token.token = plaintext
        return token


@blp.route("/tokens/<int:token_id>")
class TokenItem(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(204)
    @blp.errors(services.TokenNotFound)
    def delete(self, token_id):
        """Revoke one of your tokens"""
        services.revoke_token(current_user, token_id)
