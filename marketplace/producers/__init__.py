"""Producers (chủ thể OCOP): cooperatives, enterprises and household businesses.

Use cases and their modules:
- ``services.py``  apply to sell, edit the profile; members (add, change role, remove; the last
                   owner stays); admins approve, suspend, reinstate
- ``access.py``    the access rules PRODUCER_MEMBER and PRODUCER_OWNER
- ``models.py``    Producer (pending → approved ⇄ suspended) and ProducerMember, with their rules
- ``portal.py``    the producer's API under /api/v1/portal/producers
- ``admin.py``     the admins' API under /api/v1/admin/producers
"""
