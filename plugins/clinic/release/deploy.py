"""Publish: refuse example settings, build and check, then deploy so readers see the old site or the new one.

A deploy never writes into the live directory. Each release goes into its own directory under
`releases/`, and only when it is complete does the `current` symlink switch to it in one rename
(`ln -sfn` to a temporary name, then `mv -T` over `current`), the way Capistrano-style hosts do it.
The previous release stays, so switching back is one more rename. The web server's root is `.../current`.

    DEPLOY_TARGET=user@host:/srv/clinic   rsync over ssh
    DEPLOY_TARGET=/srv/clinic             the same on this machine (rsync if installed, else a copy)
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from clinic.problems import Problem, report

KEEP_RELEASES = 2  # the live one and the one before it
REMOTE_RE = re.compile(r"^(?P<host>[^/:]+):(?P<path>/.*)$")


class DeployError(Exception):
    pass


def release_name(output: Path) -> str:
    """Named by content: the same build gives the same name, and a changed one a new name."""
    digest = hashlib.sha256()
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        digest.update(path.relative_to(output).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return "release-" + digest.hexdigest()[:16]


def copy_file(source, destination):
    """The copy used for local releases (a seam for tests that make a deploy fail midway)."""
    return shutil.copy2(source, destination)


def deploy_local(output: Path, target: Path) -> Path:
    releases = target / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    name = release_name(output)
    release = releases / name
    if not release.is_dir():
        partial = releases / f".{name}.partial-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        try:
            if shutil.which("rsync"):
                subprocess.run(["rsync", "-a", "--delete", f"{output}/", f"{partial}/"], check=True)
            else:
                shutil.copytree(output, partial, copy_function=copy_file)
            os.replace(partial, release)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    switch_local(target, release)
    prune_local(releases, release)
    return release


def switch_local(target: Path, release: Path) -> None:
    """Point `current` at `release` in one atomic rename of a fresh symlink."""
    link = target / f".current-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(Path("releases") / release.name, link)
    os.replace(link, target / "current")


def prune_local(releases: Path, live: Path) -> None:
    kept = sorted((p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    kept = [live] + [p for p in kept if p != live]
    for old in kept[KEEP_RELEASES:]:
        shutil.rmtree(old, ignore_errors=True)


def remote_commands(output: Path, host: str, path: str, name: str) -> list[list[str]]:
    """The commands of a remote deploy, in order; the switch comes only after the copy succeeded."""
    root = path.rstrip("/")
    release = f"{root}/releases/{name}"
    quoted = shlex.quote
    switch = (f"ln -sfn releases/{quoted(name)} {quoted(root + '/.current-new')} && "
              f"mv -T {quoted(root + '/.current-new')} {quoted(root + '/current')}")
    prune = (f"cd {quoted(root + '/releases')} && ls -1t | grep -v -x -F {quoted(name)} "
             f"| tail -n +{KEEP_RELEASES} | xargs -r rm -rf --")
    return [
        ["ssh", host, f"mkdir -p {quoted(root + '/releases')}"],
        ["rsync", "-a", "--delete", f"--link-dest={root}/current/", f"{output}/", f"{host}:{release}/"],
        ["ssh", host, switch],
        ["ssh", host, prune],
    ]


def deploy_remote(output: Path, host: str, path: str, run=subprocess.run) -> str:
    if run is subprocess.run and not shutil.which("rsync"):
        raise DeployError("rsync is not installed on this machine (apt-get install rsync)")
    name = release_name(output)
    for command in remote_commands(output, host, path, name):
        done = run(command)
        if done.returncode:
            raise DeployError(f"{command[0]} failed with exit status {done.returncode}: {' '.join(command[:3])} ...")
    return name


def deploy(output: Path, target: str | None = None) -> int:
    output = Path(output)
    target = target if target is not None else os.environ.get("DEPLOY_TARGET", "")
    if not target:
        print(f"Built and checked {output}. Nothing deployed: pushing to main deploys it with the GitHub "
              "Pages workflow; set DEPLOY_TARGET=user@host:/path (or a local directory) to deploy here.")
        return 0
    try:
        remote = REMOTE_RE.match(target)
        if remote:
            name = deploy_remote(output, remote["host"], remote["path"])
            print(f"Deployed {name} to {target}/current")
        else:
            release = deploy_local(output, Path(target))
            print(f"Deployed {release.name} to {Path(target) / 'current'}")
        return 0
    except (OSError, subprocess.SubprocessError, DeployError) as error:
        report([Problem(target, 0, "deploy-failed", f"{type(error).__name__}: {error}",
                        "the live site was not switched; fix the cause and publish again")])
        return 1


def publish(settings_file, output, *, target: str | None = None, overrides: dict | None = None) -> int:
    """The guard, a production build with every check, and only then the deploy."""
    from clinic.release import guard
    from clinic.build.runner import build
    from clinic.settings import load_settings

    settings_file = Path(settings_file)
    settings = load_settings(settings_file, overrides)
    problems = guard.example_values(settings, settings_file.with_name("pelicanconf.py"))
    if problems:
        report(problems)
        return 1
    code = build(settings_file, output, overrides=overrides, check=True)
    if code:
        return code
    return deploy(Path(output), target)



def main(argv=None) -> int:
    """python -m clinic.release.deploy SETTINGS OUTPUT [--target T] [--set KEY=JSON ...]: what `invoke publish` runs."""
    import argparse

    from clinic.build.runner import parse_overrides

    parser = argparse.ArgumentParser(prog="python -m clinic.release.deploy", description=main.__doc__)
    parser.add_argument("settings")
    parser.add_argument("output")
    parser.add_argument("--target", default=None, help="default: $DEPLOY_TARGET")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=JSON", help="override a setting")
    args = parser.parse_args(argv)
    return publish(args.settings, args.output, target=args.target, overrides=parse_overrides(args.set))


if __name__ == "__main__":
    raise SystemExit(main())
