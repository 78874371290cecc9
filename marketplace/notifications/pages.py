"""/tai-khoan/thong-bao: which notification emails the account receives, and in which language."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import access
from marketplace.access import AUTHENTICATED
from marketplace.notifications.forms import NotificationsForm
from marketplace.notifications.preferences import preferences_of, set_preferences

blp = Blueprint("notification_pages", __name__)


@blp.route("/tai-khoan/thong-bao", methods=["GET", "POST"])
@access.requires(AUTHENTICATED)
def preferences():
    current = preferences_of(current_user)
    form = NotificationsForm(data={"kinds": [k for k, on in current.items() if on], "locale": current_user.locale})
    form.offer(current)
    if form.validate_on_submit():
        set_preferences(current_user, set(form.kinds.data or ()), form.locale.data)
        flash(_("Đã lưu lựa chọn thông báo."))
        return redirect(url_for(".preferences"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("notifications/preferences.html", form=form), status
