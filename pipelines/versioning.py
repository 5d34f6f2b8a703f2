"""Content versions: one hashing scheme for every version derived from what a thing is made of.

A version is the hash of named parts (text, a file's name and bytes, or a large file's name, size
and modification time), so it changes exactly when one of them does and never needs bumping by
hand. Used for the assets' code and data versions (`assets.versions`, `assets.common`), the
analyzers' versions that key the NLP cache (`pipelines.nlp`), the gazetteer index's cache name
(`pipelines.gazetteer.index`) and the charts' data version. What each version covers (which parts
it is given) is decided where it is made; only the hashing is shared.

Identifiers stored in the warehouse (article content hashes, row ids) are not versions and keep
their own hashes: changing them would change stored rows.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable

LENGTH = 16  # hex digits kept: 64 bits, plenty to tell versions apart


class Version:
    """A content version being built: `Version("tag").text(...).file(...).digest()`.

    Every part is framed by a separator, so ("ab", "c") and ("a", "bc") differ."""

    def __init__(self, *parts: object) -> None:
        self._hash = hashlib.sha256()
        self.text(*parts)

    def text(self, *parts: object) -> "Version":
        """Strings (other values by `str`, bytes as they are)."""
        for part in parts:
            self._hash.update(part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass"))
            self._hash.update(b"\0")
        return self

    def file(self, path: Path, name: str | None = None) -> "Version":
        """A file's name (default: its file name; a relative path where folders matter) and bytes:
        renaming or editing it changes the version."""
        return self.text(path.name if name is None else name, Path(path).read_bytes())

    def files(self, paths: Iterable[Path], root: Path | None = None) -> "Version":
        """Files in sorted order, each named by its path relative to `root` (or its file name)."""
        for p in sorted(paths):
            self.file(p, p.relative_to(root).as_posix() if root is not None else None)
        return self

    def stat(self, path: Path, name: str | None = None) -> "Version":
        """A large file by its name, size and modification time (model weights too big to read
        at every start: replacing one changes its size or time)."""
        st = os.stat(path)
        return self.text(f"{path if name is None else name}:{st.st_size}:{st.st_mtime_ns}")

    def digest(self, length: int = LENGTH) -> str:
        return self._hash.hexdigest()[:length]


def version_of(*parts: object) -> str:
    """The version of a few text parts (`Version(*parts).digest()`)."""
    return Version(*parts).digest()
