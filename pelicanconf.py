"""Development settings and the site's single sources of truth.

Everything a reader sees that is not article content (the clinic's details, the people, the notices)
is defined here once; templates, the build plugin and the output audit all read it from here.
`publishconf.py` imports this file and changes only what production needs.
"""

# --- Site --------------------------------------------------------------------------------------
SITENAME = "Example Pain Clinic"
SITESUBTITLE = "Clear, reviewed information on chronic pain and its treatments"
SITEURL = ""
# The public address, used where a URL must be absolute (canonical, Open Graph, sitemap, feeds).
# publishconf.py sets SITEURL to it.
SITE_PUBLIC_URL = "https://clinic.example"
PATH = "content"
TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
THEME = "theme"

ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
# robots.txt is a template so that it names the sitemap from SITEURL, not from a copy of it.
TEMPLATE_PAGES = {"extra/robots.txt": "robots.txt"}

# Clean URLs: each page is a directory with an index.html, so links never show ".html".
ARTICLE_URL = "articles/{slug}/"
ARTICLE_SAVE_AS = "articles/{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
AUTHORS_URL = "authors/"
AUTHORS_SAVE_AS = "authors/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
DEFAULT_PAGINATION = 10
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives", "search", "404"]
SEARCH_SAVE_AS = "search/index.html"
SEARCH_URL = "search/"
# The 404 page lives at the root, where static hosts look for it ("404_SAVE_AS" is no Python name).
globals()["404_SAVE_AS"] = "404.html"

# Feeds are off while developing (faster rebuilds); publishconf.py turns them on.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Reproducible output: no build-time timestamps, stable ordering.
DEFAULT_ORPHANS = 0
ARTICLE_ORDER_BY = "reversed-date"
PAGE_ORDER_BY = "basename"

TYPOGRIFY = True
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.toc": {"permalink": False, "toc_depth": "2-3"},
        "markdown.extensions.footnotes": {"BACKLINK_TITLE": "Back to the text of note %d"},
        "markdown.extensions.attr_list": {},
        "markdown.extensions.tables": {},
        "markdown.extensions.md_in_html": {},
    },
    "output_format": "html5",
}
# Full builds read Markdown in worker processes ahead of Pelican once there are this many files
# (plugins/clinic/read_ahead.py); for fewer, starting the workers costs more than it saves.
READ_AHEAD_MIN_FILES = 50
# Incremental builds read and write Pelican's content cache whole on every run; unzipped, that costs
# 0.2 s less at 1,000 articles, for a larger file in the local cache folder.
GZIP_CACHE = False

PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "clinic",
    "pelican.plugins.neighbors",
    "pelican.plugins.related_posts",
    "pelican.plugins.sitemap",
]
RELATED_POSTS_MAX = 3

SITEMAP = {
    "format": "xml",
    "priorities": {"articles": 0.8, "indexes": 0.5, "pages": 0.5},
    "changefreqs": {"articles": "monthly", "indexes": "weekly", "pages": "monthly"},
    # Every page a reader can reach is public and listed, listings included (they are linked from every
    # article); only the search page (noindex), the 404 page, drafts and robots.txt (a template page, not
    # HTML) are not. Patterns are regexes.
    "exclude": [r"^search/", r"^404\.html$", r"^drafts/", r"^robots\.txt$"],
}

# --- The clinic (examples: the clinic replaces every value before publishing) -------------------
CLINIC = {
    "name": "Example Pain Clinic",
    "phone": "+1 555 0100",
    "phone_display": "(555) 0100",
    "email": "hello@clinic.example",
    "street": "100 Example Street, Suite 200",
    "city": "Springfield",
    "region": "ST",
    "postal_code": "00000",
    "country": "US",
    "hours": "Monday to Friday, 8 am to 5 pm",
    "booking_url": "https://clinic.example/book",
}
# What publish refuses to ship: any of these values still in CLINIC or PEOPLE.
EXAMPLE_MARKERS = ["Example", "example", "555 01", "(555) 01", "00000"]

# --- People: authors and medical reviewers, referred to by key from article metadata ------------
# These are placeholders, marked as such, that the clinic replaces with its real staff.
PEOPLE = {
    "example-writer": {
        "name": "Example Writer",
        "credentials": "Medical writer",
        "bio": "Placeholder entry: the clinic replaces it with the staff writer who drafts its articles.",
    },
    "example-physician": {
        "name": "Example Physician",
        "credentials": "MD, anesthesiology and pain medicine",
        "bio": "Placeholder entry: the clinic replaces it with the licensed physician who reviews articles.",
    },
    "example-pharmacist": {
        "name": "Example Pharmacist",
        "credentials": "PharmD",
        "bio": "Placeholder entry: the clinic replaces it with the pharmacist who reviews medicine content.",
    },
}

# --- Notices: the one place their wording lives --------------------------------------------------
MEDICAL_DISCLAIMER = (
    "This information is for general education. It is not medical advice and does not replace an "
    "assessment by a clinician who knows your history. Do not start, stop or change a treatment "
    "without talking to your own clinician."
)
EMERGENCY_NOTICE = (
    "In an emergency, call 911 or your local emergency number. If you are thinking about suicide "
    "or are in crisis, call or text 988 to reach the 988 Suicide & Crisis Lifeline (US)."
)
MEDICAL_DISCLAIMER_SHORT = (
    "Educational information only, not medical advice. In an emergency call 911; "
    "in a mental health crisis call or text 988."
)
OFFLABEL_NOTICE = (
    "Ketamine is approved in the United States as an anesthetic. Using it to treat chronic pain is "
    "off-label: clinicians may prescribe it this way, but the FDA has not approved it for pain."
)
AFFILIATE_NOTICE = (
    "This page contains affiliate links. If you buy something through one of them, the clinic may "
    "earn a small commission at no extra cost to you. As an Amazon Associate I earn from qualifying "
    "purchases. The clinic chooses what to mention on its merits, and commissions do not affect it."
)

