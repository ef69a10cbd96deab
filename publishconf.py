"""Production settings: pelicanconf.py plus only what a published build changes."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

SITEURL = SITE_PUBLIC_URL  # noqa: F405
RELATIVE_URLS = False

FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
FEED_MAX_ITEMS = None

DELETE_OUTPUT_DIRECTORY = True

# Drafts, and posts dated in the future, are never written in production (writers' workflow).
DRAFT_URL = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_URL = ""
DRAFT_PAGE_SAVE_AS = ""
WITH_FUTURE_DATES = False
