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
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives", "search", "404", "glossary"]
SEARCH_SAVE_AS = "search/index.html"
SEARCH_URL = "search/"
# Where Pagefind writes the search index inside the output; the search page, the cache headers, the
# compression and the audit all read it here.
SEARCH_INDEX_PATH = "pagefind"
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

# typogrify runs in the clinic reader (plugins/clinic/render/reader.py), before its rewrite, with Pelican's
# TYPOGRIFY_* settings: Pelican's own TYPOGRIFY would run after its content cache, on every build.
TYPOGRIFY = False
CLINIC_TYPOGRIFY = True
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.toc": {"permalink": False, "toc_depth": "2-3"},
        "markdown.extensions.footnotes": {"BACKLINK_TITLE": "Back to the text of note %d"},
        "markdown.extensions.attr_list": {},
        # Column alignment as align="..." rather than style="text-align: ...": the policy allows no inline style.
        "markdown.extensions.tables": {"use_align_attribute": True},
        "markdown.extensions.md_in_html": {},
    },
    "output_format": "html5",
}
# Full builds read Markdown in worker processes ahead of Pelican once there are this many files
# (plugins/clinic/render/read_ahead.py); for fewer, starting the workers costs more than it saves.
READ_AHEAD_MIN_FILES = 50
# How many worker processes read ahead is READ_WORKERS, one per core when unset; 0 makes the build read
# every file itself, with the same output (tests/test_weight.py holds the two to each other).
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
    # article); only the search page (noindex), the 404 page, drafts, robots.txt (a template page, not
    # HTML) and the writers' editor at /admin/ (noindex) are not. Patterns are regexes.
    "exclude": [r"^search/", r"^404\.html$", r"^drafts/", r"^robots\.txt$", r"^admin/"],
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
# Addresses on the site's own host that another system serves: the link check (plugins/clinic/audit/links.py)
# follows every other link to this host into the built output. CLINIC's booking_url is always one of them.
LINKS_SERVED_ELSEWHERE = []
# What publish refuses to ship: any of these values still in CLINIC or PEOPLE.
EXAMPLE_MARKERS = ["Example", "example", "555 01", "(555) 01", "00000"]

# --- People: authors and medical reviewers, referred to by key from article metadata ------------
# These are placeholders, marked as such, that the clinic replaces with its real staff. Each has a role:
# "writer" may write articles; "clinician" may also medically review those they did not write.
PEOPLE = {
    "example-writer": {
        "role": "writer",
        "name": "Example Writer",
        "credentials": "Medical writer",
        "bio": "Placeholder entry: the clinic replaces it with the staff writer who drafts its articles.",
    },
    "example-physician": {
        "role": "clinician",
        "name": "Example Physician",
        "credentials": "MD, anesthesiology and pain medicine",
        "bio": "Placeholder entry: the clinic replaces it with the licensed physician who reviews articles.",
    },
    "example-pharmacist": {
        "role": "clinician",
        "name": "Example Pharmacist",
        "credentials": "PharmD",
        "bio": "Placeholder entry: the clinic replaces it with the pharmacist who reviews medicine content.",
    },
}

# The roles whose people may sign an article off as its medical reviewer (`Reviewer:`, and the reviewer
# named in an allow-claim marker); never the article's own author (plugins/clinic/source/people.py).
REVIEWER_ROLES = ["clinician"]

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
# The header fields each kind of source may have (lowercase, as Pelican reads them). Any other field, or a
# misspelling of one (`Last-reviewed`, `Catagory`, `Tag`), is refused with the nearest of these
# (metadata-unknown): Pelican would ignore it without a word.
ARTICLE_FIELDS = REQUIRED_METADATA + ["key_points", "slug", "status"]
PAGE_FIELDS = ["title", "slug", "template", "summary", "date", "modified", "last_reviewed", "status"]
# The `Status:` values the site uses: publishing is `published` (what the editor writes) or no line at all.
STATUS_VALUES = {"article": ["draft", "published"], "page": ["draft", "hidden", "published"]}
# docs/writing.md: "700 to 1,500 words", "2 to 4 lowercase tags", a summary of "one or two plain sentences".
ARTICLE_WORDS_MIN = 700
ARTICLE_WORDS_MAX = 1500
TAGS_MIN = 2
TAGS_MAX = 4
SUMMARY_SENTENCES_MAX = 2
# "Link text says where it goes (never 'click here')": link texts that say nothing of where they lead (link-text).
VAGUE_LINK_TEXT = ["click here", "here", "click", "this", "link", "this link", "here link", "read more", "more",
                   "learn more", "see more", "find out more", "this page", "this article", "this site", "go",
                   "go here", "see here", "click this link", "visit", "website", "page", "article"]
