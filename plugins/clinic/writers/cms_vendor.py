"""The CMS's files, pinned: fetched once by exact version from the npm registry, verified, served by us.

The editor at /admin/ is Sveltia CMS. Its prebuilt bundle and the three fonts it asks for come from npm
tarballs named by exact version and checked against the registry's sha512 integrity, then against the
sha256 of each file we serve, both recorded below. Nothing is committed but these figures: a fresh
machine fetches them on its first build with npm's own client (`npm pack`, from whichever registry that
npm is configured for) into VENDOR_DIR, and every later build links them from there.

The bundle as published would contact three other sites before anyone signs in: fonts from jsDelivr, a
version check on UNPKG and GitHub's status page. PATCHES point those at our own copies, and give back pinch-zoom (the bundle's
viewport says maximum-scale=1, which axe reports). Each patch must match exactly once, so a new release
that moves the code fails here, loudly, rather than leaking a request. How to update: docs/cms.md.

    python -m clinic.writers.cms_vendor          # fetch and verify (what the build does when a file is missing)
    python -m clinic.writers.cms_vendor --print  # the sha256 of each file as built, for a version update
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from clinic.problems import Problem

CMS_VERSION = "0.221.1"
# Where fetched files are kept between builds (relative to the project root; not in git, not in cache/,
# so `invoke clean` does not fetch 22 MB again).
VENDOR_DIR = Path(__file__).resolve().parents[3] / "vendor" / "cms"


@dataclass(frozen=True)
class Pinned:
    package: str
    version: str
    integrity: str  # the registry's dist.integrity of the tarball
    member: str  # the file inside the tarball
    serve_as: str  # its name under /admin/
    sha256: str  # of the file as we serve it (after PATCHES)


FILES = [
    Pinned("@sveltia/cms", CMS_VERSION,
           "sha512-J+Qoik9kGMk2L7vNpOQrnDmFRi+NB6vwJ0f657YtsxWH0P8WYSYRRSRC2pQ/jGGbVlM//Pg/WIgmkpswqoo3gQ==",
           "package/dist/sveltia-cms.js", "sveltia-cms.js",
           "062dfaf9d121c3c26a2aa371bf8208456f80687cdeeedf8d0a714d45fa726ed4"),
    Pinned("@fontsource-variable/source-sans-3", "5.3.0",
           "sha512-dpi0GZk7EQe2tYpg6Q0Fx0OmUgnuGu+0rHPgtXqtKhglYmJuP7jZ12Mu1uN+NfRaJRY1Emn8AQJEWzmoZ4wa9g==",
           "package/files/source-sans-3-latin-wght-normal.woff2", "fonts/source-sans-3-latin-wght-normal.woff2",
           "7a19a7027e125257d310c6dbd78ae3a30b5ea1e3794d60b12bb28227a003bfda"),
    Pinned("@fontsource/noto-mono", "5.3.0",
           "sha512-QZieY3OyKEImCXg3HRiF6p6/H0GXX94uEb53ayLyQgCTB20LdkvsyJIgigo6lAGmVw3WEs40DdG5KTqpxfwgGg==",
           "package/files/noto-mono-latin-400-normal.woff2", "fonts/noto-mono-latin-400-normal.woff2",
           "2787a2983d94072a2c6262b1992a2642519800a889bd90ca1042d04a89852d58"),
    Pinned("@fontsource-variable/material-symbols-outlined", "5.3.7",
           "sha512-d6kLamaMdad40AYoyJEBgCH63fRLklC7GW7bgb7WWbPh/UzuW483Dlyfmn3vxpiNsHLIMBOcYYkZDtOC9Y3MUA==",
           "package/files/material-symbols-outlined-latin-wght-normal.woff2",
           "fonts/material-symbols-outlined-latin-wght-normal.woff2",
           "98db9feefa170bf76e9c19d19af6dd62054165efc89c4b506c361e069719e884"),
]

_JSDELIVR = "https://cdn.jsdelivr.net/fontsource/fonts/"
# (file served as, text in the published bundle, what we serve instead). URLs in the bundle's injected
# stylesheet resolve against /admin/, so relative ones find our copies wherever ADMIN_PATH is.
PATCHES = [
    ("sveltia-cms.js", _JSDELIVR + "source-sans-3:vf@5.3.0/latin-wght-normal.woff2",
     "fonts/source-sans-3-latin-wght-normal.woff2"),
    ("sveltia-cms.js", _JSDELIVR + "noto-mono@5.3.0/latin-400-normal.woff2",
     "fonts/noto-mono-latin-400-normal.woff2"),
    ("sveltia-cms.js", _JSDELIVR + "material-symbols-outlined:vf@5.3.7/latin-wght-normal.woff2",
     "fonts/material-symbols-outlined-latin-wght-normal.woff2"),
    # The update check asks UNPKG for the latest version every hour; ours answers with the pinned one.
    ("sveltia-cms.js", "`${iP}/package.json`", "`version.json`"),
    # GitHub's status page is asked on every load, before sign-in; ours holds no status, so the editor
    # shows none (a writer who cannot save is told by GitHub's own error).
    ("sveltia-cms.js", "`https://www.githubstatus.com/api/v2/status.json`", "`github-status.json`"),
    ("sveltia-cms.js", "`maximum-scale=1`,", ""),
]
VERSION_FILE = "version.json"
STATUS_FILE = "github-status.json"


class VendorError(Exception):
    pass


def integrity_ok(data: bytes, integrity: str) -> bool:
    """Whether `data` is what an npm `integrity` string (`sha512-<base64 digest>`) names."""
    algorithm, _, expected = integrity.partition("-")
    return base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == expected


def patched(serve_as: str, data: bytes) -> bytes:
    """The file as we serve it: each patch for it applied, each found exactly once."""
    patches = [(old, new) for name, old, new in PATCHES if name == serve_as]
    if not patches:
        return data
    text = data.decode("utf-8")
    for old, new in patches:
        found = text.count(old)
        if found != 1:
            raise VendorError(f"{serve_as}: expected {old!r} once, found it {found} times; the release moved "
                              "the code this patch rewrites (docs/cms.md, 'Updating the CMS')")
        text = text.replace(old, new)
    return text.encode("utf-8")


def _fetch(pinned: Pinned) -> bytes:
    """The pinned file from its package's tarball, which npm's own client fetches from the registry this
    machine's npm is configured for (no address of ours to keep), checked against the pinned integrity."""
    spec = f"{pinned.package}@{pinned.version}"
    with tempfile.TemporaryDirectory() as folder:
        try:
            done = subprocess.run(["npm", "pack", spec, "--silent", "--pack-destination", folder],
                                  capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise VendorError(f"could not run 'npm pack {spec}' ({error}); the first build needs npm "
                              "(Node.js) and the npm registry") from error
        tarballs = sorted(Path(folder).glob("*.tgz"))
        if done.returncode or not tarballs:
            raise VendorError(f"'npm pack {spec}' failed: {(done.stderr or done.stdout).strip()[:300]}")
        tarball = tarballs[0].read_bytes()
    if not integrity_ok(tarball, pinned.integrity):
        raise VendorError(f"{spec} does not match its pinned integrity {pinned.integrity[:20]}...; refusing it")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(pinned.member)
        if member is None:
            raise VendorError(f"{spec} has no {pinned.member}")
        return member.read()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.chmod(temporary, 0o644)  # mkstemp's 0600 would keep a web server from reading the linked copy
    os.replace(temporary, path)


def ensure(vendor_dir: Path = VENDOR_DIR, *, check_sha256: bool = True) -> dict[str, Path]:
    """{served name: local file} for every pinned file, fetching and verifying those not yet here."""
    found = {}
    for pinned in FILES:
        local = Path(vendor_dir) / f"{pinned.package.replace('/', '+')}@{pinned.version}" / pinned.serve_as
        if not local.is_file():
            _write_atomically(local, patched(pinned.serve_as, _fetch(pinned)))
        if check_sha256 and hashlib.sha256(local.read_bytes()).hexdigest() != pinned.sha256:
            local.unlink()
            raise VendorError(f"{pinned.serve_as} does not match its pinned sha256; removed, fetch again "
                              "(python -m clinic.writers.cms_vendor)")
        found[pinned.serve_as] = local
    return found


def problems_ensuring(vendor_dir: Path = VENDOR_DIR) -> tuple[dict[str, Path], list[Problem]]:
    try:
        return ensure(vendor_dir), []
    except VendorError as error:
        return {}, [Problem("plugins/clinic/writers/cms_vendor.py", 0, "cms-files", str(error),
                            "connect to the npm registry once, or follow docs/cms.md to update the pins")]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        files = ensure(check_sha256="--print" not in argv)
    except VendorError as error:
        print(f"cms_vendor: {error}", file=sys.stderr)
        return 1
    for name, path in files.items():
        print(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {name}" if "--print" in argv else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
