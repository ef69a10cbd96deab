// Site search on /search/: Pagefind's index, queried in the reader's browser; nothing leaves the device.
// Without JavaScript the page says search needs it (<noscript>) and links to the archives and topics.
// The page renders the category filters itself, so nothing moves when this script starts.
// No inline script or style anywhere: the Content-Security-Policy forbids them.

const form = document.querySelector("[data-search-form]");
const input = document.querySelector("[data-search-input]");
const filterBox = document.querySelector("[data-search-filters]");
const status = document.querySelector("[data-search-status]");
const list = document.querySelector("[data-search-results]");
const browse = document.querySelector("[data-search-browse]");
const MAX_RESULTS = 20;

let latest = 0;

function chosenCategories() {
  return [...filterBox.querySelectorAll("input:checked")].map((box) => box.value);
}

// Pagefind's excerpt is HTML whose only elements are <mark>; copy its text and marks, never its markup.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html").body.firstChild;
  return [...parsed.childNodes].map((node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      return mark;
    }
    return document.createTextNode(node.textContent);
  });
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  item.append(heading);
  const category = data.filters && data.filters.category;
  if (category && category.length) {
    const label = document.createElement("p");
    label.className = "search-result-category";
    label.textContent = category.join(", ");
    item.append(label);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-result-excerpt";
  excerpt.append(...excerptNodes(data.excerpt));
  item.append(excerpt);
  return item;
}

function rememberInAddress(query, categories) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const name of categories) params.append("category", name);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

async function run(pagefind) {
  const runId = ++latest;
  const query = input.value.trim();
  const categories = chosenCategories();
  rememberInAddress(query, categories);
  if (!query) {
    list.replaceChildren();
    status.textContent = "";
    browse.hidden = false;
    return;
  }
  const options = categories.length ? { filters: { category: { any: categories } } } : {};
  const search = await pagefind.search(query, options);
  const shown = await Promise.all(search.results.slice(0, MAX_RESULTS).map((result) => result.data()));
  if (runId !== latest) return; // a newer query finished first
  list.replaceChildren(...shown.map(resultItem));
  const count = search.results.length;
  const noun = count === 1 ? "result" : "results";
  status.textContent = count ? `${count} ${noun} for “${query}”.` : `No results for “${query}”. Try another word.`;
  browse.hidden = count > 0;
}

function checkFilters(chosen) {
  for (const box of filterBox.querySelectorAll("input")) box.checked = chosen.includes(box.value);
}

async function start() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  const pagefind = await import(form.dataset.searchIndex);
  await pagefind.options({ excerptLength: 24 });
  await pagefind.init();
  checkFilters(params.getAll("category"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(pagefind);
  });
  input.addEventListener("input", () => run(pagefind));
  filterBox.addEventListener("change", () => run(pagefind));
  await run(pagefind);
}

start().catch(() => {
  browse.hidden = false;
  status.textContent = "Search could not load.";
});
