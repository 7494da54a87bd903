"""Uploads kept between a preview and its confirmation (spreadsheet imports).

An import is checked, previewed, then confirmed in a second request; the file waits in the
media storage (so it works on S3 too) under a random token, with a small JSON record of who
uploaded it, for what and for which area. Only that person can fetch it, for a day; files
nobody confirmed are deleted on a later upload.
"""

import json
import re
import secrets
import time
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404

FOLDER = "imports"
MAX_AGE_SECONDS = 24 * 3600
_TOKEN_BYTES = 24
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class PendingUpload:
    token: str
    kind: str
    area_id: int
    name: str

    @property
    def path(self) -> str:
        return _paths(self.token)[0]

    def read(self) -> bytes:
        with default_storage.open(self.path, "rb") as handle:
            return handle.read()

    def open(self):
        return default_storage.open(self.path, "rb")


def _paths(token: str) -> tuple[str, str]:
    return f"{FOLDER}/{token}.xlsx", f"{FOLDER}/{token}.json"


def keep(content: bytes, *, user, kind: str, area_id: int, name: str) -> str:
    """Store an upload that passed its checks; returns the token that fetches it."""
    sweep()
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    data_path, meta_path = _paths(token)
    default_storage.save(data_path, ContentFile(content))
    meta = {"user": user.pk, "kind": kind, "area": area_id, "name": name[:200], "at": time.time()}
    default_storage.save(meta_path, ContentFile(json.dumps(meta).encode()))
    return token


def fetch(token: str, *, user, kind: str) -> PendingUpload:
    """The kept upload, only for the person who uploaded it and for the same kind; 404 otherwise."""
    if not isinstance(token, str) or not _TOKEN_RE.fullmatch(token):
        raise Http404
    data_path, meta_path = _paths(token)
    try:
        with default_storage.open(meta_path) as handle:
            meta = json.loads(handle.read())
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    expired = time.time() - meta.get("at", 0) > MAX_AGE_SECONDS
    if meta.get("user") != user.pk or meta.get("kind") != kind or expired:
        raise Http404
    if not default_storage.exists(data_path):
        raise Http404
    return PendingUpload(token=token, kind=kind, area_id=meta.get("area"), name=meta.get("name", ""))


def discard(token: str) -> None:
    if not isinstance(token, str) or not _TOKEN_RE.fullmatch(token):
        return
    for path in _paths(token):
        if default_storage.exists(path):
            default_storage.delete(path)


def sweep() -> None:
    """Delete uploads nobody confirmed within a day."""
    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except (FileNotFoundError, OSError):
        return
    now = time.time()
    for name in files:
        if not name.endswith(".json"):
            continue
        try:
            with default_storage.open(f"{FOLDER}/{name}") as handle:
                at = json.loads(handle.read()).get("at", 0)
        except (OSError, ValueError):
            at = 0
        if now - at > MAX_AGE_SECONDS:
            discard(name[: -len(".json")])
