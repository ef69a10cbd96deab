"""Post-build step: make Pagefind's filter index the same on every build of the same content.

Pagefind 1.5 writes each filter's values in hash-map order, which changes from run to run
(Pagefind/pagefind#638: "filter/metadata indexes" still change between builds). The filter file's name
is a hash of its content, the metadata file names the filter file, and pagefind-entry.json names the
metadata file, so one reordering changes three files. This step sorts the values, renames the filter
file by a hash of its sorted content, and rewrites the two files that name it (same-length names, so
the surrounding CBOR stays valid). It must run right after the Pagefind step, before compression.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from clinic.problems import Problem, pinned

MAGIC = b"pagefind_dcd"


# --- The small part of CBOR (RFC 8949) that Pagefind's filter files use ---------------------------------

def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | extra]) + value.to_bytes(size, "big")
    raise ValueError(value)


def encode(item) -> bytes:
    if isinstance(item, bool) or item is None:
        raise ValueError(f"not in Pagefind's filter format: {item!r}")
    if isinstance(item, int):
        return _head(0, item) if item >= 0 else _head(1, -1 - item)
    if isinstance(item, bytes):
        return _head(2, len(item)) + item
    if isinstance(item, str):
        data = item.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(item, list):
        return _head(4, len(item)) + b"".join(encode(x) for x in item)
    if isinstance(item, dict):
        return _head(5, len(item)) + b"".join(encode(k) + encode(v) for k, v in item.items())
    raise ValueError(f"not in Pagefind's filter format: {item!r}")


def decode(data: bytes, at: int = 0):
    """The item starting at `at`, and the offset after it."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        value = info
    elif info <= 27:
        size = 1 << (info - 24)
        value, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise ValueError(f"unsupported CBOR item at byte {at - 1}")
    if major == 0:
        return value, at
    if major == 1:
        return -1 - value, at
    if major in (2, 3):
        raw = data[at:at + value]
        return (raw if major == 2 else raw.decode("utf-8")), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(value):
            key, at = decode(data, at)
            mapping[key], at = decode(data, at)
        return mapping, at
    raise ValueError(f"unsupported CBOR major type {major}")


# --- The step ------------------------------------------------------------------------------------------

def canonical_filter(raw: bytes) -> bytes:
    """A filter file (gzip of MAGIC + CBOR [name, [[value, [pages]], ...]]) with its values sorted."""
    data = gzip.decompress(raw)
    if not data.startswith(MAGIC):
        raise ValueError("not a Pagefind filter file")
    item, end = decode(data, len(MAGIC))
    if end != len(data) or encode(item) != data[len(MAGIC):]:
        raise ValueError("the filter file uses CBOR this step does not reproduce byte for byte")
    name, values = item
    item = [name, sorted(values, key=lambda pair: encode(pair))]
    return gzip.compress(MAGIC + encode(item), compresslevel=9, mtime=0)


def _renamed(path: Path, content: bytes, prefix: str) -> Path:
    stem = path.name[len(prefix):].split(".")[0]  # e.g. "en_c6e3676"
    language, _, old_hash = stem.rpartition("_")
    new_hash = hashlib.sha256(content).hexdigest()[:len(old_hash)]
    return path.with_name(path.name.replace(f"{language}_{old_hash}", f"{language}_{new_hash}"))


def stabilise_pagefind(output: Path, settings: dict) -> list[Problem]:
    index = Path(output) / settings["SEARCH_INDEX_PATH"]
    entry_path = index / "pagefind-entry.json"
    if not entry_path.is_file():
        return []
    try:
        renames = {}
        for path in sorted((index / "filter").glob("*.pf_filter")):
            content = canonical_filter(path.read_bytes())
            target = _renamed(path, content, "")
            path.unlink()
            target.write_bytes(content)
            renames[path.name.split(".")[0]] = target.name.split(".")[0]
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        for language, info in entry["languages"].items():
            meta_path = index / f"pagefind.{info['hash']}.pf_meta"
            meta = gzip.decompress(meta_path.read_bytes())
            for old, new in renames.items():
                meta = meta.replace(old.encode(), new.encode())
            content = gzip.compress(meta, compresslevel=9, mtime=0)
            target = _renamed(meta_path, content, "pagefind.")
            meta_path.unlink()
            target.write_bytes(content)
            info["hash"] = target.name[len("pagefind."):].split(".")[0]
        entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    except (OSError, ValueError, KeyError) as error:
        return [Problem(*pinned("pagefind"), "search-index-unstable", f"could not make the search index stable: {error}",
                        "check the Pagefind version against plugins/clinic/build/stable_index.py")]
    return []