# "Do not add a 'Sources' heading": the footnotes are the page's sources list (sources-heading).
SOURCES_HEADINGS = ["sources", "source", "references", "reference", "reference list", "bibliography",
                    "citations", "works cited", "notes", "footnotes", "sources and references"]
# "US spelling": a word on breame's list of British spellings is refused with its US form (spelling-us),
# except these, which US dictionaries (Merriam-Webster) give as well: "analyses" is also the plural of analysis.
US_SPELLING_ALLOWED = ["analyses", "aesthetic", "aesthetics", "dialogue", "dialogues", "catalogue", "catalogues",
                       "analogue", "analogues", "programme", "programmes", "ageing"]
# British medical spellings breame's list does not hold (oedema, ischaemia, dyspnoea...): part of a word -> US.
BRITISH_SPELLING_PATTERNS = {"oedem": "edem", "haem": "hem", "aemi": "emi", "anaes": "anes", "paed": "ped",
                             "oesoph": "esoph", "oestr": "estr", "foet": "fet", "rrhoea": "rrhea",
                             "coeliac": "celiac", "pnoea": "pnea"}
REVIEW_INTERVAL_MONTHS = 12
REVIEW_DUE_SOON_DAYS = 30
SOURCES_MIN = 2
# Claims regulators flag in health marketing, in families; docs/rules.md gives each family its source.
# A phrase is a regular expression (case-insensitive, whole words) in which a space matches any run of
# spaces, hyphens, dashes, quotes or one line break inside a paragraph, a hyphen matches such a run or
# nothing ("side effect free", "side-effect-free"), " ... " matches up to CLAIM_GAP_WORDS words with no
# punctuation and no negation between them, and {name} is any of CLAIM_TERMS[name] ({negation} is any
# of CLAIM_NEGATIONS). "negatable": a negation earlier in the same clause makes the use honest ("there
# is no cure"); families whose claim is itself a negation ("not addictive") are never negatable.
# "cited": a figure passes when the same sentence cites a footnote defined in the article.
FLAGGED_CLAIMS = [
    {"family": "cure", "negatable": True, "cited": False,
     "says": "it promises a cure or permanent relief, which no study of these treatments shows",
     "phrases": ["cure-alls?", "cure(s|d)?", "curing", "curative",
                 "heal(s|ed|ing)? ... (permanently|for good|forever|for life)", "permanently heal(s|ed|ing)?",
                 "permanent (relief|cure|fix|solution|recovery|results?)",
                 "permanently (relieve|eliminate|end|remove|fix|stop|resolve|erase|reverse)(s|d|es|ed)?",
                 "{ending} ... (for good|forever|for life|once and for all)",
                 "pain-free (for life|forever|for good)", "gone (for good|forever)", "(lasts|lasting) (forever|for life)",
                 "never ... pain again", "no more pain"]},
    {"family": "guarantee", "negatable": True, "cited": False,
     "says": "no treatment's result can be promised",
     "phrases": ["guarantee(s|d)?", "guaranteeing", "promise(s|d)? (you )?(of )?(relief|results|success)"]},
    {"family": "hype", "negatable": True, "cited": False,
     "says": "it implies evidence that does not exist",
     "phrases": ["miracles?", "miraculous(ly)?", "wonder drugs?", "magic bullets?", "breakthrough(?! pain)",
                 "game-chang(er|ers|ing)", "revolutionary", "(clinically|scientifically|medically) proven",
                 "proven to", "proven (treatment|therapy|cure|solution|relief|results|method)"]},
    {"family": "non-addictive", "negatable": False, "cited": False,
     "says": "ketamine can cause dependence and is misused",
     "phrases": ["non-addictive", "non-habit-forming", "addiction-free", "{negation} ... (addictive|addicting|habit-forming)",
                 "{few} (the )?(risk|chance|danger|potential|possibility|fear) (of|for) ({addiction}|getting addicted"
                 "|becoming addicted|getting hooked)",
                 "{few} ({addiction}|addictive|addiction-forming) (risk|potential|liability)",
                 "{negation} ... (get|become|getting|becoming|be) (addicted|hooked|dependent)",
                 "(impossible|unable) to (get|become) (addicted|hooked|dependent)",
                 "{negation} ... (cause|causes|caused|lead to|leads to|led to|result in|results in) {addiction}",
                 "{addiction} ... {negation} ... (risk|concern|problem|issue|worry|danger)",
                 "{negation} ... (worry|worried|fear|afraid|concern|concerned) about ... ({addiction}|addicted|hooked)"]},
    {"family": "fda-approved", "negatable": True, "cited": False,
     "says": "ketamine is FDA-approved only as an anesthetic, not for pain or any mood condition, "
             "so a statement of what a regulator approved needs a clinician's sign-off",
     "phrases": ["{fda} ... {approved} ... {condition}", "{approved} by (the )?{fda} ... {condition}",
                 "{approved} ... {condition} ... by (the )?{fda}", "{condition} ... {approved} by (the )?{fda}",
                 "ketamine ... (is|are|was|were|been) ... {approved} ... {condition}"]},
    {"family": "no-side-effects", "negatable": True, "cited": False,
     "says": "every treatment here has side effects and risks",
     "phrases": ["{none}( you| any| the| its)?( {severe})? {harms}", "(side-effects?|risk|harm) free",
                 "(completely|totally|perfectly|entirely|absolutely|utterly|always|(100|one hundred) ?(%|per ?cent)) safe",
                 "(minimal|negligible|hardly any|barely any)( {severe})? {harms}", "ketamine (is|are)( very| extremely)? safe(?! to)",
                 "safe for (everyone|anyone|everybody|all)", "harmless", "safe and (natural|effective)",
                 "natural and safe", "all-natural"]},
    {"family": "success-rate", "negatable": True, "cited": True,
     "says": "a share of patients helped reads as a promise unless it reports a cited study",
     "phrases": ["{works} ... {share}", "{share} ... {works}"]},
]
# The words the phrases above share (see FLAGGED_CLAIMS for the grammar).
CLAIM_TERMS = {
    "ending": ["end(s|ed)?", "eliminat(e|es|ed)", "erase(s|d)?", "banish(es|ed)?", "stop(s|ped)?", "get(s)? rid of",
               "fix(es|ed)?", "reverse(s|d)?", "remove(s|d)?", "beat(s)?"],
    "addiction": ["addiction", "dependence", "dependency", "abuse", "misuse", "cravings"],
    "few": ["{negation}", "zero", "little", "low", "minimal", "negligible", "free (of|from)", "without any"],
    "fda": ["((U.S.|US|United States) )?(FDA|Food and Drug Administration)('s)?", "federal(ly)?", "government",
            "regulatory", "regulators?"],
    "approved": ["approv(e|es|ed|al)", "clear(s|ed)", "clearance", "licensed", "endorsed", "sanctioned"],
    "condition": ["pain", "depression", "depressive", "mood", "anxiety", "PTSD", "post-traumatic stress", "OCD",
                  "bipolar", "suicidal", "psychiatric", "mental health", "mental illness", "fibromyalgia", "CRPS",
                  "complex regional pain syndrome", "migraines?", "headaches?", "neuropathy", "neuropathic",
                  "arthritis", "sciatica", "home use", "treatments?", "therap(y|ies)", "infusions?"],
    "none": ["no", "zero", "without", "free (of|from)", "never", "{negation} (have|has|cause|causes|give|gives|carry|carries|produce|produces)"],
    "severe": ["known", "serious", "major", "significant", "lasting", "long-term", "harmful", "bad", "unpleasant",
               "negative", "real", "noticeable", "dangerous", "severe", "nasty", "unwanted", "other"],
    "harms": ["side-effects?", "adverse (effects?|events?|reactions?)", "unwanted effects", "downsides?", "risks?",
              "dangers?", "complications"],
    "works": ["work(s|ed|ing)?", "help(s|ed)?", "reliev(e|es|ed)", "relief", "effective(ness)?", "efficacy",
              "succeed(s|ed)?", "success(ful)?", "benefit(s|ed|ted)?", "improv(e|es|ed|ement)", "respond(s|ed)?",
              "response", "remission", "eas(e|es|ed)", "feel(s)? better", "felt better", "recover(s|ed|y)?",
              "pain-free", "reduc(e|es|ed|tion|tions)"],
    "number": [r"\d+([.,]\d+)?", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
               "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred"],
    "share": ["{number} ?%", "{number} per ?cent", "{number} ?/ ?{number}", "{number} (in|out of|of)( every)? {number}", "half( of)?",
              "(a|one|two) (third|thirds|quarter|quarters)( of)?", "three quarters( of)?", "most", "the majority( of)?",
              "(almost|nearly|virtually) (all|everyone|everybody)"],
}
# Up to this many words may stand between the parts of a phrase written with " ... ".
CLAIM_GAP_WORDS = 8

