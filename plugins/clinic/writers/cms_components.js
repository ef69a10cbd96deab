// The clinic's additions to the editor at /admin/ (written into the output by cms_admin.py).
// Served from our origin under the editor's policy: no inline script, nothing from elsewhere.
(() => {
  const CMS = window.CMS;
  // The preview shows the article in the site's own stylesheet (its hashed URL, filled in at build time).
  CMS.registerPreviewStyle(__PREVIEW_STYLE__);

  // An image alone in its paragraph, as docs/writing.md (section 6) writes it: alt text required,
  // then "Caption | Credit" in the title, which the build turns into a figure.
  const FIGURE = /^!\[([^\]]*)\]\((\S+?)(?:\s+"([^"|]*?)(?:\s*\|\s*([^"]*?))?")?\)$/;
  const quote = (text) => String(text || "").replace(/"/g, "\u201d").trim();
  CMS.registerEditorComponent({
    id: "figure",
    label: "Figure (image with alt text and caption)",
    icon: "image",  // a Material Symbols name: without one the editor asks for the URL "undefined"
    fields: [
      { name: "image", label: "Image (saved to content/images/)", widget: "image", required: true },
      { name: "alt", label: "Alt text", widget: "string", required: true,
        hint: "Describe what the image shows, for someone who cannot see it." },
      { name: "caption", label: "Caption", widget: "string", required: false },
      { name: "credit", label: "Credit", widget: "string", required: false,
        hint: "For example: Illustration: the clinic" },
    ],
    pattern: FIGURE,
    fromBlock: (match) => ({ alt: match[1], image: match[2], caption: match[3] || "", credit: match[4] || "" }),
    toBlock: ({ image, alt, caption, credit }) => {
      const title = quote(caption) + (quote(credit) ? ` | ${quote(credit)}` : "");
      return `![${String(alt || "").replace(/[\[\]]/g, "").trim()}](${image}${title ? ` "${title}"` : ""})`;
    },
    toPreview: ({ image, alt }) => {
      if (!image) return "";  // the editor renders an empty one first: an <img src=undefined> is a 404
      const img = document.createElement("img");
      img.src = image;
      img.alt = alt || "";
      return img.outerHTML;
    },
  });

  // Editing a checkout with the live preview task running: after each save the build runs, and when it
  // fails, its problem lines are shown here, one per line, until a save fixes them (build-status.json).
  if (!["localhost", "127.0.0.1", "[::1]"].includes(location.hostname)) return;
  const banner = document.createElement("section");
  banner.setAttribute("role", "alert");
  banner.setAttribute("aria-label", "Build problems");
  Object.assign(banner.style, {
    position: "fixed", insetInline: "0", bottom: "0", zIndex: "10000", maxHeight: "40vh", overflow: "auto",
    margin: "0", padding: "0.75rem 1rem", background: "#fff4e5", color: "#4a2a00",
    borderTop: "3px solid #b35c00", font: "14px/1.45 system-ui, sans-serif",
  });
  let shown = "";
  const show = (status) => {
    const text = status && !status.ok ? status.problems.join("\n") : "";
    if (text === shown) return;
    shown = text;
    banner.replaceChildren();
    if (!text) return banner.remove();
    const heading = document.createElement("strong");
    heading.textContent = "The last save does not build, so the preview still shows the version before it. Fix:";
    const list = document.createElement("ul");
    for (const line of status.problems) {
      const item = document.createElement("li");
      item.textContent = line;
      list.append(item);
    }
    banner.append(heading, list);
    document.body.append(banner);
  };
  const poll = () => fetch("build-status.json", { cache: "no-store" })
    .then((response) => (response.ok ? response.json() : null)).then(show, () => {});
  poll();
  setInterval(poll, 2000);
})();
