def test_lists_the_34_provinces_each_with_its_region(client):
    response = client.get("/api/v1/regions/provinces")

    assert response.status_code == 200
    provinces = response.json
    assert len(provinces) == 34
    dien_bien = next(p for p in provinces if p["code"] == 11)
    assert dien_bien["name"] == "Điện Biên"
    assert dien_bien["region"]["code"] == "northern_midlands_mountains"


def test_every_province_belongs_to_one_of_six_regions(client):
    regions = {p["region"]["code"] for p in client.get("/api/v1/regions/provinces").json}

    assert len(regions) == 6
    assert len(client.get("/api/v1/regions").json) == 6


def test_provinces_can_be_filtered_by_region(client):
    response = client.get("/api/v1/regions/provinces?region=mekong_delta")

    assert {p["codename"] for p in response.json} == {"can_tho", "vinh_long", "dong_thap", "an_giang", "ca_mau"}


def test_all_3321_wards_are_loaded(app):
    from marketplace.extensions import db
    from marketplace.regions.models import Ward

    assert db.session.query(Ward).count() == 3321


def test_lists_a_provinces_wards(client):
    response = client.get("/api/v1/regions/provinces/11/wards")

    assert response.status_code == 200
    names = {w["name"] for w in response.json}
    assert "Xã Sam Mứn" in names
    assert all(w["province_code"] == 11 for w in response.json)


def test_wards_of_an_unknown_province_is_a_404(client):
    response = client.get("/api/v1/regions/provinces/99/wards")

    assert response.status_code == 404
    assert response.json["code"] == "province_not_found"


def test_an_unknown_region_filter_is_rejected(client):
    response = client.get("/api/v1/regions/provinces?region=atlantis")

    assert response.status_code == 422
    assert "region" in response.json["errors"]["query"]
