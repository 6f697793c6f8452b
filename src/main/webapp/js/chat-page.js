// The chat page: the user's conversations in a sidebar and the current one, built on agent-stream-client.js. This
// module composes the page's parts (the conversation on screen, the sidebar, the timing panel, the account) and holds
// what the page is doing: which conversation it shows and which reply streams into it.

import { closedText, followSignIn, signedIn } from "./account.js";
import { AgentStreamClient } from "./agent-stream-client.js";
import { ConversationList } from "./conversation-list.js";
import { ConversationView } from "./conversation-view.js";
import { element } from "./element.js";
import { forgetStreaming, rememberStreaming, takeStreaming } from "./saved-reply.js";
import { TimingView } from "./timing-view.js";

/** @typedef {import("./agent-stream-client.js").Reply} Reply */

/** localStorage key of the current conversation's id, so that a reload shows it again. */
const STORED_CONVERSATION = "agentstream.conversationId";

const $ = (id) => document.getElementById(id);

class ChatPage {
  /** @param {AgentStreamClient} client */
  constructor(client) {
    this.client = client;
    this.messages = new ConversationView(document, client, {
      edit: (message) => this.edit(message),
      regenerate: (reply) => this.regenerate(reply),
    });
    this.conversations = new ConversationList(document, {
      open: (id) => this.showConversation(id),
      remove: (id) => this.deleteConversation(id),
    });
    this.timing = new TimingView(document);
    /** @type {Reply | null} the reply sent from the form (or resumed after a reload) while it streams */
    this.current = null;
    /** @type {string | null} the conversation on screen; null: a new one, which the next message starts */
    this.conversationId = localStorage.getItem(STORED_CONVERSATION);
    /** @type {string | null} a conversation whose stored messages are still to be shown (after a reload or a drop) */
    this.historyToLoad = this.conversationId;
    /** @type {string | null} the messageId of a reply resumed after a reload: shown streaming, so not from history */
    this.resumedMessageId = null;
    /** @type {{messageId: string, item: HTMLElement} | null} the user message being edited: the next one replaces it */
    this.editing = null;
  }

  /**
   * Asks who is signed in (see account.js): with nobody signed in where the server requires it, the page goes to the
   * sign-in form; otherwise it shows the user, takes up a reply that streamed through a reload, and connects.
   */
  async start() {
    this.listen();
    followSignIn(this.client);
    const account = await signedIn($("account"));
    if (!account) return;
    if (account.chat === false) {
      // signed in without the role chat-user: the handshake would be refused (403) again and again
      const line = $("connection");
      line.dataset.state = "closed";
      line.textContent = `${account.user} may not chat (role chat-user)`;
      return;
    }
    this.resumeAfterReload();
    this.client.connect();
  }

