"""The producer portal's member pages: who acts for the producer; owners invite
an existing account by email, change roles and remove members, through the
services the API calls (producers/portal.py). The services protect the last
owner; the page shows their refusal."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import access
from marketplace.producers import services
from marketplace.producers.access import PRODUCER_MEMBER, PRODUCER_OWNER
from marketplace.producers.models import AlreadyMember, LastOwner, MemberRole, NoSuchAccount, OwnersOnly
from marketplace.producers.portal_forms import ROLE_LABELS, InviteForm, RemoveForm, RoleForm

blp = Blueprint("portal_member_pages", __name__, url_prefix="/kenh-nguoi-ban/<int:producer_id>/thanh-vien")


@blp.get("")
@access.requires(PRODUCER_MEMBER)
def members(producer_id: int):
    return _page(producer_id)


@blp.post("")
@access.requires(PRODUCER_OWNER)
def invite(producer_id: int):
    form = InviteForm()
    if form.validate_on_submit():
        try:
            services.add_member(producer_id, form.email.data, MemberRole(form.role.data), acting_user_id=current_user.id)
            flash(_("Đã thêm %(email)s.", email=form.email.data))
            return redirect(url_for(".members", producer_id=producer_id), code=303)
        except NoSuchAccount:
            form.email.errors.append(_("Chưa có tài khoản nào dùng email này; hãy nhờ họ đăng ký trước."))
        except AlreadyMember:
            form.email.errors.append(_("Tài khoản này đã là thành viên."))
        except OwnersOnly:
            return _page(producer_id, status=403, problem=_("Chỉ chủ sở hữu mới làm được việc này."))
    return _page(producer_id, status=422, invite_form=form)


@blp.post("/<int:member_id>/vai-tro")
@access.requires(PRODUCER_OWNER)
def change_role(producer_id: int, member_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        return _page(producer_id, status=422, problem=_("Chọn một vai trò."))
    return _change(producer_id, _("Đã đổi vai trò."), lambda: services.change_member_role(
        producer_id, member_id, MemberRole(form.role.data), acting_user_id=current_user.id))


@blp.post("/<int:member_id>/xoa")
@access.requires(PRODUCER_OWNER)
def remove(producer_id: int, member_id: int):
    if not RemoveForm().validate_on_submit():
        return _page(producer_id, status=400, problem=_("Phiên làm việc đã hết hạn. Vui lòng gửi lại biểu mẫu."))
    return _change(producer_id, _("Đã xoá thành viên."), lambda: services.remove_member(
        producer_id, member_id, acting_user_id=current_user.id))


def _change(producer_id: int, done: str, change):
    try:
        change()
    except LastOwner:
        return _page(producer_id, status=409, problem=_("Chủ thể phải còn ít nhất một chủ sở hữu."))
    except OwnersOnly:
        return _page(producer_id, status=403, problem=_("Chỉ chủ sở hữu mới làm được việc này."))
    flash(done)
    return redirect(url_for(".members", producer_id=producer_id), code=303)


def _page(producer_id: int, status: int = 200, problem: str | None = None, invite_form=None):
    return render_template("portal/members.html", members=services.list_members(producer_id), problem=problem,
                           invite_form=invite_form or InviteForm(formdata=None),
                           ROLE_LABELS=ROLE_LABELS, MemberRole=MemberRole), status
