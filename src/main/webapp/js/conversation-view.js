// The conversation on screen: the user's messages (with Edit), the agents' replies as they stream (with their
// status, tool calls, reasoning, usage, and Regenerate on the last one), the stored messages of a conversation loaded
// from history, shown the same way, and errors. The user's texts go in as text; an agent's reply text is shown as
// Markdown, sanitised (markdown.js), parsed again at most once an animation frame as it streams; the rest of a reply
// as text (reply-parts.js).

import { partsOf } from "./agent-stream-client.js";
import { element } from "./element.js";
import { showMarkdown } from "./markdown.js";
import { partsView, showPart, usageText } from "./reply-parts.js";

/** @typedef {import("./agent-stream-client.js").Reply} Reply */

const STATUS_TEXT = {
  pending: "waiting…",
  streaming: "streaming…",
  complete: "",
  cancelled: "stopped",
  failed: "failed",
  interrupted: "interrupted: the connection dropped",
};
/** While a streaming reply waits for its connection to come back, and for the server to resume it. */
const RECONNECTING_TEXT = "reconnecting…";
const RESUMING_TEXT = "resuming…";
const MOVED_TEXT = "moved: it goes on in another tab or window";
/** A reply's text is shown at the next animation frame, or after this long where there are none (a hidden tab). */
const NO_FRAME_MS = 250;

/**
 * What the user asked for with a message's button: Edit on a user message (its server id, text and item), Regenerate
 * on the last reply (its server id, agent, the user message it answered, and its item).
 * @typedef {object} MessageActions
 * @property {function({messageId: string, content: string, item: HTMLElement}): void} edit
 * @property {function({messageId: string, agent: string, content: string, item: HTMLElement}): void} regenerate
 */

export class ConversationView {
  /**
   * @param {Document} page holds #conversation (the messages) and #errors (those that belong to no reply)
   * @param {import("./agent-stream-client.js").AgentStreamClient} client whose state tells whether a streaming reply
   *   waits for its connection
   * @param {MessageActions} actions
   */
  constructor(page, client, actions) {
    this._list = page.getElementById("conversation");
    this._errors = page.getElementById("errors");
    this._client = client;
    /** client message id -> the view of a reply shown here (see agentMessage) */
    this._replies = new Map();
    /** client message id -> the item of the user message it answers, which learns its server id at stream_start */
    this._asked = new Map();
    /** The views of replies whose text grew since they were last shown, and the frame (or timer) that shows them. */
    this._stale = new Set();
    this._frame = 0;
    this._timer = 0;
    this._list.addEventListener("click", (event) => this._clicked(event.target.closest("button[data-action]"),
      actions));
  }

  /** Empties the view, for another conversation. */
  clear() {
    this._stale.clear();
    this._cancelShowing();
    this._replies.clear();
    this._asked.clear();
    this._list.replaceChildren();
    this._errors.replaceChildren();
  }

  clearErrors() {
    this._errors.replaceChildren();
  }

  /** Whether the reply is shown in this view (sent or resumed here, and the view not cleared since). */
  shows(reply) {
    return this._replies.has(reply.id);
  }

  /** Adds a message the user sent, which a reply answers. @param {string} content @param {Reply} reply */
  addUserMessage(content, reply) {
    const item = userMessage(content, null);
    this._list.append(item);
    this._asked.set(reply.id, item);
  }

  /**
   * Adds a reply, empty: it fills in as it streams (the view subscribes to the reply's events), in place of the
   * item given (a reply it regenerates), or else at the end.
   * @param {Reply} reply @param {HTMLElement} [replacing]
   */
  addReply(reply, replacing) {
    const view = agentMessage(reply.agent);
    if (replacing) {
      this._forget([replacing]);
      replacing.replaceWith(view.item);
    } else {
      this._list.append(view.item);
    }
    this._replies.set(reply.id, view);
    reply.on("*", (event) => this._addEvent(reply, event));
    this.showStatus(reply);
  }

  /** Removes a message and every later one (a user message being edited, and what followed it). */
  removeFrom(item) {
    const gone = [];
    for (let next = item; next; next = next.nextElementSibling) gone.push(next);
    this._forget(gone);
    gone.forEach((node) => node.remove());
  }

  _forget(items) {
    for (const [id, view] of this._replies) {
      if (items.includes(view.item)) {
        this._replies.delete(id);
        this._stale.delete(view);
      }
    }
    for (const [id, item] of this._asked) if (items.includes(item)) this._asked.delete(id);
  }

  /** While a reply streams, no message offers Edit or Regenerate. */
  setBusy(busy) {
    this._list.toggleAttribute("data-busy", busy);
  }

  /**
   * Shows an event of a reply, if shown; a reply that was waiting to be resumed streams again. Its text is shown at
   * the next animation frame with whatever else came by then, so a long reply is parsed once a frame, not once a
   * chunk; a tool call, its result and reasoning at once.
   * @param {Reply} reply @param {import("./agent-stream-client.js").ReplyEvent} event
   */
  _addEvent(reply, event) {
    const view = this._replies.get(reply.id);
    if (!view || event.type === "end") return;
    if (view.item.hasAttribute("data-resuming")) this.showStatus(reply);
    const part = event.type === "tool_call"
      ? { type: "tool_call", callId: event.callId, tool: event.tool, arguments: event.argumentsDelta }
      : event.type === "text" || event.type === "reasoning" ? { type: event.type, text: event.delta } : event;
    const text = showPart(view.parts, part);
    if (text === "") {
      if (event.type !== "text") this.scrollToEnd();
      return;
    }
    view.source += text;
    this._stale.add(view);
    if (this._frame === 0) {
      const show = () => this._showStale();
      this._frame = requestAnimationFrame(show);
      this._timer = setTimeout(show, NO_FRAME_MS);
    }
  }

