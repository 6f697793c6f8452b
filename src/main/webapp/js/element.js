// Makes the chat page's HTML elements. A text goes in as text (textContent), never as HTML: every text from a user
// or an agent reaches the page through here, but for an agent's reply, which markdown.js shows sanitised.

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {string} [className] @param {string} [text] shown as text
 * @returns {HTMLElementTagNameMap[K]}
 */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
