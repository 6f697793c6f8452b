// An agent's reply as the Markdown models write (lists, code blocks, tables), made into elements that can run
// nothing: marked parses it, with HTML in the reply shown as the text it is, and DOMPurify keeps only the formatting
// elements below, with no event handler, style, id or image, and links only to web, mail and relative addresses (no
// javascript: or data:). Both libraries are WebJars the build copies into js/vendor/ (pom.xml, page-libraries).

import { Marked } from "./vendor/marked.esm.js";
import createDOMPurify from "./vendor/purify.es.js";

const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    // a task list's box as a character: the sanitiser lets no form control through
    checkbox: ({ checked }) => (checked ? "☑ " : "☐ "),
    // HTML in a reply is shown as text: a reply's markup never becomes elements, not even in the sanitiser's inert
    // document, where Chromium reports its event handlers and styles to the page's policy as if they were to run
    html: ({ text, block }) => (block ? `<p>${escapeHtml(text.trim())}</p>` : escapeHtml(text)),
  },
});

const HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/** DOMPurify of this module's own, so its hook is on no other caller's sanitiser. */
const purify = createDOMPurify(window);

/**
 * What a reply may contain. No img (the page's policy loads images from its own origin only, and a reply's image
 * could only be a tracker or a broken one), no id or name (an element of a reply must not stand in for one of the
 * page's own in getElementById), no style or class (the page's look is its own).
 */
const ALLOWED = {
  ALLOWED_TAGS: ["p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s", "code",
    "pre", "kbd", "sub", "sup", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td"],
  ALLOWED_ATTR: ["href", "title", "align", "start", "colspan", "rowspan"],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};

// links open in a tab of their own, which gets no handle on this page (noopener) and no Referer (noreferrer)
purify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

/**
 * Shows Markdown in an element, in place of what it held.
 * @param {HTMLElement} target @param {string} text Markdown, possibly cut mid-way (a reply still streaming)
 */
export function showMarkdown(target, text) {
  const html = marked.parse(text).trim();   // no line break after the last block: textContent is the text shown
  target.replaceChildren(purify.sanitize(html, ALLOWED));
}
