"""The shopper's account pages: register, log in and out, forgotten and
changed passwords, the profile. Each view parses its form, calls the use case
the API calls (services.py, recovery.py), and logs the browser in with the
same Flask-Login cookies as the API, so a page login is an API login."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from marketplace import access
from marketplace.access import AUTHENTICATED, PUBLIC
from marketplace.accounts import forms, recovery, services
from marketplace.accounts.throttle import LoginThrottled
from marketplace.web.pages import safe_next

blp = Blueprint("account_pages", __name__)

UNPROCESSABLE = 422  # a POST whose form comes back with errors

blp.add_app_template_filter(forms.display_phone, "vn_phone")


def _client_address() -> str:
    return request.remote_addr or "unknown"


def _page(template: str, form, status: int = 200, **context):
    return render_template(f"accounts/{template}.html", form=form, **context), status


def _failed(template: str, form, message=None, **context):
    return _page(template, form, UNPROCESSABLE if request.method == "POST" else 200, message=message, **context)


def _throttled_message() -> str:
    return _("Bạn đã thử quá nhiều lần. Vui lòng đợi ít phút rồi thử lại.")


def _keep_session_cookie(user) -> None:
    """After a password change the session is renewed: the cookies must carry the new one."""
    if user.session_secret is not None:
        login_user(user, remember=user.session_remembered)


@blp.route("/dang-ky", methods=["GET", "POST"])
@access.requires(PUBLIC)
def register():
    form = forms.RegisterForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return _failed("register", form)
    try:
        user = services.register(form.email.data, form.password.data, form.full_name.data, form.phone.data)
    except services.EmailTaken:
        form.email.errors.append(_("Email này đã có tài khoản. Hãy đăng nhập hoặc lấy lại mật khẩu."))
        return _failed("register", form)
    login_user(user)
    return redirect(safe_next(form.next.data) if form.next.data else url_for(".profile"), code=303)


@blp.route("/dang-nhap", methods=["GET", "POST"])
@access.requires(PUBLIC)
def login():
    form = forms.LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return _failed("login", form)
    try:
        user = services.log_in(form.email.data, form.password.data, _client_address(), remember=form.remember.data)
    except services.InvalidCredentials:
        return _failed("login", form, _("Email hoặc mật khẩu không đúng."))
    except LoginThrottled:
        return _failed("login", form, _throttled_message())
    login_user(user, remember=form.remember.data)
    return redirect(safe_next(form.next.data), code=303)


@blp.post("/dang-xuat")
@access.requires(PUBLIC)
def logout():
    """Public, so a shopper whose session has already ended is not asked to log in to log out."""
    if current_user.is_authenticated:
        services.log_out(current_user)
    logout_user()
    return redirect(url_for("storefront.home"), code=303)


@blp.route("/quen-mat-khau", methods=["GET", "POST"])
@access.requires(PUBLIC)
def forgot_password():
    form = forms.ResetRequestForm()
    if not form.validate_on_submit():
        return _failed("forgot_password", form)
    try:
        recovery.request_reset(form.email.data, _client_address())
    except LoginThrottled:
        return _failed("forgot_password", form, _throttled_message())
    return _page("reset_sent", form, email=form.email.data)  # the same answer whether the account exists or not


@blp.route("/dat-lai-mat-khau/<token>", methods=["GET", "POST"])
@access.requires(PUBLIC)
def reset_password(token: str):
    form = forms.ResetForm()
    try:
        if not form.validate_on_submit():
            recovery.check_reset_token(token)
            return _failed("reset_password", form)
        recovery.reset_password(token, form.password.data)
    except recovery.InvalidResetToken:
        return _page("reset_invalid", None, 410 if request.method == "GET" else UNPROCESSABLE)
    flash(_("Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới."))
    return redirect(url_for(".login"), code=303)


@blp.route("/tai-khoan", methods=["GET", "POST"])
@access.requires(AUTHENTICATED)
def profile():
    form = forms.ProfileForm(data={"full_name": current_user.full_name,
                                   "phone": forms.display_phone(current_user.phone)})
    if not form.validate_on_submit():
        return _failed("profile", form)
    services.edit_profile(current_user, {"full_name": form.full_name.data, "phone": form.phone.data})
    flash(_("Đã lưu thông tin tài khoản."))
    return redirect(url_for(".profile"), code=303)


@blp.route("/tai-khoan/mat-khau", methods=["GET", "POST"])
@access.requires(AUTHENTICATED)
def change_password():
    form = forms.PasswordChangeForm()
    if not form.validate_on_submit():
        return _failed("change_password", form)
    try:
        user = services.change_password(current_user, form.current_password.data, form.password.data,
                                        _client_address())
    except services.WrongPassword:
        form.current_password.errors.append(_("Mật khẩu hiện tại không đúng."))
        return _failed("change_password", form)
    except LoginThrottled:
        return _failed("change_password", form, _throttled_message())
    _keep_session_cookie(user)
    flash(_("Đã đổi mật khẩu. Các thiết bị khác đã được đăng xuất."))
    return redirect(url_for(".profile"), code=303)
