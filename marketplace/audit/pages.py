"""Back office: the audit log, filtered by actor, action, target and dates, a page at a time."""

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from marketplace import access
from marketplace.access import ADMIN
from marketplace.audit import services
from marketplace.audit.forms import AuditFilterForm

blp = Blueprint("audit_pages", __name__)

PER_PAGE = 50


@blp.get("/quan-tri/nhat-ky")
@access.requires(ADMIN)
def log():
    form = AuditFilterForm(request.args)
    form.action.choices = [("", _l("Tất cả"))] + [(a, a) for a in services.actions()]
    form.target_type.choices = [("", _l("Tất cả"))] + [(t, t) for t in services.target_types()]
    valid = not request.args or form.validate()
    filters = {name: form[name].data or None for name in ("actor", "action", "target_type", "target_id", "since", "until")} if valid else {}
    page = services.search(**filters, page=max(1, min(request.args.get("page", 1, type=int) or 1, 10_000)),
                           per_page=PER_PAGE)
    return render_template("audit/log.html", form=form, page=page), 200 if valid else 422
