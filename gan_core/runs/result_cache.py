"""Results that take seconds to compute and depend only on files, kept on disk between runs of the app.

Compare's opening numbers (FID, KID, coverage... of the shipped run and of the baselines) are the same every
time the server starts: measuring them again costs a classroom's first visitors ten seconds. They are kept in
`<checkpoints>/.cache/<kind>/` (ignored by git, never inside a run's folder), each under a key made of
everything they depend on: the contents of the files they come from (a checkpoint, the classifier), this
package's own source and the torch version. Change any of them and the key changes, so a stale number is never
read; the worst a lost or damaged cache file costs is computing it again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

import torch

CACHE_FOLDER = ".cache"  # under a checkpoints root; no run can be named so (run names start with a letter or digit)
_PACKAGE = Path(__file__).resolve().parent.parent  # gan_core/


def file_digest(path: str | Path) -> str:
    """A digest of the file's bytes (read again only when its size or modification time changes); "" when missing."""
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        return ""
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """gan_core's source and the torch version: what every cached number was computed with."""
    digest = hashlib.blake2b(torch.__version__.encode(), digest_size=16)
    for source in sorted(_PACKAGE.rglob("*.py")):
        digest.update(source.relative_to(_PACKAGE).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def cached_json(root: str | Path, kind: str, key: dict[str, Any], compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`compute()` (JSON-ready), read from `<root>/.cache/<kind>/` when it was computed before under the same key
    (plus `code_version()`), else computed and written there. An unwritable folder only means no cache."""
    key = {**key, "code": code_version()}
    text = json.dumps(key, sort_keys=True)
    path = Path(root) / CACHE_FOLDER / kind / f"{hashlib.blake2b(text.encode(), digest_size=16).hexdigest()}.json"
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(saved, dict) and saved.get("key") == json.loads(text):
            return saved["value"]
    except (OSError, ValueError, KeyError):
        pass
    value = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".partial", delete=False) as file:
            json.dump({"key": key, "value": value}, file)
        os.replace(file.name, path)
    except OSError:
        pass
    return value
