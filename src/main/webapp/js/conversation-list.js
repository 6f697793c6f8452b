// The sidebar of the chat page: this browser's conversations, newest first, each with a button that opens it and
// one that deletes it; the current one is marked (aria-current).

import { element } from "./element.js";

export class ConversationList {
  /**
   * @param {Document} page holds #conversations (the list) and #conversations-note
   * @param {{open: function(string): void, remove: function(string): void}} actions what an item's buttons do with
   *   its conversationId
   */
  constructor(page, actions) {
    this._list = page.getElementById("conversations");
    this._note = page.getElementById("conversations-note");
    this._actions = actions;
  }

  /** @param {import("./agent-stream-client.js").ConversationInfo[]} conversations newest first */
  show(conversations) {
    this._note.textContent = "";
    this._list.replaceChildren(...conversations.map((conversation) => this._item(conversation)));
  }

  /** Says that the server keeps no conversations (it refused to list them). */
  showNoneKept() {
    this._note.textContent = "This server keeps no conversations.";
  }

  /** Marks the conversation on screen (null: a new one, none marked). @param {string | null} id */
  markCurrent(id) {
    for (const item of this._list.querySelectorAll("li")) {
      if (item.dataset.conversationId === id) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
    }
  }

  /** @param {import("./agent-stream-client.js").ConversationInfo} conversation */
  _item({ conversationId: id, title, updatedAt }) {
    const item = element("li", "conversation-item");
    item.dataset.conversationId = id;
    const open = element("button", "open");
    open.type = "button";
    open.title = title;   // the whole title, where the sidebar cuts it
    const time = element("time", "", shortTime(updatedAt));
    time.dateTime = new Date(updatedAt).toISOString();
    time.title = new Date(updatedAt).toLocaleString();
    open.append(element("span", "title", title), time);
    open.addEventListener("click", () => this._actions.open(id));
    const remove = element("button", "delete", "×");
    remove.type = "button";
    remove.title = "Delete this conversation";
    remove.setAttribute("aria-label", `Delete the conversation “${title}”`);
    remove.addEventListener("click", () => this._actions.remove(id));
    item.append(open, remove);
    return item;
  }
}

/** "just now", "5 min ago", "3 h ago", then the date. */
function shortTime(epochMs) {
  const minutes = Math.floor((Date.now() - epochMs) / 60000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return new Date(epochMs).toLocaleDateString(undefined, { month: "short", day: "numeric" });
}
