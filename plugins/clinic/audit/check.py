"""Audit a built site from the command line and print a one-screen summary.

    python -m clinic.audit.check OUTPUT [--settings publishconf.py]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clinic.audit.checks import audit
from clinic.writers.cms_admin import check_admin
from clinic.settings import load_settings
from clinic.audit.links import check_output_links
from clinic.problems import Problem, relative, report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clinic.audit.check", description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--settings", default="publishconf.py")
    args = parser.parse_args(argv)
    output = Path(args.output)
    if not (output / "index.html").is_file():
        # A folder has no lines, so none is printed (not ":0:").
        print(Problem(relative(str(output)), 0, "check-output", "there is no built site here (no index.html)",
                      "run 'invoke build' first, or name the output folder"), file=sys.stderr)
        return 1
    settings = load_settings(args.settings)
    summary = audit(output, settings)
    summary.problems.extend(check_output_links(output, settings) + check_admin(output, settings))
    print("\n".join(summary.lines()))
    report(summary.problems)
    return 1 if summary.problems else 0


if __name__ == "__main__":
    sys.exit(main())
