// The conversation on screen: the user's messages, the agents' replies as they stream (with their status), the
// stored messages of a conversation loaded from history, and errors. The user's texts go in as text; an agent's
// reply is shown as Markdown, sanitised (markdown.js), parsed again at most once an animation frame as it streams.

import { element } from "./element.js";
import { showMarkdown } from "./markdown.js";

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

export class ConversationView {
  /**
   * @param {Document} page holds #conversation (the messages) and #errors (those that belong to no reply)
   * @param {import("./agent-stream-client.js").AgentStreamClient} client whose state tells whether a streaming reply
   *   waits for its connection
   */
  constructor(page, client) {
    this._list = page.getElementById("conversation");
    this._errors = page.getElementById("errors");
    this._client = client;
    /** client message id -> {item, text, source, status, errors}: the replies shown in this view */
    this._replies = new Map();
    /** The views of replies whose text grew since they were last shown, and the frame (or timer) that shows them. */
    this._stale = new Set();
    this._frame = 0;
    this._timer = 0;
  }

  /** Empties the view, for another conversation. */
  clear() {
    this._stale.clear();
    this._cancelShowing();
    this._replies.clear();
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

  /** Adds a message the user sent. @param {string} content */
  addUserMessage(content) {
    this._list.append(userMessage(content));
  }

  /** Adds a reply, empty: its text fills in as it streams. @param {Reply} reply */
  addReply(reply) {
    const view = agentMessage(reply.agent);
    this._list.append(view.item);
    this._replies.set(reply.id, view);
    this.showStatus(reply);
  }

  /**
   * Adds a chunk's text to its reply, if shown; a reply that was waiting to be resumed streams again. The text is
   * shown at the next animation frame with whatever else came by then, so a long reply is parsed once a frame, not
   * once a chunk.
   */
  addChunk(reply, delta) {
    const view = this._replies.get(reply.id);
    if (!view) return;
    if (view.item.hasAttribute("data-resuming")) this.showStatus(reply);
    view.source += delta;
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
}

function userMessage(content) {
  const item = element("li", "message user");
  item.append(element("div", "meta", "You"), element("div", "text", content));
  return item;
}

function agentMessage(agent) {
  const item = element("li", "message agent");
  const meta = element("div", "meta");
  const status = element("span", "status");
  meta.append(element("span", "who", agent), status);
  const text = element("div", "text");
  const errors = element("div", "errors-of-reply");
  item.append(meta, text, errors);
  return { item, text, source: "", status, errors };
}

/** @param {import("./agent-stream-client.js").StoredMessage} message */
function storedMessage(message) {
  if (message.role === "user") return userMessage(message.content);
  const view = agentMessage(message.agent);
  showMarkdown(view.text, message.content);
  setStatus(view, message.status);
  return view.item;
}

function setStatus(view, status) {
  view.item.dataset.status = status;
  view.status.textContent = STATUS_TEXT[status] ?? status;
}