  /** Shows the text that grew since it was last shown, and the end of the conversation. */
  _showStale() {
    this._cancelShowing();
    for (const view of this._stale) showMarkdown(view.text, view.source);
    this._stale.clear();
    this.scrollToEnd();
  }

  _cancelShowing() {
    cancelAnimationFrame(this._frame);
    clearTimeout(this._timer);
    this._frame = 0;
    this._timer = 0;
  }

  /**
   * Shows a reply's status; a streaming reply whose connection dropped stays "streaming" (its text goes on once it
   * is resumed) and says that it waits.
   * @param {Reply} reply
   */
  showStatus(reply) {
    const view = this._replies.get(reply.id);
    if (!view) return;
    if (this._stale.has(view)) this._showStale();   // a reply that ended shows all its text with its status
    setStatus(view, reply.status);
    if (reply.messageId) view.item.dataset.messageId = reply.messageId;
    const asked = this._asked.get(reply.id);
    if (asked && reply.userMessageId) asked.dataset.messageId = reply.userMessageId;
    if (reply.ended) setUsage(view, reply.usage, reply.firstChunkMs);
    const waiting = reply.status === "streaming" && (this._client.state !== "open" || reply.resuming);
    view.item.toggleAttribute("data-resuming", waiting);
    if (waiting) view.status.textContent = reply.resuming ? RESUMING_TEXT : RECONNECTING_TEXT;
    if (reply.status === "interrupted" && reply.errors.some((error) => error.code === "resumed_elsewhere")) {
      view.status.textContent = MOVED_TEXT;
    }
  }

  /** Shows an error under the reply it belongs to, when shown here, or else above the form. */
  showError(text, reply) {
    const view = reply && this._replies.get(reply.id);
    if (view) {
      view.errors.append(element("p", "error", text));
    } else {
      this._errors.append(element("p", "", text));
    }
    this.scrollToEnd();
  }

  /**
   * Shows a conversation's stored messages, before any message sent while they loaded.
   * @param {import("./agent-stream-client.js").ConversationHistory} history
   * @param {string | null} leftOut the messageId of a reply shown streaming (resumed after a reload), not stored
   */
  showHistory(history, leftOut) {
    const items = history.messages
      .filter((message) => leftOut === null || message.messageId !== leftOut)
      .map(storedMessage);
    if (history.olderLeftOut > 0) {
      items.unshift(element("li", "note", `${history.olderLeftOut} earlier messages are not shown.`));
    }
    this._list.prepend(...items);
    this.scrollToEnd();
  }

  scrollToEnd() {
    this._list.scrollTop = this._list.scrollHeight;
  }

  /** Edit or Regenerate was clicked: what it acts on goes to the page. */
  _clicked(button, actions) {
    const item = button && button.closest(".message");
    if (!item || !item.dataset.messageId || this._list.hasAttribute("data-busy")) return;
    const { messageId } = item.dataset;
    if (button.dataset.action === "edit") {
      actions.edit({ messageId, content: item.querySelector(".text").textContent, item });
    } else if (button.dataset.action === "regenerate") {
      const asked = item.previousElementSibling;
      const content = asked && asked.matches(".message.user") ? asked.querySelector(".text").textContent : "";
      actions.regenerate({ messageId, agent: item.dataset.agent, content, item });
    }
  }
}

/** A user's message; its server id (data-message-id) is what Edit replaces, so Edit shows once it is known. */
function userMessage(content, messageId) {
  const item = element("li", "message user");
  const meta = element("div", "meta");
  meta.append(element("span", "who", "You"), actionButton("edit", "Edit"));
  item.append(meta, element("div", "text", content));
  if (messageId) item.dataset.messageId = messageId;
  return item;
}

function agentMessage(agent) {
  const item = element("li", "message agent");
  item.dataset.agent = agent;
  const meta = element("div", "meta");
  const status = element("span", "status");
  const usage = element("span", "usage", "usage");
  usage.hidden = true;
  meta.append(element("span", "who", agent), status, usage, actionButton("regenerate", "Regenerate"));
  const parts = partsView();
  const text = element("div", "text");
  const errors = element("div", "errors-of-reply");
  item.append(meta, parts.tools, text, parts.reasoning, errors);
  return { item, text, source: "", status, usage, parts, errors };
}

function actionButton(action, label) {
  const button = element("button", `action ${action}`, label);
  button.type = "button";
  button.dataset.action = action;
  return button;
}

/**
 * A stored message, shown as a live one is: a reply's parts one by one (text as Markdown, once), its usage.
 * @param {import("./agent-stream-client.js").StoredMessage} message
 */
function storedMessage(message) {
  if (message.role === "user") return userMessage(message.content, message.messageId);
  const view = agentMessage(message.agent);
  for (const part of partsOf(message)) view.source += showPart(view.parts, part);
  showMarkdown(view.text, view.source);
  setStatus(view, message.status);
  if (message.messageId) view.item.dataset.messageId = message.messageId;
  setUsage(view, message.usage, null);
  return view.item;
}

/** The reply's usage, shown on hovering the word "usage" in its header (its title), when anything is known. */
function setUsage(view, usage, firstChunkMs) {
  const text = usageText(usage, firstChunkMs);
  view.usage.hidden = text === null;
  if (text !== null) view.usage.title = text;
}

function setStatus(view, status) {
  view.item.dataset.status = status;
  view.status.textContent = STATUS_TEXT[status] ?? status;
}
