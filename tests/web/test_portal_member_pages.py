"""The producer portal's member pages: staff read the list, owners invite by
email, change roles and remove; the last owner is kept by the service."""

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.producers.models import MemberRole, ProducerMember
from tests.factories import UserFactory
from tests.order_support import see_other_commits
from tests.web.portal_support import Shop, csrf_of, html_of, login


@pytest.fixture
def shop(app):
    return Shop()


def membership(shop, user) -> ProducerMember | None:
    see_other_commits()
    return db.session.scalar(sa.select(ProducerMember).where(ProducerMember.producer_id == shop.id,
                                                             ProducerMember.user_id == user.id))


def post(client, shop, path, **data):
    return client.post(shop.url(f"/thanh-vien{path}"), data={"csrf_token": csrf_of(client, shop.url("/thanh-vien")),
                                                              **data})


def test_staff_see_the_members_but_no_forms(client, auth, shop):
    page = html_of(login(client, auth, shop.staff).get(shop.url("/thanh-vien")))
    assert shop.owner.email in page and shop.staff.email in page and "/xoa" not in page and "invite-title" not in page


def test_staff_cannot_invite_change_or_remove(client, auth, shop):
    login(client, auth, shop.staff)
    newcomer = UserFactory()
    assert post(client, shop, "", email=newcomer.email, role="staff").status_code == 403
    owner_row = membership(shop, shop.owner)
    assert post(client, shop, f"/{owner_row.id}/vai-tro", role="staff").status_code == 403
    assert post(client, shop, f"/{owner_row.id}/xoa").status_code == 403
    assert membership(shop, newcomer) is None and membership(shop, shop.owner).role is MemberRole.OWNER


def test_an_outsider_gets_404(client, auth, shop):
    login(client, auth, UserFactory())
    assert client.get(shop.url("/thanh-vien")).status_code == 404


def test_an_owner_invites_an_existing_account_as_staff(client, auth, shop):
    login(client, auth, shop.owner)
    newcomer = UserFactory()
    assert post(client, shop, "", email=newcomer.email, role="staff").status_code == 303
    assert membership(shop, newcomer).role is MemberRole.STAFF


def test_inviting_an_unknown_email_keeps_it_and_says_why(client, auth, shop):
    login(client, auth, shop.owner)
    response = post(client, shop, "", email="ai.do@example.vn", role="owner")
    page = html_of(response)
    assert response.status_code == 422 and 'value="ai.do@example.vn"' in page and "hãy nhờ họ đăng ký" in page
    assert '<option selected value="owner">' in page or 'value="owner" selected' in page


def test_inviting_a_member_again_is_refused(client, auth, shop):
    login(client, auth, shop.owner)
    response = post(client, shop, "", email=shop.staff.email, role="staff")
    assert response.status_code == 422 and "đã là thành viên" in html_of(response)


def test_a_bad_email_is_shown_beside_the_field(client, auth, shop):
    login(client, auth, shop.owner)
    response = post(client, shop, "", email="not-an-email", role="staff")
    assert response.status_code == 422 and "Email chưa đúng" in html_of(response)


def test_an_owner_promotes_staff_and_removes_them(client, auth, shop):
    login(client, auth, shop.owner)
    staff_row = membership(shop, shop.staff)
    assert post(client, shop, f"/{staff_row.id}/vai-tro", role="owner").status_code == 303
    assert membership(shop, shop.staff).role is MemberRole.OWNER
    assert post(client, shop, f"/{staff_row.id}/xoa").status_code == 303
    assert membership(shop, shop.staff) is None


def test_the_last_owner_cannot_step_down_or_be_removed(client, auth, shop):
    login(client, auth, shop.owner)
    owner_row = membership(shop, shop.owner)
    response = post(client, shop, f"/{owner_row.id}/vai-tro", role="staff")
    assert response.status_code == 409 and "ít nhất một chủ sở hữu" in html_of(response)
    response = post(client, shop, f"/{owner_row.id}/xoa")
    assert response.status_code == 409 and "ít nhất một chủ sở hữu" in html_of(response)
    assert membership(shop, shop.owner).role is MemberRole.OWNER


def test_another_producers_member_id_is_404(client, auth, shop):
    other = Shop()
    login(client, auth, shop.owner)
    assert post(client, shop, f"/{membership(other, other.staff).id}/xoa").status_code == 404
    assert membership(other, other.staff) is not None


def test_removing_without_the_csrf_token_is_refused(client, auth, shop):
    login(client, auth, shop.owner)
    staff_row = membership(shop, shop.staff)
    assert client.post(shop.url(f"/thanh-vien/{staff_row.id}/xoa")).status_code == 400
    assert membership(shop, shop.staff) is not None