  listen() {
    const on = (type, handle) => this.client.addEventListener(type, ({ detail }) => handle(detail));
    on("state", (detail) => this.connectionChanged(detail));
    on("agents", ({ agents }) => this.showAgents(agents));
    on("stream_start", ({ reply }) => this.replyStarted(reply));
    on("resume", ({ reply }) => this.messages.showStatus(reply));
    on("stream_end", ({ reply }) => this.replyEnded(reply));
    on("error", ({ frame, reply }) => this.errorCame(frame, reply));
    $("agent").addEventListener("change", () => this.describeAgent());
    $("new-conversation").addEventListener("click", () => {
      this.showConversation(null);
      $("content").focus();
    });
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    $("content").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        $("composer").requestSubmit();
      }
    });
    $("stop").addEventListener("click", () => this.stop());
    $("cancel-edit").addEventListener("click", () => this.stopEditing());
  }

  // --- connection state and agents

  connectionChanged(detail) {
    const line = $("connection");
    line.dataset.state = detail.state;
    line.textContent = {
      connecting: detail.attempt > 0 ? `Reconnecting (attempt ${detail.attempt})…` : "Connecting…",
      open: "Connected",
      reconnecting: `Connection lost; reconnecting in ${(detail.retryInMs / 1000).toFixed(1)} s`,
      closed: closedText(detail.reason) ?? "Disconnected",
    }[detail.state];
    if (detail.state === "open") {
      // the list arrives as the "agents" event; a connection that drops first rejects this request, and reconnects
      this.client.listAgents().catch(() => {});
      this.messages.clearErrors();
      this.refreshConversations();
      if (this.historyToLoad) this.loadHistory(this.historyToLoad);
    }
    $("send").disabled = detail.state !== "open" || this.current !== null;
    if (detail.state !== "open") {
      // once open, each reply says "resuming…" when its resume goes out
      for (const reply of this.client.pending.values()) this.messages.showStatus(reply);
    }
  }

  showAgents(agents) {
    const picker = $("agent");
    const chosen = picker.value || "echo";
    picker.replaceChildren(...agents.map((agent) => {
      const option = element("option", "", agent.name);
      option.value = agent.name;
      return option;
    }));
    if (agents.some((agent) => agent.name === chosen)) picker.value = chosen;
    this.describeAgent();
  }

  describeAgent() {
    const agent = this.client.agents.find((a) => a.name === $("agent").value);
    $("agent-description").textContent = agent ? agent.description : "";
  }

  // --- replies

  /** Sends the message in the box; while editing, in place of the message edited and everything after it. */
  send() {
    const content = $("content").value;
    const agent = $("agent").value;
    if (!content.trim() || !agent || this.current) return;
    const edited = this.editing;
    let reply;
    try {
      reply = this.client.send(agent, content, { conversationId: this.conversationId,
        replaces: edited ? edited.messageId : null });
    } catch (failure) {
      this.messages.showError(failure.message, null);
      return;
    }
    if (edited) {
      this.messages.removeFrom(edited.item);
      this.stopEditing();
    }
    this.messages.addUserMessage(content, reply);
    this.messages.addReply(reply);
    this.streaming(reply);
    this.messages.scrollToEnd();
  }

  /** Edit on a user message: its text goes into the box, and the next message sent replaces it. */
  edit({ messageId, content, item }) {
    if (this.current) return;
    this.stopEditing();   // another message was being edited: this one is now
    this.editing = { messageId, item };
    item.toggleAttribute("data-editing", true);
    $("content").value = content;
    $("editing").hidden = false;
    $("content").focus();
  }

  stopEditing() {
    if (this.editing) this.editing.item.removeAttribute("data-editing");
    this.editing = null;
    $("editing").hidden = true;
  }

  /** Regenerate on the last reply: a new reply streams in its place. */
  regenerate({ messageId, agent, content, item }) {
    if (this.current) return;
    let reply;
    try {
      reply = this.client.regenerate(messageId, { agent, content, conversationId: this.conversationId });
    } catch (failure) {
      this.messages.showError(failure.message, null);
      return;
    }
    this.stopEditing();
    this.messages.addReply(reply, item);
    this.streaming(reply);
  }

  stop() {
    if (!this.current) return;
    $("stop").disabled = true;
    try {
      this.client.cancel(this.current);
    } catch (failure) {
      this.messages.showError(failure.message, this.current);
    }
  }

  /** @param {Reply} reply */
  replyStarted(reply) {
    this.messages.showStatus(reply);
    if (!this.messages.shows(reply)) return;
    if (this.conversationId === null) {
      this.setConversation(reply.conversationId);   // the first message of a new conversation: the server named it
      this.refreshConversations();
    }
    rememberStreaming(reply);
  }

  /** @param {Reply} reply */
  replyEnded(reply) {
    forgetStreaming(reply);
    this.messages.showStatus(reply);
    if (reply === this.current) this.idle();
    this.timing.show(reply);
    this.refreshConversations();
    const refused = (reply.replaces || reply.regenerates) && !reply.messageId;
    if (refused && this.conversationId && this.messages.shows(reply)) {
      // nothing was replaced: the conversation is shown again as the server keeps it, with the reason
      const reason = reply.errors.map((error) => `${error.code}: ${error.message}`).join("; ");
      this.showConversation(this.conversationId);
      if (reason) this.messages.showError(reason, null);
    }
  }

  errorCame(frame, reply) {
    const retry = frame.retryAfterMs ? ` (try again in ${(frame.retryAfterMs / 1000).toFixed(1)} s)` : "";
    this.messages.showError(`${frame.code}: ${frame.message}${retry}`, reply);
    if (frame.code === "unknown_conversation" && reply && this.messages.shows(reply)) {
      this.setConversation(null);   // deleted meanwhile (another tab): the next message starts a new conversation
      this.refreshConversations();
    }
  }

  /** The form waits for this reply: Send is off and Stop offered until it ends. @param {Reply} reply */
  streaming(reply) {
    this.current = reply;
    this.messages.setBusy(true);
    $("send").disabled = true;
    $("stop").hidden = false;
    $("stop").disabled = false;
  }

  idle() {
    this.current = null;
    this.messages.setBusy(false);
    $("stop").hidden = true;
    $("send").disabled = this.client.state !== "open";
  }

  /**
   * Shows again the reply that was streaming when this tab reloaded (see saved-reply.js), from its first chunk (the
   * server replays what it sent before), after the conversation's stored messages, and goes on with it as with any
   * streaming reply.
   */
  resumeAfterReload() {
    const saved = takeStreaming();
    if (!saved || !saved.messageId || saved.conversationId !== this.conversationId) return;
    const reply = this.client.resume(saved);
    this.resumedMessageId = reply.messageId;
    this.messages.addReply(reply);
    this.streaming(reply);
    rememberStreaming(reply);
  }

  // --- conversations

  /** Makes a conversation the current one (null: a new one) and remembers it for the next page load. */
  setConversation(id) {
    this.conversationId = id;
    if (id) localStorage.setItem(STORED_CONVERSATION, id);
    else localStorage.removeItem(STORED_CONVERSATION);
    this.conversations.markCurrent(id);
  }

  /** Shows a conversation: its stored messages once the server sends them, or an empty view for a new one (null). */
  showConversation(id) {
    this.stopEditing();
    this.setConversation(id);
    this.messages.clear();
    this.historyToLoad = id;
    if (id) this.loadHistory(id);
  }

  async loadHistory(id) {
    let history;
    try {
      history = await this.client.history(id);
    } catch (failure) {
      if (this.conversationId !== id) return;
      // refused; without a code the connection was lost, and it is loaded when the connection opens again
      if (failure.code) this.historyToLoad = null;
      if (failure.code === "unknown_conversation") this.showConversation(null);   // deleted, or another browser's
      else if (failure.code) this.messages.showError(`Could not load the conversation: ${failure.message}`, null);
      return;
    }
    if (this.conversationId !== id || this.historyToLoad !== id) return;   // the user moved on, or it is shown already
    this.historyToLoad = null;
    this.messages.showHistory(history, this.resumedMessageId);
  }

  async refreshConversations() {
    let conversations;
    try {
      conversations = await this.client.listConversations();
    } catch (failure) {
      // a lost connection lists them again when it reopens; a refusal: this server keeps no conversations
      if (failure.code) this.conversations.showNoneKept();
      return;
    }
    this.conversations.show(conversations);
    this.setConversation(this.conversationId);
  }

  async deleteConversation(id) {
    try {
      await this.client.deleteConversation(id);
    } catch (failure) {
      if (failure.code !== "unknown_conversation") {   // that one is gone already: it leaves the list all the same
        this.messages.showError(`Could not delete the conversation: ${failure.message}`, null);
        return;
      }
    }
    if (id === this.conversationId) this.showConversation(null);
    this.refreshConversations();
  }
}

/** The page's client, exported for the browser console and the browser tests (no global):
 *  `(await import("./js/chat-page.js")).client` in the page yields this instance, with every reply's timing. */
export const client = new AgentStreamClient();

new ChatPage(client).start();
