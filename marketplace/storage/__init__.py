"""Stored files: product photos, certificate documents. One interface, two backends.

- backends.py  LocalBackend (a folder, by default the instance folder) and S3Backend
               (any S3-compatible server, boto3), chosen by config STORAGE_URL
- serving.py   the public product photos at /anh/<photo>, and the srcset/sized filters

Use it through the module functions: ``put(key, data, content_type)``, ``get(key)``,
``delete(key)``, ``exists(key)``, ``url(key)``. Keys are paths with "/" ("anh/x-640.webp",
"giay-to/12/abc.pdf"); only keys under ``anh/`` are public.

Config: STORAGE_URL ("" or "file:///path" for the disk, "s3://bucket[/prefix]" for S3),
STORAGE_DIR (the disk folder; default the instance folder), S3_ENDPOINT_URL, S3_REGION,
S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY (default: boto3's own credential chain).
"""

from flask import Flask, current_app

from marketplace.storage.backends import Backend, LocalBackend, S3Backend, StoredFileMissing, backend_for

__all__ = ["Backend", "LocalBackend", "S3Backend", "StoredFileMissing", "backend", "put", "get", "delete",
           "exists", "url", "init_app"]

_EXTENSION = "marketplace.storage"


def backend() -> Backend:
    """The app's backend, made once per app (boto3 clients are reusable across threads)."""
    state = current_app.extensions.get(_EXTENSION)
    if state is None:
        state = current_app.extensions[_EXTENSION] = backend_for(current_app.config, current_app.instance_path)
    return state


def put(key: str, data: bytes, content_type: str) -> None:
    backend().put(key, data, content_type)


def get(key: str) -> bytes:
    """Raises StoredFileMissing."""
    return backend().get(key)


def delete(key: str) -> None:
    """Deleting a missing key is not an error."""
    backend().delete(key)


def exists(key: str) -> bool:
    return backend().exists(key)


def url(key: str) -> str:
    """Where a browser fetches a public file (keys under anh/). Private files have their own
    pages that check who is asking (e.g. a certificate document)."""
    if not key.startswith("anh/"):
        raise ValueError(f"{key!r} is not a public file")
    return "/" + key


def init_app(app: Flask) -> None:
    from marketplace.storage import serving

    serving.init_app(app)
