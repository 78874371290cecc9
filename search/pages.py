"""GET /tim-kiem: the search results page. The query string is the API's
(/api/v1/catalog/search), parsed by the same schema and answered by the same
use case, so a results page can be shared by its URL."""

from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup
from marshmallow import ValidationError, fields
from werkzeug.datastructures import MultiDict

from marketplace import access
from marketplace.access import PUBLIC
from marketplace.regions import divisions
from search import results
from search.highlight import snippet
from search.routes import to_query
from search.schemas import SearchArgsSchema

blp = Blueprint("search_pages", __name__)

PER_PAGE = 20
_SCHEMA = SearchArgsSchema()
_LIST_FIELDS = {name for name, field in _SCHEMA.fields.items() if isinstance(field, fields.List)}
FILTERS = ("region", "province", "stars", "group", "certification")


def parse_args(args: MultiDict) -> tuple[dict, MultiDict]:
    """The schema's arguments, with any value it refuses dropped (a page never
    answers a mistyped filter with an error), and the query string that was kept."""
    kept = MultiDict((k, v) for k, v in args.items(multi=True) if k in _SCHEMA.fields and v != "")
    kept.setdefault("per_page", str(PER_PAGE))
    for _attempt in range(3):
        raw = {k: kept.getlist(k) if k in _LIST_FIELDS else kept.get(k) for k in kept}
        try:
            return _SCHEMA.load(raw), kept
        except ValidationError as error:
            for name in error.messages:
                kept.poplist(name)
    return _SCHEMA.load({"per_page": PER_PAGE}), MultiDict()


def url_args(kept: MultiDict, **changes) -> list[tuple[str, str]]:
    """The kept query string with some arguments replaced (None removes one)."""
    pairs = [(k, v) for k, v in kept.items(multi=True) if k not in changes and k != "per_page"]
    pairs += [(k, str(v)) for k, v in changes.items() if v is not None]
    return pairs


@blp.app_template_global("search_highlights")
def highlights(product, q: str) -> dict:
    """The name and a short piece of the description with the query's words marked
    (the same highlighter as the backend's hit snippets, which run over the whole
    indexed text and so repeat the name, producer and province)."""
    if not q:
        return {"name": None, "snippet": None}
    text = snippet(product.description or "", q, width=110)
    return {"name": Markup(snippet(product.name, q, width=400)),
            "snippet": Markup(text) if "<mark>" in text else None}


@blp.get("/tim-kiem")
@access.requires(PUBLIC)
def search():
    args, kept = parse_args(request.args)
    page = results.catalogue_page(to_query(args))
    return render_template("search/results.html", args=args, kept=kept, result=page, filters=FILTERS,
                           url_args=url_args, provinces=divisions.provinces(), item_list=item_list(page["items"]))


def item_list(products) -> dict:
    """schema.org ItemList of the page's results, for search engines."""
    return {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": position, "name": product.name,
         "url": url_for("storefront.product", product_id=product.id, slug=product.slug, _external=True)}
        for position, product in enumerate(products, start=1)]}
