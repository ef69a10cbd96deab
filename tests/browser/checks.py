"""Visit a page once in Chromium, record what a reader's browser saw, and judge it rule by rule.

`visit()` loads a page and gathers everything (requests, console, CSP reports, axe results, layout of the
notices, how far the layout shifted while loading, a screenshot); each `*_problems()` function turns one
rule into lines that name the page and the rule. The tests over the real site and the tests over
deliberately broken pages call the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python

from clinic.affiliate import is_affiliate

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Level AAA, in the same axe run (its rules option adds it to the tags'): enhanced contrast (7:1 for text,
# 4.5:1 for large text), WCAG 2.2 1.4.6. One run instead of two is a quarter less time per page.
AAA_RULES = ["color-contrast-enhanced"]
# Lighthouse's "good" cumulative layout shift is 0.1; a page that renders what it shows up front shifts by nothing.
MAX_SHIFT = 0.01
LOCAL_SCHEMES = {"data", "blob", "about"}

# Before any of the page's own scripts: keep every CSP violation the page reports.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`
    + (e.sourceFile ? ` (${e.sourceFile}:${e.lineNumber})` : ''));
});
"""

# Sum every layout shift not caused by the reader's own input, from the first paint on (as Chromium
# reports it to Lighthouse).
RECORD_SHIFTS = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__layoutShift += entry.value;
}).observe({ type: "layout-shift", buffered: true });
"""

# Where a notice is, how big, and whether it is the topmost thing at its centre (not covered).
BOX_OF_TEXT = """
([scope, text]) => {
  const norm = (s) => s.replace(/\\s+/g, ' ').trim();
  const root = document.querySelector(scope);
  if (!root) return null;
  let best = null;
  for (const el of root.querySelectorAll('*')) {
    if (norm(el.textContent).includes(text)) best = el;  // later matches are deeper
  }
  if (!best) return null;
  best.scrollIntoView({block: 'center'});
  const r = best.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 10));
  const style = getComputedStyle(best);
  return {
    x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height,
    uncovered: !!hit && (best.contains(hit) || hit.contains(best)),
    hidden: style.visibility !== 'visible' || parseFloat(style.opacity) === 0,
    tag: best.tagName.toLowerCase(),
  };
}
"""

LINKS = """
() => [...document.querySelectorAll('main a[href]')].map((a) => {
  const r = a.getBoundingClientRect();
  return {href: a.getAttribute('href'), y: r.top + scrollY, height: r.height};
})
"""


@lru_cache(maxsize=1)
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def is_local(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return f"{parts.scheme}://{parts.netloc}" == origin.rstrip("/")


@dataclass
class Visit:
    label: str          # names the page and how it was seen, e.g. "home (375px, dark)"
    url: str
    status: int | None = None
    csp: str | None = None  # the Content-Security-Policy the page was served under
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    axe_violations: list[dict] = field(default_factory=list)
    axe_rules_passed: int = 0  # proof that axe ran at all
    contrast_violations: list[dict] = field(default_factory=list)
    contrast_nodes_passed: int = 0  # proof that the enhanced-contrast rule looked at some text
    scroll_width: int = 0
    inner_width: int = 0
    disclaimer: dict | None = None
    affiliate_notice: dict | None = None
    affiliate_links: list[dict] = field(default_factory=list)
    layout_shift: float = 0.0  # read after the checks, so a script that runs after load has had its turn
    screenshot: Path | None = None


def block_foreign_requests(context, origin: str) -> None:
    """Nothing leaves the machine: a non-local request is aborted (pages still record it as a request)."""

    def handle(route):
        if is_local(route.request.url, origin):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", handle)


def visit(context, url: str, label: str, *, origin: str, settings: dict, disclaimer_scope: str,
          disclaimer_text: str, expected_status: int = 200, screenshot: Path | None = None) -> Visit:
    """Load `url` in a fresh tab of `context` and record everything the checks need."""
    seen = Visit(label=label, url=url)
    page = context.new_page()
    try:
        page.add_init_script(CSP_LISTENER)
        page.add_init_script(RECORD_SHIFTS)
        page.on("request", lambda request: seen.requests.append(request.url))

        def on_console(message):
            if message.type != "error":
                return
            where = (message.location or {}).get("url", "")
            # The 404 page is served with status 404 on purpose; Chromium logs that as an error.
            if expected_status == 404 and where == url and "status of 404" in message.text:
                return
            seen.console_errors.append(f"{message.text} ({where})" if where else message.text)
            if "Content Security Policy" in message.text:
                seen.csp_violations.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: seen.console_errors.append(f"uncaught {error}"))
        response = page.goto(url, wait_until="load")
        seen.status = response.status if response else None
        seen.csp = response.headers.get("content-security-policy") if response else None
        seen.scroll_width, seen.inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]")
        if screenshot is not None:
            page.screenshot(path=str(screenshot), full_page=True)
            seen.screenshot = screenshot
        seen.disclaimer = page.evaluate(BOX_OF_TEXT, [disclaimer_scope, disclaimer_text])
        if seen.disclaimer is not None:
            where = page.locator(disclaimer_scope).get_by_text(disclaimer_text[:40]).first
            seen.disclaimer["visible"] = where.is_visible()
        seen.affiliate_notice = page.evaluate(BOX_OF_TEXT, ["main", settings["AFFILIATE_NOTICE"]])
        patterns = settings["AFFILIATE_LINK_PATTERNS"]
        seen.affiliate_links = [a for a in page.evaluate(LINKS) if is_affiliate(a["href"], patterns)]
        page.evaluate(axe_source())
        result = page.evaluate(
            "([tags, extra]) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " rules: Object.fromEntries(extra.map((id) => [id, {enabled: true}]))})",
            [WCAG_TAGS, AAA_RULES],
        )
        seen.axe_violations = [v for v in result["violations"] if v["id"] not in AAA_RULES]
        seen.axe_rules_passed = len([rule for rule in result["passes"] if rule["id"] not in AAA_RULES])
        seen.contrast_violations = [v for v in result["violations"] if v["id"] in AAA_RULES]
        seen.contrast_nodes_passed = sum(len(rule["nodes"]) for rule in result["passes"] if rule["id"] in AAA_RULES)
        seen.csp_violations += page.evaluate("window.__cspViolations || []")
        seen.layout_shift = page.evaluate("window.__layoutShift")
    finally:
        page.close()
    return seen


# --- the rules: each returns lines "label: rule: what is wrong" -----------------------------------

def layout_shift_problems(seen: Visit) -> list[str]:
    if seen.layout_shift <= MAX_SHIFT:
        return []
    return [f"{seen.label}: layout-shift: the page moved by {seen.layout_shift:.3f} while loading "
            f"(at most {MAX_SHIFT}): give what loads late its space up front"]


def status_problems(seen: Visit, expected: int = 200) -> list[str]:
    if seen.status == expected:
        return []
    return [f"{seen.label}: http-status: {seen.url} answered {seen.status}, expected {expected}"]


def axe_problems(seen: Visit) -> list[str]:
    lines = []
    for v in seen.axe_violations:
        targets = ", ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:5])
        lines.append(f"{seen.label}: axe {v['id']} ({v['impact']}): {v['help']}; "
                     f"{len(v['nodes'])} element(s): {targets}")
    return lines


def contrast_problems(seen: Visit) -> list[str]:
    lines = []
    for v in seen.contrast_violations:
        for node in v["nodes"]:
            lines.append(f"{seen.label}: axe {v['id']}: {' '.join(map(str, node['target']))}: "
                         f"{(node.get('any') or [{}])[0].get('message', v['help'])}")
    return lines


def foreign_request_problems(seen: Visit, origin: str) -> list[str]:
    return [f"{seen.label}: third-party-request: {url} (nothing may leave {origin})"
            for url in seen.requests if not is_local(url, origin)]


def console_problems(seen: Visit) -> list[str]:
    return [f"{seen.label}: console-error: {text}" for text in seen.console_errors]


def csp_problems(seen: Visit) -> list[str]:
    return [f"{seen.label}: csp-violation: {text}" for text in dict.fromkeys(seen.csp_violations)]


def horizontal_scroll_problems(seen: Visit) -> list[str]:
    if seen.scroll_width <= seen.inner_width:
        return []
    return [f"{seen.label}: horizontal-scroll: the page is {seen.scroll_width}px wide "
            f"in a {seen.inner_width}px viewport"]


def _box_problems(seen: Visit, box: dict | None, rule: str, what: str) -> list[str]:
    if box is None:
        return [f"{seen.label}: {rule}: the {what} is not on the page"]
    problems = []
    if not box.get("visible", True) or box["hidden"] or box["width"] < 1 or box["height"] < 1:
        problems.append(f"{seen.label}: {rule}: the {what} is on the page but not visible")
    elif not box["uncovered"]:
        problems.append(f"{seen.label}: {rule}: the {what} is covered by another element")
    if box["x"] < 0 or box["x"] + box["width"] > seen.inner_width + 1:
        problems.append(f"{seen.label}: {rule}: the {what} runs off the screen sideways "
                        f"(x {box['x']:.0f} to {box['x'] + box['width']:.0f}, viewport {seen.inner_width}px)")
    return problems


def disclaimer_problems(seen: Visit) -> list[str]:
    return _box_problems(seen, seen.disclaimer, "disclaimer-visible", "medical disclaimer")


def affiliate_notice_problems(seen: Visit) -> list[str]:
    if not seen.affiliate_links:
        return []
    problems = _box_problems(seen, seen.affiliate_notice, "affiliate-notice-visible", "affiliate notice")
    if seen.affiliate_notice is not None:
        first = min(seen.affiliate_links, key=lambda a: a["y"])
        bottom = seen.affiliate_notice["y"] + seen.affiliate_notice["height"]
        if bottom > first["y"]:
            problems.append(f"{seen.label}: affiliate-notice-first: the notice ends at y={bottom:.0f}, "
                            f"below the first affiliate link {first['href']} at y={first['y']:.0f}")
    return problems


# --- keyboard -------------------------------------------------------------------------------------

# Number every element a reader can Tab to and can see; describe each for messages.
MARK_FOCUSABLE = """
() => {
  const selector = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, iframe,'
    + ' [contenteditable=""], [contenteditable="true"], [tabindex]';
  const found = [...document.querySelectorAll(selector)].filter((el) =>
    !el.disabled && el.tabIndex >= 0 && el.checkVisibility({visibilityProperty: true, opacityProperty: true}));
  return found.map((el, i) => {
    el.dataset.kbd = i;
    const text = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('href') || '').trim();
    return `<${el.tagName.toLowerCase()}> "${text.replace(/\\s+/g, ' ').slice(0, 40)}"`;
  });
}
"""

FOCUS_STYLE = """
(el) => {
  const s = getComputedStyle(el);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor, s.color,
          s.borderTopColor, s.borderBottomColor, s.borderBottomWidth, s.textDecorationLine].join('|');
}
"""

ACTIVE = """
() => {
  const focusStyle = """ + FOCUS_STYLE.strip() + """;
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  return {index: el.dataset.kbd ?? null, style: focusStyle(el), tag: el.tagName.toLowerCase(), id: el.id,
          href: el.getAttribute('href'), inMain: !!el.closest('main'),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1
                   && !/rgba\\(.*, 0\\)$/.test(s.outlineColor),
          onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
                    && r.top < innerHeight && r.left < innerWidth};
}
"""

RESTING_STYLES = """
() => {
  const focusStyle = """ + FOCUS_STYLE.strip() + """;
  return [...document.querySelectorAll('[data-kbd]')].map(focusStyle);
}
"""

# Record what every focus lands on, as it happens, so a walk costs one key press per element.
RECORD_FOCUS = """
() => {
  const describe = """ + ACTIVE.strip() + """;
  window.__focusWalk = [];
  document.addEventListener('focusin', () => window.__focusWalk.push(describe()));
}
"""


def skip_link_problems(context, url: str, label: str) -> list[str]:
    """From the top of the page, the first Tab lands on a visible skip link that moves focus to <main>."""
    page = context.new_page()
    try:
        page.goto(url)
        page.keyboard.press("Tab")
        first = page.evaluate(ACTIVE)
        main_id = page.evaluate("document.querySelector('main')?.id ?? null")
        if first is None or first["tag"] != "a" or not main_id or first["href"] != f"#{main_id}":
            return [f"{label}: skip-link-first: the first Tab focused {first}, not a link to #{main_id}"]
        problems = []
        if not first["onScreen"]:
            problems.append(f"{label}: skip-link-visible: the focused skip link is not on screen")
        page.keyboard.press("Enter")
        after = page.evaluate(ACTIVE)
        if after is None or not (after["id"] == main_id or after["inMain"]):
            problems.append(f"{label}: skip-link-target: after the skip link, focus is on {after}, not in <main>")
        return problems
    finally:
        page.close()


def _wrapped(walked: list) -> bool:
    """Focus has left the document or come round again: the walk is complete."""
    indexes = [step["index"] for step in walked if step is not None and step["index"] is not None]
    return bool(walked) and (walked[-1] is None or len(indexes) != len(set(indexes)))


def tab_walk_problems(context, url: str, label: str) -> list[str]:
    """Tab through the whole page: every visible interactive element is reached and shows focus."""
    page = context.new_page()
    try:
        page.goto(url)
        names = page.evaluate(MARK_FOCUSABLE)
        page.evaluate(RECORD_FOCUS)
        presses, walked = len(names) + 3, []
        while presses and not _wrapped(walked):  # scripts may add controls (search filters) while we walk
            for _ in range(presses):
                page.keyboard.press("Tab")
            walked = page.evaluate("window.__focusWalk")
            presses = 10 if len(walked) < 3 * len(names) + 30 else 0
        page.evaluate("document.activeElement && document.activeElement.blur()")
        resting = page.evaluate(RESTING_STYLES)
        reached = {int(step["index"]): step for step in walked if step["index"] is not None}
        problems = []
        missed = [names[i] for i in range(len(names)) if i not in reached]
        if missed:
            problems.append(f"{label}: keyboard-reachable: {len(missed)} element(s) never focused by Tab: "
                            + ", ".join(missed[:8]))
        for index, step in sorted(reached.items()):
            if not step["outline"] and step["style"] == resting[index]:
                problems.append(f"{label}: focus-visible: {names[index]} looks the same focused and not")
        return problems
    finally:
        page.close()
