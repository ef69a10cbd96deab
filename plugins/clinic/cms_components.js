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
})();
