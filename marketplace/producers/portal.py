"""The producer portal: apply, run the profile, manage members."""

from flask.views import MethodView
from flask_login import current_user

from marketplace.access import AUTHENTICATED
from marketplace.api import Blueprint
from marketplace.producers import schemas, services
from marketplace.producers.access import PRODUCER_MEMBER, PRODUCER_OWNER
from marketplace.producers.models import (AlreadyMember, LastOwner, MemberNotFound, NoSlugFromName, NoSuchAccount,
                                          OwnersOnly)

blp = Blueprint("portal_producers", __name__, url_prefix="/api/v1/portal/producers",
                description="Producer portal: profile and members")


@blp.route("")
class MyProducers(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(200, schemas.MembershipSchema(many=True))
    def get(self):
        """Producers you are a member of"""
        return services.producers_of(current_user)

    @blp.access(AUTHENTICATED)
    @blp.arguments(schemas.ProducerWriteSchema)
    @blp.response(201, schemas.ProducerSchema)
    @blp.errors(services.SlugTaken, NoSlugFromName)
    def post(self, data):
        """Apply to register a producer; you become its owner and it awaits approval"""
        return services.apply(current_user, data)


@blp.route("/<int:producer_id>")
class ProducerProfile(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.response(200, schemas.ProducerSchema)
    def get(self, producer_id):
        """Your producer's profile"""
        return services.get_producer(producer_id)

    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(schemas.ProducerPatchSchema(partial=True))
    @blp.response(200, schemas.ProducerSchema)
    @blp.errors(services.SlugTaken)
    def patch(self, changes, producer_id):
        """Edit your producer's profile"""
        return services.update_profile(producer_id, changes)


@blp.route("/<int:producer_id>/members")
class Members(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.response(200, schemas.MemberSchema(many=True))
    def get(self, producer_id):
        """Who acts for this producer"""
        return services.list_members(producer_id)

    @blp.access(PRODUCER_OWNER)
    @blp.arguments(schemas.MemberCreateSchema)
    @blp.response(201, schemas.MemberSchema)
    @blp.errors(NoSuchAccount, AlreadyMember, OwnersOnly)
    def post(self, data, producer_id):
        """Add an existing account as owner or staff (owners only)"""
        return services.add_member(producer_id, data["email"], data["role"], acting_user_id=current_user.id)


@blp.route("/<int:producer_id>/members/<int:member_id>")
class Member(MethodView):
    @blp.access(PRODUCER_OWNER)
    @blp.arguments(schemas.MemberUpdateSchema)
    @blp.response(200, schemas.MemberSchema)
    @blp.errors(MemberNotFound, LastOwner, OwnersOnly)
    def patch(self, data, producer_id, member_id):
        """Change a member's role (owners only)"""
        return services.change_member_role(producer_id, member_id, data["role"],
                                           acting_user_id=current_user.id)

    @blp.access(PRODUCER_OWNER)
    @blp.response(204)
    @blp.errors(MemberNotFound, LastOwner, OwnersOnly)
    def delete(self, producer_id, member_id):
        """Remove a member (owners only); the last owner cannot be removed"""
        services.remove_member(producer_id, member_id, acting_user_id=current_user.id)