# --- Affiliate links ------------------------------------------------------------------------------
AFFILIATE_TAG = "exampleclinic-20"
# Writers link to an Amazon search as `amazon-search:tens+unit`; the build expands it with the tag.
AFFILIATE_SEARCH_URL = "https://www.amazon.com/s?k={query}&tag={tag}"
# A link is an affiliate link when its URL matches any of these (Python regular expressions, searched
# case-insensitively against the full href).
AFFILIATE_LINK_PATTERNS = [
    r"^(https?:)?//([a-z0-9-]+\.)*amazon\.[a-z]{2,3}(\.[a-z]{2})?(/|$|\?)",
    r"^(https?:)?//([a-z0-9-]+\.)*amzn\.(to|eu|asia|com)(/|$)",
    r"^(https?:)?//([a-z0-9-]+\.)*a\.co/",
    r"[?&]tag=[a-z0-9-]+-2[0-9](&|$)",
]
AFFILIATE_REL = ["sponsored", "nofollow", "noopener", "noreferrer"]
# The only categories whose articles may carry affiliate links (the affiliate disclosure page promises
# readers this); pages never do. None would allow any article.
AFFILIATE_CATEGORIES = ["Guides"]

# --- Editorial rules -------------------------------------------------------------------------------
CATEGORIES = ["IV Ketamine", "Oral Ketamine", "Conventional Treatments", "Chronic Pain", "Guides"]
OFFLABEL_CATEGORIES = ["IV Ketamine", "Oral Ketamine"]
OFFLABEL_TAGS = ["ketamine"]
REQUIRED_METADATA = ["title", "date", "modified", "category", "tags", "summary", "author", "reviewer", "last_reviewed"]
REVIEW_INTERVAL_MONTHS = 12
REVIEW_DUE_SOON_DAYS = 30
SOURCES_MIN = 2
FLAGGED_CLAIMS = [
    "cure",
    "cures",
    "cured",
    "guaranteed",
    "guarantee",
    "miracle",
    "wonder drug",
    "safe and natural",
    "no side effects",
    "100% safe",
    "risk-free",
    "breakthrough",
    "clinically proven",
]

# --- Rules (compliance): how the editorial rules in plugins/clinic/rules.py read; see docs/rules.md --
# The date the review interval is measured to; None means the build machine's date. Tests pin it.
RULES_TODAY = None
# A flagged claim preceded, in the same sentence, by one of these words within the window is a negation
# ("there is no cure", "not a cure", "no guarantee") and passes.
CLAIM_NEGATIONS = ["no", "not", "never", "nor", "without", "cannot", "can't", "isn't", "aren't", "doesn't",
                   "don't", "won't", "wasn't", "neither", "none"]
CLAIM_NEGATION_WINDOW = 3
# Header fields whose name matches this are refused: an article cannot switch a notice off.
RULES_NOTICE_METADATA = r"affiliate|notice|disclaimer|disclosure"

# --- Drafts and scheduled posts (writers) -------------------------------------------------------
# `Status: draft` builds to drafts/ here, for preview; publishconf.py writes no drafts at all.
# A post dated in the future is treated as a draft until that date (Pelican turns it into one).
WITH_FUTURE_DATES = False
DRAFT_PAGE_URL = "drafts/pages/{slug}/"
DRAFT_PAGE_SAVE_AS = "drafts/pages/{slug}/index.html"
# The marker `invoke new-post` leaves in every field a writer still has to fill in.
NEWPOST_TODO_MARKER = "TODO"

# --- Theme (issue 5) ------------------------------------------------------------------------------
# Escape every value a template prints unless the template marks it as HTML (content, summary, titles
# that typogrify has touched). Pelican's own default leaves autoescape off.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True}
# The archive is paginated like every other listing.
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None, "archives": None}

# --- Discovery: search, feeds, sitemap, structured data (issue 6) ------------------------------
# Feeds carry whole articles (with the notices the clinic plugin prepends), in RSS as in Atom.
RSS_FEED_SUMMARY_ONLY = False

# --- Security and cache headers (safety, issue 10) ---------------------------------------------------
# The one source of the response headers: rendered into the output's `_headers` (Netlify, Cloudflare
# Pages) by clinic.headers, into docs/hosting/nginx.conf, and sent by `clinic.serve` when asked.
# No 'unsafe-inline' and no other origin anywhere; 'wasm-unsafe-eval' lets Pagefind compile its
# WebAssembly search engine (the only script that needs it); JSON-LD is data, not script, so CSP allows it.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; frame-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Long cache lifetimes only where a file's name changes with its content (Pagefind's index chunks);
# the perf step adds its hashed theme assets here. Everything else revalidates (the hosts' default).
CACHE_HEADERS = {
    "/pagefind/index/*": "public, max-age=31536000, immutable",
    "/pagefind/fragment/*": "public, max-age=31536000, immutable",
    "/pagefind/filter/*": "public, max-age=31536000, immutable",
    # Every template links theme files through asset(), which adds ?v=<content hash> (clinic.assets).
    "/theme/*": "public, max-age=31536000, immutable",
}