# --- Rules (compliance): how the editorial rules in plugins/clinic/rules/editorial.py read; see docs/rules.md --
# The date the review interval is measured to; None means the build machine's date. Tests pin it.
RULES_TODAY = None
# A negatable claim with one of these words earlier in its clause ("there is no cure", "ketamine is not
# a cure", "no treatment here is a cure") is a negation and passes. A clause ends at . ! ? ; : , ( ) |
# a dash, a new list item, header field or paragraph, or one of CLAIM_CLAUSE_WORDS ("Ketamine is not a
# cure, but it cures ..." is flagged). CLAIM_NOT_NEGATIONS look like negations and are not.
CLAIM_NEGATIONS = ["no", "not", "never", "nor", "without", "cannot", "can't", "can not", "isn't", "aren't",
                   "doesn't", "don't", "won't", "wasn't", "weren't", "didn't", "hasn't", "haven't", "hadn't",
                   "couldn't", "wouldn't", "shouldn't", "neither", "none", "nothing", "nobody",
                   # "used off-label for pain" says it is not approved for pain
                   "off-label"]
CLAIM_NOT_NEGATIONS = ["not only", "not just", "no doubt", "no question", "no wonder", "no longer", "no more",
                       "no matter", "whether or not", "if not", "never before", "without a doubt", "without doubt",
                       "without question", "nothing but", "don't wait", "don't miss", "don't suffer", "no need to suffer"]
