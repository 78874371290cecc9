import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.catalog.models import Product, Variant
from marketplace.extensions import db
from marketplace.producers.models import Producer, ProducerMember
from marketplace.regions.models import Province, Region, Ward


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def counts(*models) -> dict:
    return {model.__name__: count(model) for model in models}


def load_demo(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def demo(runner):
    return load_demo(runner)


def public_product_named(client, name):
    """Find a product the way a shopper would: storefront by storefront."""
    for storefront in client.get("/api/v1/storefronts", query_string={"per_page": 100}).json["items"]:
        page = client.get(f"/api/v1/storefronts/{storefront['slug']}", query_string={"per_page": 100}).json
        for card in page["products"]["items"]:
            if card["name"] == name:
                return client.get(f"/api/v1/products/{card['id']}").json
    raise AssertionError(f"{name} is not in any storefront")


def test_loading_the_demo_twice_duplicates_nothing(client, runner, demo):
    first = counts(User, Producer, ProducerMember, Product, Variant)

    again = load_demo(runner)

    assert counts(User, Producer, ProducerMember, Product, Variant) == first
    assert "0 new accounts, 0 new producers, 0 new products, 0 new variants" in again.output
    assert first["Producer"] > 0 and first["Variant"] >= first["Product"] > 0
    assert len(client.get("/api/v1/regions/provinces").json) == 34


def test_every_demo_producer_has_a_public_storefront(client, demo):
    response = client.get("/api/v1/storefronts", query_string={"per_page": 100})

    names = {p["name"] for p in response.json["items"]}
    assert {"Hợp tác xã Ong mật Điện Biên", "Hợp tác xã Tài Hoan"} <= names
    assert response.json["total"] == count(Producer)


def test_demo_products_carry_their_star_ratings_and_issuing_levels(client, demo):
    honey = public_product_named(client, "Mật ong hoa ban")
    noodles = public_product_named(client, "Miến dong Tài Hoan")

    assert (honey["certification"]["stars"], honey["certification"]["issuing_level"]) == (4, "provincial")
    assert honey["producer"]["name"] == "Hợp tác xã Ong mật Điện Biên"
    assert (noodles["certification"]["stars"], noodles["certification"]["issuing_level"]) == (5, "central")
    assert noodles["certification"]["verified"] is True


def test_syncing_regions_twice_changes_nothing(runner):
    before = counts(Region, Province, Ward)

    results = [runner.invoke(args=["regions", "sync"]) for _ in range(2)]

    assert [r.exit_code for r in results] == [0, 0]
    assert "Synced 6 regions, 34 provinces, 3321 wards." in results[1].output
    assert counts(Region, Province, Ward) == before == {"Region": 6, "Province": 34, "Ward": 3321}
