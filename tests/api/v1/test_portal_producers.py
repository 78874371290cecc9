import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.producers.models import MemberRole, Producer, ProducerMember
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, HA_NOI, MemberFactory, ProducerFactory, UserFactory, member_of

PORTAL = "/api/v1/portal/producers"
HA_NOI_WARD = 4  # Phường Ba Đình


def application(**overrides):
    return {"name": "Hợp tác xã Ong mật", "legal_type": "cooperative", "province_code": DIEN_BIEN,
            "ward_code": DIEN_BIEN_WARD, **overrides}


def rows(model):
    """The table's rows as stored, read past the session's identity map."""
    table = model.__table__
    return db.session.execute(sa.select(table).order_by(*table.primary_key)).all()


@pytest.fixture
def producer():
    return ProducerFactory()


@pytest.fixture
def owner(producer):
    return member_of(producer, MemberRole.OWNER)


@pytest.fixture
def staff(producer):
    return member_of(producer, MemberRole.STAFF)


def member_row(producer, user):
    return db.session.scalar(
        sa.select(ProducerMember).where(ProducerMember.producer_id == producer.id, ProducerMember.user_id == user.id)
    )


# --- applying ------------------------------------------------------------------

def test_any_account_can_apply_and_the_producer_starts_pending(client, bearer):
    applicant = UserFactory()

    response = client.post(PORTAL, json=application(slug="ong-mat-muong-phang"), headers=bearer(applicant))

    assert response.status_code == 201
    assert response.json["status"] == "pending"
    assert response.json["slug"] == "ong-mat-muong-phang"
    assert response.json["province"]["code"] == DIEN_BIEN
    assert response.json["ward"]["code"] == DIEN_BIEN_WARD


def test_the_applicant_becomes_the_owner_of_the_new_producer(client, bearer):
    headers = bearer(UserFactory())

    producer_id = client.post(PORTAL, json=application(), headers=headers).json["id"]

    mine = client.get(PORTAL, headers=headers).json
    assert [(m["producer"]["id"], m["role"]) for m in mine] == [(producer_id, "owner")]
    roles = client.get("/api/v1/auth/me", headers=headers).json["roles"]["producers"]
    assert [(r["producer_id"], r["role"], r["producer_status"]) for r in roles] == [(producer_id, "owner", "pending")]


def test_a_pending_producer_has_no_public_storefront(client, bearer):
    slug = client.post(PORTAL, json=application(), headers=bearer(UserFactory())).json["slug"]

    response = client.get(f"/api/v1/storefronts/{slug}")

    assert response.status_code == 404
    assert response.json["code"] == "storefront_not_found"


def test_the_slug_is_derived_from_the_vietnamese_name_when_not_given(client, bearer):
    response = client.post(PORTAL, json=application(name="Hợp tác xã Ong mật"), headers=bearer(UserFactory()))

    assert response.status_code == 201
    assert response.json["slug"] == "hop-tac-xa-ong-mat"


def test_the_letter_d_with_stroke_is_folded_in_a_derived_slug(client, bearer):
    response = client.post(PORTAL, json=application(name="Đặc sản Điện Biên"), headers=bearer(UserFactory()))

    assert response.json["slug"] == "dac-san-dien-bien"


def test_a_taken_slug_is_refused(client, bearer):
    ProducerFactory(slug="hop-tac-xa-ong-mat")

    response = client.post(PORTAL, json=application(), headers=bearer(UserFactory()))

    assert response.status_code == 409
    assert response.json["code"] == "slug_taken"
    assert response.json["errors"]["json"]["slug"]
    assert len(rows(Producer)) == 1


def test_applying_requires_an_account(client):
    response = client.post(PORTAL, json=application())

    assert response.status_code == 401
    assert rows(Producer) == []


# --- the profile ---------------------------------------------------------------

def test_a_member_sees_their_producers_profile(client, bearer, producer, staff):
    response = client.get(f"{PORTAL}/{producer.id}", headers=bearer(staff))

    assert response.status_code == 200
    assert response.json["slug"] == producer.slug


def test_an_owner_edits_the_profile(client, bearer, producer, owner):
    response = client.patch(f"{PORTAL}/{producer.id}", headers=bearer(owner),
                            json={"description": "Mật ong hoa ban Mường Phăng.", "phone": "0912 345 678"})

    assert response.status_code == 200
    assert response.json["description"] == "Mật ong hoa ban Mường Phăng."
    assert response.json["phone"] == "+84912345678"
    assert response.json["name"] == producer.name


def test_staff_can_edit_the_profile(client, bearer, producer, staff):
    response = client.patch(f"{PORTAL}/{producer.id}", json={"name": "HTX Mật ong Mường Phăng"}, headers=bearer(staff))

    assert response.status_code == 200
    assert rows(Producer)[0].name == "HTX Mật ong Mường Phăng"