CLAIM_CLAUSE_WORDS = ["but", "yet", "although", "though", "however", "whereas", "while", "unlike", "except", "and",
                      "who", "whom", "whose", "which", "because", "since", "unless", "until", "when", "whenever"]
# Header fields whose name matches this are refused: an article cannot switch a notice off.
RULES_NOTICE_METADATA = r"affiliate|notice|disclaimer|disclosure"

# --- Drafts and scheduled posts (writers) -------------------------------------------------------
# `Status: draft` builds to drafts/ here, for preview; publishconf.py writes no drafts at all.
# A post dated after today is scheduled: the clinic plugin makes it a draft until that day, by the one
# clock of the build (TIMEZONE, or RULES_TODAY in tests), so Pelican's own future-date check is off.
# The preview shows it under drafts/ with this banner ({date} is its Date); production writes it nowhere.
WITH_FUTURE_DATES = True
SCHEDULED_NOTICE = ("Scheduled: this page is dated {date} and will not be published before that day. "
                    "Only the preview shows it.")
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
# Each feed carries only the newest entries, as WordPress (10) and Ghost (15) do: feed readers fetch a feed
# again and again, so a full archive in every feed (11 MB at 1,000 articles) costs every reader, and the
# build, four times over. The archive and the sitemap list every article.
FEED_MAX_ITEMS = 20

