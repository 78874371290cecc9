"""The till's VietQR (GET /points/<id>/transfer-qr.svg): a sale's amount and
reference, to the platform's account, drawn before the sale is recorded; for the
point's operators only. The SVG is checked against the payload the same
arguments make (read back field by field), and its refusals one by one."""

import pytest

from marketplace import vietqr
from tests.point_factories import DisplayPointFactory, operator_of
from tests.vietqr_reading import transfer


@pytest.fixture
def point():
    return DisplayPointFactory()


@pytest.fixture
def as_operator(bearer, point):
    return bearer(operator_of(point))


def transfer_qr(client, headers, point, **query):
    return client.get(f"/api/v1/points/{point.id}/transfer-qr.svg", query_string=query, headers=headers)


def test_the_till_gets_the_qr_of_the_sales_amount_and_reference(app, client, as_operator, point):
    response = transfer_qr(client, as_operator, point, amount_vnd="245000", reference="DB1 0042")

    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    with app.test_request_context():
        expected = vietqr.platform_payload(245_000, "DB1 0042")
    assert response.get_data() == vietqr.svg(expected)
    read = transfer(expected)
    bank = app.config["PLATFORM_BANK"]
    assert (read["bin"], read["account"], read["amount"], read["purpose"]) == (
        bank["bank_bin"], bank["account_number"], "245000", "DB1 0042")
    assert response.headers["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("query, field", [
    ({"reference": "DB1 0042"}, "amount_vnd"),
    ({"amount_vnd": "0", "reference": "DB1 0042"}, "amount_vnd"),
    ({"amount_vnd": "10000000001", "reference": "DB1 0042"}, "amount_vnd"),
    ({"amount_vnd": "12.5", "reference": "DB1 0042"}, "amount_vnd"),
    ({"amount_vnd": "245000"}, "reference"),
    ({"amount_vnd": "245000", "reference": "X" * 26}, "reference"),
    ({"amount_vnd": "245000", "reference": "Bán lẻ"}, "reference"),
    ({"amount_vnd": "245000", "reference": "POS-1-42"}, "reference"),
    ({"amount_vnd": "245000", "reference": " DB1"}, "reference"),
])
def test_an_amount_or_reference_a_bank_would_not_keep_is_refused(client, as_operator, point, query, field):
    response = transfer_qr(client, as_operator, point, **query)

    assert response.status_code == 422
    assert field in response.json["errors"]["query"]


def test_the_largest_sale_and_the_longest_reference_fit(client, as_operator, point):
    response = transfer_qr(client, as_operator, point, amount_vnd=str(vietqr.MAX_AMOUNT_VND), reference="A" * 25)
    assert response.status_code == 200


def test_someone_who_does_not_operate_the_point_gets_nothing(client, bearer, as_operator, point):
    elsewhere = DisplayPointFactory()
    other_operator = bearer(operator_of(elsewhere))
    query = {"amount_vnd": "245000", "reference": "DB1 0042"}

    answers = [transfer_qr(client, other_operator, point, **query), transfer_qr(client, {}, point, **query)]

    assert [a.status_code for a in answers] == [404, 401]