def test_changing_the_province_without_a_ward_clears_the_ward(client, bearer, producer, owner):
    response = client.patch(f"{PORTAL}/{producer.id}", json={"province_code": HA_NOI}, headers=bearer(owner))

    assert response.status_code == 200
    assert response.json["province"]["code"] == HA_NOI
    assert response.json["ward"] is None
    assert rows(Producer)[0].ward_code is None


def test_the_province_and_a_ward_in_it_can_change_together(client, bearer, producer, owner):
    response = client.patch(f"{PORTAL}/{producer.id}", json={"province_code": HA_NOI, "ward_code": HA_NOI_WARD},
                            headers=bearer(owner))

    assert response.status_code == 200
    assert response.json["ward"]["code"] == HA_NOI_WARD


def test_a_ward_outside_the_province_is_refused(client, bearer, producer, owner):
    before = rows(Producer)

    response = client.patch(f"{PORTAL}/{producer.id}", json={"province_code": HA_NOI, "ward_code": DIEN_BIEN_WARD},
                            headers=bearer(owner))

    assert response.status_code == 422
    assert "ward_code" in response.json["errors"]["json"]
    assert rows(Producer) == before


def test_a_ward_sent_without_its_province_is_refused(client, bearer, producer, owner):
    before = rows(Producer)

    response = client.patch(f"{PORTAL}/{producer.id}", json={"ward_code": HA_NOI_WARD}, headers=bearer(owner))

    assert response.status_code == 422
    assert "province_code" in response.json["errors"]["json"]
    assert rows(Producer) == before


def test_renaming_the_slug_to_another_producers_slug_is_refused(client, bearer, producer, owner):
    ProducerFactory(slug="htx-khac")
    before = rows(Producer)

    response = client.patch(f"{PORTAL}/{producer.id}", json={"slug": "htx-khac"}, headers=bearer(owner))

    assert response.status_code == 409
    assert response.json["code"] == "slug_taken"
    assert response.json["errors"]["json"]["slug"]
    assert rows(Producer) == before


def test_resending_the_producers_own_slug_is_not_a_clash(client, bearer, producer, owner):
    response = client.patch(f"{PORTAL}/{producer.id}", json={"slug": producer.slug}, headers=bearer(owner))

    assert response.status_code == 200


# --- members -------------------------------------------------------------------

def test_an_owner_adds_an_existing_account_as_staff(client, bearer, producer, owner):
    newcomer = UserFactory(email="thu@example.vn")

    response = client.post(f"{PORTAL}/{producer.id}/members", json={"email": "thu@example.vn"}, headers=bearer(owner))

    assert response.status_code == 201
    assert response.json["role"] == "staff"
    assert response.json["user_id"] == newcomer.id
    assert member_row(producer, newcomer).role is MemberRole.STAFF


def test_an_owner_adds_another_owner(client, bearer, producer, owner):
    UserFactory(email="lan@example.vn")

    response = client.post(f"{PORTAL}/{producer.id}/members", json={"email": "lan@example.vn", "role": "owner"},
                           headers=bearer(owner))

    assert response.status_code == 201
    assert response.json["role"] == "owner"


def test_adding_an_unknown_email_is_refused(client, bearer, producer, owner):
    response = client.post(f"{PORTAL}/{producer.id}/members", json={"email": "ai-do@example.vn"},
                           headers=bearer(owner))

    assert response.status_code == 422
    assert response.json["errors"]["json"]["email"]
    assert len(rows(ProducerMember)) == 1


def test_adding_someone_who_is_already_a_member_is_refused(client, bearer, producer, owner, staff):
    response = client.post(f"{PORTAL}/{producer.id}/members", json={"email": staff.email, "role": "owner"},
                           headers=bearer(owner))

    assert response.status_code == 409
    assert response.json["code"] == "already_member"
    assert member_row(producer, staff).role is MemberRole.STAFF


def test_members_are_listed_with_their_roles(client, bearer, producer, owner, staff):
    response = client.get(f"{PORTAL}/{producer.id}/members", headers=bearer(staff))

    assert response.status_code == 200
    assert {(m["email"], m["role"]) for m in response.json} == {(owner.email, "owner"), (staff.email, "staff")}


def test_an_owner_promotes_staff_to_owner(client, bearer, producer, owner, staff):
    member = member_row(producer, staff)

    response = client.patch(f"{PORTAL}/{producer.id}/members/{member.id}", json={"role": "owner"},
                            headers=bearer(owner))

    assert response.status_code == 200
    assert response.json["role"] == "owner"


def test_an_owner_can_step_down_while_another_owner_remains(client, bearer, producer, owner):
    member_of(producer, MemberRole.OWNER)
    member = member_row(producer, owner)

    response = client.patch(f"{PORTAL}/{producer.id}/members/{member.id}", json={"role": "staff"},
                            headers=bearer(owner))

    assert response.status_code == 200
    assert member_row(producer, owner).role is MemberRole.STAFF