# --- Raw HTML: the allow-list (plugins/clinic/render/sanitise.py, docs/rules.md) ---------------------------
# What an article's or page's HTML may hold: what our Markdown extensions (footnotes, toc, tables,
# attr_list, md_in_html) and the clinic rewrite (figures, FAQ <details>, lazy images, link rel, glossary
# links with their <abbr> and accessible name) produce,
# and nothing more. Anything else is refused with its file and line (raw-html-*); nh3 (Ammonia) then
# cleans every body and summary with this same list before it is written.
RAW_HTML_TAGS = [
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "figure", "figcaption", "small", "sup", "span", "div",
    "table", "thead", "tbody", "tr", "th", "td", "details", "summary", "abbr",
]
# Attributes per tag ("*": on every tag listed above). `id` carries toc and footnote anchors.
RAW_HTML_ATTRIBUTES = {
    "*": ["id"],
    "a": ["href", "title", "rel", "aria-label"],
    "img": ["src", "alt", "title", "width", "height"],
    "abbr": ["title"],
}
# Attributes allowed only with these values.
RAW_HTML_ATTRIBUTE_VALUES = {
    "img": {"loading": ["lazy"], "decoding": ["async"]},
    "th": {"align": ["left", "center", "right"]},
    "td": {"align": ["left", "center", "right"]},
}
# Classes per tag: the footnotes', the FAQ's, the figure credit's, the glossary links' and typogrify's. No other class, so a
# page cannot borrow the theme's notice or visually-hidden styles.
RAW_HTML_CLASSES = {
    "div": ["footnote"],
    "a": ["footnote-ref", "footnote-backref", "glossary-term"],
    "h2": ["faq"],
    "details": ["faq-item"],
    "small": ["credit"],
    "span": ["amp", "caps", "dquo", "quo"],
}
# Schemes a link (href) or image (src) may use; relative addresses and Pelican's {filename}/{static}
# links have none. Images load only from this site (privacy-external), whatever their scheme.
RAW_HTML_URL_SCHEMES = ["https", "http", "mailto", "tel"]
# CSS properties a style="..." attribute may set: none, so no style attribute and no <style> at all
# (the Content-Security-Policy's style-src 'self' would block them in the browser anyway).
RAW_HTML_STYLE_PROPERTIES = []

# --- Security and cache headers (safety, issue 10) ---------------------------------------------------
# The one source of the response headers: rendered into the output's `_headers` (Netlify, Cloudflare
# Pages) by clinic.headers, into docs/hosting/nginx.conf, and sent by `clinic.release.serve` when asked.
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
    **{f"/{SEARCH_INDEX_PATH}/{part}/*": "public, max-age=31536000, immutable" for part in ("index", "fragment", "filter")},
    # Every template links theme files through asset(), which adds ?v=<content hash> (clinic.build.delivery).
    "/theme/*": "public, max-age=31536000, immutable",
}

# --- Plain language (issue 11): reading level, key points, glossary; see docs/rules.md ----------------
# The highest Flesch-Kincaid grade an article's body prose may have (plugins/clinic/rules/readability.py).
READING_GRADE_MAX = 8.0
# Every article opens with this many key points (the Key_points header field), in very plain words.
KEY_POINTS_MIN = 3
KEY_POINTS_MAX = 5
# The glossary's one data source, under PATH; its page lists every entry (also searchable, in the sitemap).
GLOSSARY_PATH = "glossary.yml"
GLOSSARY_URL = "glossary/"
GLOSSARY_SAVE_AS = "glossary/index.html"

# --- The writers' editor at /admin/ (Sveltia CMS; plugins/clinic/writers/cms_admin.py, docs/cms.md) ---------
# Its config.yml is generated from the settings above at every build: categories, people, reviewers,
# required fields. Only the backend is set here. GitHub mode on the deployed site; on localhost the CMS
# also offers "Work with Local Repository" (the writer's own checkout).
CMS_ADMIN_PATH = "admin"
CMS_BACKEND = {"name": "github", "repo": "example-clinic/website", "branch": "main"}
# /admin/ gets this policy instead of SECURITY_HEADERS' one (a <meta> in its page, and headers.py for
# the hosts): the editor styles itself inline, reads images it holds as blob: and data: URLs, and after
# sign-in talks to GitHub's API and shows GitHub avatars. No other script.
CMS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' blob: data: https://avatars.githubusercontent.com; font-src 'self'; "
    "connect-src 'self' blob: data: https://api.github.com; media-src 'self' blob:; "
    "object-src 'none'; frame-src 'self' blob:; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
