"""GET /api/v1/checkout/options: what a shopper can pay with right now."""

OPTIONS = "/api/v1/checkout/options"


def methods(client) -> dict:
    response = client.get(OPTIONS)
    assert response.status_code == 200
    return {m["method"]: m for m in response.json["payment_methods"]}


def test_without_stripe_keys_card_is_not_offered(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")
    monkeypatch.setitem(app.config, "STRIPE_PUBLISHABLE_KEY", "")

    assert list(methods(client)) == ["cod", "bank_transfer"]


def test_a_secret_key_without_a_publishable_key_offers_no_card(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_x")
    monkeypatch.setitem(app.config, "STRIPE_PUBLISHABLE_KEY", "")

    assert "card" not in methods(client)


def test_with_stripe_configured_card_comes_with_its_publishable_key_and_hold(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_x")
    monkeypatch.setitem(app.config, "STRIPE_PUBLISHABLE_KEY", "pk_test_x")

    card = methods(client)["card"]
    assert card["publishable_key"] == "pk_test_x"
    assert card["reservation"] == {"minutes": app.config["CARD_RESERVATION_MINUTES"]}


def test_bank_transfer_names_the_account_and_how_long_stock_is_held(client, app):
    transfer = methods(client)["bank_transfer"]

    assert transfer["bank"]["account_number"] == app.config["PLATFORM_BANK"]["account_number"]
    assert transfer["bank"]["bank_bin"] == app.config["PLATFORM_BANK"]["bank_bin"]
    assert transfer["reservation"] == {"hours": app.config["BANK_TRANSFER_RESERVATION_HOURS"]}
    assert methods(client)["cod"]["reservation"] is None


def test_shipping_fees_are_shown_in_dong(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SHIPPING_FEES_VND",
                        {"same_province": 20_000, "same_region": 30_000, "other_region": 45_000})
    monkeypatch.setitem(app.config, "FREE_SHIPPING_FROM_VND", 0)

    shipping = client.get(OPTIONS).json["shipping"]
    assert shipping["same_province_vnd"] == 20_000
    assert shipping["other_region_display"] == "45.000 ₫"
    assert shipping["free_from_vnd"] is None
