"""The display point's own pages over the test client: the points you operate and a
point's home; someone who does not operate a point finds nothing there."""

from tests.point_factories import DisplayPointFactory, PointOperatorFactory, operator_of
from tests.factories import UserFactory
from tests.web.test_account_pages import html, log_in


def test_an_operator_of_one_point_goes_straight_to_its_home(client):
    point = DisplayPointFactory(name="Quầy OCOP Ga Lào Cai")
    operator_of(point, email="long@example.vn")
    assert log_in(client, "long@example.vn").status_code == 303
    answer = client.get("/diem-ban")
    assert answer.status_code == 302 and answer.location.endswith(f"/diem-ban/{point.id}")
    page = html(client.get(answer.location))
    assert "Quầy OCOP Ga Lào Cai" in page and "Tiền mặt cần bàn giao" in page
    assert 'href="/diem-ban"' in page  # the header's link to your points


def test_an_operator_of_two_points_chooses_one(client):
    first, second = DisplayPointFactory(name="Quầy A"), DisplayPointFactory(name="Quầy B")
    user = operator_of(first, email="mai@example.vn")
    PointOperatorFactory(point=second, user=user)
    assert log_in(client, "mai@example.vn").status_code == 303
    page = html(client.get("/diem-ban"))
    assert f'href="/diem-ban/{first.id}"' in page and f'href="/diem-ban/{second.id}"' in page


def test_someone_who_operates_no_point_is_told_so_and_has_no_header_link(client):
    UserFactory(email="lan@example.vn")
    assert log_in(client, "lan@example.vn").status_code == 303
    page = html(client.get("/diem-ban"))
    assert "chưa được giao điểm bán nào" in page and 'href="/diem-ban"' not in page


def test_another_points_home_is_not_found(client):
    mine, theirs = DisplayPointFactory(), DisplayPointFactory(name="Điểm của người khác")
    operator_of(mine, email="long@example.vn")
    assert log_in(client, "long@example.vn").status_code == 303
    answer = client.get(f"/diem-ban/{theirs.id}")
    assert answer.status_code == 404 and "Điểm của người khác" not in html(answer)


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    point = DisplayPointFactory()
    answer = client.get(f"/diem-ban/{point.id}")
    assert answer.status_code == 302 and "/dang-nhap" in answer.location
