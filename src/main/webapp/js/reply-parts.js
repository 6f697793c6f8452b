// What an agent's reply shows besides its text: each tool call (its name, its arguments as they stream, then its
// result with status and duration, collapsible), its reasoning (collapsed), and its usage (on hover). A live reply and
// a stored one go through the same function, part by part (the parts of reply.js and of the history frame). All of it
// is untrusted (a model chose the tool's arguments, a tool made the result) and goes in as text, never as HTML.

import { element } from "./element.js";

/** @typedef {import("./reply.js").Part} Part @typedef {import("./reply.js").Usage} Usage */

/**
 * The elements of a reply's parts other than its text, inside the reply's item: `tools` above the text, and the
 * reasoning (hidden until there is some) below it.
 * @typedef {object} PartsView
 * @property {HTMLElement} tools
 * @property {HTMLDetailsElement} reasoning
 * @property {HTMLElement} reasoningText
 * @property {Map<string, ToolCallView>} calls by callId
 *
 * @typedef {{item: HTMLDetailsElement, state: HTMLElement, arguments: HTMLElement, result: HTMLElement}} ToolCallView
 */

/** @returns {PartsView} */
export function partsView() {
  const reasoning = element("details", "reasoning");
  reasoning.hidden = true;
  const reasoningText = element("div", "reasoning-text");
  reasoning.append(element("summary", "", "Reasoning"), reasoningText);
  return { tools: element("div", "tools"), reasoning, reasoningText, calls: new Map() };
}

/**
 * Shows a part, after those shown already; returns the text a text part adds (the caller shows text as Markdown),
 * "" for any other.
 * @param {PartsView} view @param {Part} part @returns {string}
 */
export function showPart(view, part) {
  switch (part.type) {
    case "text":
      return String(part.text ?? "");
    case "reasoning":
      view.reasoning.hidden = false;
      view.reasoningText.append(String(part.text ?? ""));
      break;
    case "tool_call":
      toolCall(view, part.callId, part.tool).arguments.append(String(part.arguments ?? ""));
      break;
    case "tool_result":
      showResult(toolCall(view, part.callId, null), part);
      break;
    default:
      break;   // a kind this page does not know yet
  }
  return "";
}

/** The view of a call, made (open, running) at its first part. @returns {ToolCallView} */
function toolCall(view, callId, tool) {
  const id = String(callId);
  let call = view.calls.get(id);
  if (!call) {
    const item = element("details", "tool-call");
    item.dataset.status = "running";
    item.open = true;
    const state = element("span", "tool-state", "running…");
    const summary = element("summary");
    summary.append(element("span", "tool-label", "Tool"), element("span", "tool-name", String(tool ?? "")), state);
    const args = element("pre", "tool-arguments");
    const result = element("pre", "tool-result");
    const resultLabel = element("div", "tool-section", "Result");
    resultLabel.hidden = true;
    result.hidden = true;
    item.append(summary, element("div", "tool-section", "Arguments"), args, resultLabel, result);
    call = { item, state, arguments: args, result };
    view.calls.set(id, call);
    view.tools.append(item);
  }
  return call;
}

/** A call's result: its status and duration in the summary, the result below; the call folds up. */
function showResult(call, { status, result, durationMs }) {
  const ok = status === "ok";
  call.item.dataset.status = ok ? "ok" : "error";
  call.state.textContent = Number.isFinite(Number(durationMs)) ? `${ok ? "ok" : "error"} · ${Number(durationMs)} ms`
    : (ok ? "ok" : "error");
  call.result.textContent = String(result ?? "");
  call.result.hidden = false;
  call.result.previousElementSibling.hidden = false;
  call.item.open = false;
}

/**
 * The line shown on hovering a reply: its model, tokens in and out, finish reason, and how long its first frame
 * took; null when nothing is known.
 * @param {Usage | null | undefined} usage @param {number | null | undefined} firstChunkMs @returns {string | null}
 */
export function usageText(usage, firstChunkMs) {
  const lines = [];
  if (usage && usage.model) lines.push(`model: ${usage.model}`);
  if (usage && (usage.inputTokens != null || usage.outputTokens != null)) {
    lines.push(`tokens: ${usage.inputTokens ?? "?"} in, ${usage.outputTokens ?? "?"} out`);
  }
  if (usage && usage.finishReason) lines.push(`finish reason: ${usage.finishReason}`);
  if (firstChunkMs != null) lines.push(`first chunk after ${Math.round(Number(firstChunkMs))} ms`);
  return lines.length > 0 ? lines.join("\n") : null;
}
