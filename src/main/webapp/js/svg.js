// What the page's SVG charts share: making an SVG element with its attributes (and a text, as text), and a step
// between an axis's ticks that reads well.

const SVG = "http://www.w3.org/2000/svg";

/**
 * @param {Document} owner @param {string} tag @param {Object<string, string | number>} attributes
 * @param {string} [text] shown as text @returns {SVGElement}
 */
export function svgElement(owner, tag, attributes, text) {
  const node = owner.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The first of 1, 2, 5 times a power of ten at or above `rough`. @param {number} rough @returns {number} */
export function niceStep(rough) {
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough);
}
