"""Images in article bodies: load them lazily and give them their intrinsic size.

An article's images all sit below its title, summary, byline and notices, so none is in the first screen:
`loading="lazy"` saves a reader's data, `decoding="async"` keeps scrolling smooth, and width/height let the
browser reserve the space before the file arrives, so the text does not jump while someone is reading.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

LINK_PREFIXES = ("{static}", "{attach}", "{filename}")


def prepare(body, settings) -> None:
    """`body` is an lxml element (content.parse_fragment); its images are changed in place."""
    for img in body.iter("img"):
        for name, value in (("loading", "lazy"), ("decoding", "async")):
            if img.get(name) is None:
                img.set(name, value)
        if img.get("width") and img.get("height"):
            continue
        size = intrinsic_size(local_file(img.get("src", ""), settings.get("PATH", "")))
        if size:
            img.set("width", str(size[0]))
            img.set("height", str(size[1]))


def local_file(src: str, content_root: str) -> Path | None:
    """The file in content/ that a Pelican image link points at, or None for anything else."""
    for prefix in LINK_PREFIXES:
        if src.startswith(prefix):
            src = src[len(prefix):]
            break
    else:
        if "://" in src or src.startswith(("//", "data:")):
            return None
    if not src or not content_root:
        return None
    path = Path(content_root) / src.lstrip("/")
    return path if path.is_file() else None


def intrinsic_size(path: Path | None) -> tuple[int, int] | None:
    """(width, height) of an SVG, PNG, GIF or JPEG file; None when it cannot tell."""
    if path is None:
        return None
    data = path.read_bytes()
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    if path.suffix.lower() == ".svg":
        return _svg_size(data.decode("utf-8", "replace"))
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        length = struct.unpack(">H", data[index + 2:index + 4])[0]
        # Start-of-frame markers carry the size; 0xC4, 0xC8 and 0xCC share the range but are not frames.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return width, height
        index += 2 + length
    return None


def _svg_size(text: str) -> tuple[int, int] | None:
    root = re.search(r"<svg\b[^>]*>", text)
    if not root:
        return None
    tag = root.group(0)
    width = re.search(r'\swidth="([\d.]+)(px)?"', tag)
    height = re.search(r'\sheight="([\d.]+)(px)?"', tag)
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = re.search(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)', tag)
    if box:
        return round(float(box.group(1))), round(float(box.group(2)))
    return None
