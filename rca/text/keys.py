"""A text's key: the one hash that names a text everywhere (embedding cache, history store).

Two rows with the same cleaned, redacted text share a key, and so their embedding and their
theme. The key is the 16-byte BLAKE2b digest of the text's UTF-8 bytes, in hex.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

__all__ = ["text_key", "text_keys"]


def text_key(text: str) -> str:
    """Return the key of ``text`` (32 hex characters)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def text_keys(texts: Iterable[str]) -> list[str]:
    """Return the key of each text, in order (`text_key`)."""
    return [text_key(t) for t in texts]
