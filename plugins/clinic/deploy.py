"""Deploy a built and checked output directory."""

from __future__ import annotations

import os
from pathlib import Path


def deploy(output: Path) -> None:
    target = os.environ.get("DEPLOY_TARGET")
    if not target:
        print(f"Built and checked {output}. Nothing deployed: pushing to main deploys it with the GitHub "
              "Pages workflow; set DEPLOY_TARGET=user@host:/path to deploy with rsync instead.")
        return
    raise NotImplementedError("rsync deploy")
