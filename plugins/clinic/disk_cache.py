"""What the incremental-build caches share: an entry read back, or computed and stored atomically, and
the digests of the code and settings a cached result depends on.

Only incremental builds (the content cache on) use these caches; publish and `invoke check` never do.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent
SETTING_NAME = re.compile(r"""settings(?:\.get\(|\[)\s*["'](\w+)["']""")


def remembered(entry: Path, compute, *, dump, load):
    """The value stored at `entry`, else `compute()`, stored there so that no reader sees half of it."""
    try:
        return load(entry.read_bytes())
    except Exception:  # noqa: BLE001 - missing, half-written or from older code: compute again
        pass
    value = compute()
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}")
        temporary.write_bytes(dump(value))
        os.replace(temporary, entry)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return value


def text_codec() -> dict:
    return {"dump": str.encode, "load": bytes.decode}


@lru_cache(maxsize=None)
def code_digest(files: tuple[str, ...]) -> bytes:
    """The modules a cached result comes from: a change to any of them makes every key new."""
    return hashlib.sha256(b"".join((HERE / name).read_bytes() for name in files)).digest()


@lru_cache(maxsize=None)
def setting_names(files: tuple[str, ...]) -> tuple[str, ...]:
    """Every setting the code names: a setting newly read is in the key without editing a list."""
    return tuple(sorted({name for file in files for name in SETTING_NAME.findall((HERE / file).read_text("utf-8"))}))


def files_digest(root: str, *, skip_suffixes=(), with_stat: bool = False) -> bytes:
    """The relative path (and, `with_stat`, size and modification time) of every file under `root`."""
    digest = hashlib.sha256()
    if root and os.path.isdir(root):
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                if os.path.splitext(name)[1].lower() in skip_suffixes:
                    continue
                path = os.path.join(folder, name)
                line = "\0" + os.path.relpath(path, root)
                if with_stat:
                    stat = os.stat(path)
                    line += f"\0{stat.st_size}\0{stat.st_mtime_ns}"
                digest.update(line.encode())
    return digest.digest()


def chosen_settings(settings, names) -> str:
    return json.dumps({name: settings.get(name) for name in names}, sort_keys=True, default=repr)
