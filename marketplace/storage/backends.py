"""The storage backends. Both store bytes by key; neither knows what the bytes are."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlparse


class StoredFileMissing(LookupError):
    """No file is stored under that key."""


class Backend:
    def put(self, key: str, data: bytes, content_type: str) -> None: raise NotImplementedError
    def get(self, key: str) -> bytes: raise NotImplementedError
    def delete(self, key: str) -> None: raise NotImplementedError
    def exists(self, key: str) -> bool: raise NotImplementedError


def _checked(key: str) -> str:
    parts = key.split("/")
    if not key or key.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"bad storage key {key!r}")
    return key


class LocalBackend(Backend):
    """Files in a folder on this machine (the default: the instance folder)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / _checked(key)

    def put(self, key, data, content_type):
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside, then renamed: a reader never sees half a file.
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)

    def get(self, key):
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise StoredFileMissing(key) from None

    def delete(self, key):
        self.path(key).unlink(missing_ok=True)

    def exists(self, key):
        return self.path(key).is_file()


class S3Backend(Backend):
    """An S3-compatible bucket (AWS S3, MinIO, Ceph, moto...), through boto3."""

    def __init__(self, bucket: str, prefix: str = "", **client_options):
        import boto3  # only needed when S3 is configured

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.client = boto3.client("s3", **{k: v for k, v in client_options.items() if v})

    def _key(self, key: str) -> str:
        key = _checked(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key, data, content_type):
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type)

    def get(self, key):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise StoredFileMissing(key) from None

    def delete(self, key):
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def exists(self, key):
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True


def backend_for(config, instance_path: str) -> Backend:
    url = config.get("STORAGE_URL") or ""
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        return S3Backend(parsed.netloc, parsed.path, endpoint_url=config.get("S3_ENDPOINT_URL"),
                         region_name=config.get("S3_REGION"),
                         aws_access_key_id=config.get("S3_ACCESS_KEY_ID"),
                         aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY"))
    if parsed.scheme in ("", "file"):
        return LocalBackend(parsed.path or config.get("STORAGE_DIR") or instance_path)
    raise ValueError(f"STORAGE_URL {url!r}: use file:///folder or s3://bucket")