def test_an_owner_removes_a_member(client, bearer, producer, owner, staff):
    member = member_row(producer, staff)

    response = client.delete(f"{PORTAL}/{producer.id}/members/{member.id}", headers=bearer(owner))

    assert response.status_code == 204
    assert member_row(producer, staff) is None


def test_the_last_owner_cannot_be_demoted(client, bearer, producer, owner, staff):
    member = member_row(producer, owner)

    response = client.patch(f"{PORTAL}/{producer.id}/members/{member.id}", json={"role": "staff"},
                            headers=bearer(owner))

    assert response.status_code == 409
    assert response.json["code"] == "last_owner"
    assert member_row(producer, owner).role is MemberRole.OWNER


def test_the_last_owner_cannot_be_removed(client, bearer, producer, owner, staff):
    member = member_row(producer, owner)

    response = client.delete(f"{PORTAL}/{producer.id}/members/{member.id}", headers=bearer(owner))

    assert response.status_code == 409
    assert response.json["code"] == "last_owner"
    assert member_row(producer, owner) is not None


def test_staff_cannot_add_members(client, bearer, producer, owner, staff):
    UserFactory(email="thu@example.vn")

    response = client.post(f"{PORTAL}/{producer.id}/members", json={"email": "thu@example.vn"}, headers=bearer(staff))

    assert response.status_code == 403
    assert response.json["code"] == "owner_only"
    assert len(rows(ProducerMember)) == 2


def test_staff_cannot_change_roles(client, bearer, producer, owner, staff):
    member = member_row(producer, staff)

    response = client.patch(f"{PORTAL}/{producer.id}/members/{member.id}", json={"role": "owner"},
                            headers=bearer(staff))

    assert response.status_code == 403
    assert response.json["code"] == "owner_only"
    assert member_row(producer, staff).role is MemberRole.STAFF


def test_staff_cannot_remove_members(client, bearer, producer, owner, staff):
    member = member_row(producer, owner)

    response = client.delete(f"{PORTAL}/{producer.id}/members/{member.id}", headers=bearer(staff))

    assert response.status_code == 403
    assert response.json["code"] == "owner_only"
    assert len(rows(ProducerMember)) == 2


def test_a_member_of_another_producer_cannot_be_changed_through_this_one(client, bearer, producer, owner):
    elsewhere = MemberFactory(role=MemberRole.STAFF)
    before = rows(ProducerMember)

    patched = client.patch(f"{PORTAL}/{producer.id}/members/{elsewhere.id}", json={"role": "owner"},
                           headers=bearer(owner))
    deleted = client.delete(f"{PORTAL}/{producer.id}/members/{elsewhere.id}", headers=bearer(owner))

    assert (patched.status_code, deleted.status_code) == (404, 404)
    assert patched.json["code"] == deleted.json["code"] == "member_not_found"
    assert rows(ProducerMember) == before


# --- isolation between producers -------------------------------------------------

@pytest.fixture
def other_producer():
    return ProducerFactory()


def other_producer_requests(other, other_member_id):
    base = f"{PORTAL}/{other.id}"
    return [
        ("get", base, None),
        ("patch", base, {"name": "Bị chiếm quyền"}),
        ("get", f"{base}/members", None),
        ("post", f"{base}/members", {"email": "ke-la@example.vn", "role": "owner"}),
        ("patch", f"{base}/members/{other_member_id}", {"role": "staff"}),
        ("delete", f"{base}/members/{other_member_id}", None),
    ]


@pytest.mark.parametrize("role", [MemberRole.OWNER, MemberRole.STAFF])
def test_a_member_of_one_producer_gets_404_for_every_url_of_another(client, bearer, producer, other_producer, role):
    intruder = member_of(producer, role)
    other_owner = member_of(other_producer, MemberRole.OWNER)
    UserFactory(email="ke-la@example.vn")
    other_member_id = member_row(other_producer, other_owner).id
    before = (rows(Producer), rows(ProducerMember))

    responses = [getattr(client, method)(url, json=body, headers=bearer(intruder))
                 for method, url, body in other_producer_requests(other_producer, other_member_id)]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert {r.json["code"] for r in responses} == {"producer_not_found"}
    assert (rows(Producer), rows(ProducerMember)) == before


def test_an_outsider_gets_the_same_404_as_for_a_producer_that_does_not_exist(client, bearer, other_producer):
    outsider = bearer(UserFactory())

    existing = client.get(f"{PORTAL}/{other_producer.id}", headers=outsider)
    missing = client.get(f"{PORTAL}/{other_producer.id + 1000}", headers=outsider)

    assert existing.status_code == missing.status_code == 404
    assert existing.json == missing.json


def test_the_producer_list_shows_only_your_own_producers(client, bearer, producer, owner, other_producer):
    member_of(other_producer, MemberRole.OWNER)

    response = client.get(PORTAL, headers=bearer(owner))

    assert [m["producer"]["id"] for m in response.json] == [producer.id]
