// The chat page: the user's conversations in a sidebar and the current one, built on agent-stream-client.js.
// Every text from a user or an agent goes into the page as text (textContent / Text nodes), never as HTML.

import { closedText, followSignIn, signedIn } from "./account.js";
import { AgentStreamClient } from "./agent-stream-client.js";
import { element } from "./element.js";
import { TimingView } from "./timing-view.js";

const $ = (id) => document.getElementById(id);
/** localStorage key of the current conversation's id, so that a reload shows it again. */
const STORED_CONVERSATION = "agentstream.conversationId";
/** sessionStorage key of the reply streaming in this tab, so that a reload resumes it (see resumeAfterReload). */
const STREAMING_REPLY = "agentstream.streamingReply";

/** The page's client, exported for the browser console and the browser tests (no global):
 *  `(await import("./js/chat-page.js")).client` in the page yields this instance, with every reply's timing. */
export const client = new AgentStreamClient();
/** @type {import("./agent-stream-client.js").Reply | null} */
let current = null;
/** The timing panel: it shows the last reply that ended. */
const timing = new TimingView(document);
const views = new Map(); // client message id -> {item, textNode, status, errors}, replies shown in the current view
/** @type {string | null} the conversation on screen; null: a new one, which the next message starts */
let conversationId = localStorage.getItem(STORED_CONVERSATION);
/** @type {string | null} a conversation whose stored messages are still to be shown (after a reload or a drop) */
let historyToLoad = conversationId;
/** @type {string | null} the messageId of a reply resumed after a reload: shown streaming, so not from history */
let resumedMessageId = null;

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

function scrollToEnd() {
  const list = $("conversation");
  list.scrollTop = list.scrollHeight;
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
  const textNode = document.createTextNode("");
  text.append(textNode);
  const errors = element("div", "errors-of-reply");
  item.append(meta, text, errors);
  return { item, textNode, status, errors };
}

function addAgentMessage(reply) {
  const view = agentMessage(reply.agent);
  $("conversation").append(view.item);
  views.set(reply.id, view);
  showStatus(reply);
}

/** @param {import("./agent-stream-client.js").StoredMessage} message */
function storedMessage(message) {
  if (message.role === "user") return userMessage(message.content);
  const view = agentMessage(message.agent);
  view.textNode.data = message.content;
  setStatus(view, message.status);
  return view.item;
}

/**
 * Shows a reply's status; a streaming reply whose connection dropped stays "streaming" (its text goes on once it is
 * resumed) and says that it waits.
 */
function showStatus(reply) {
  const view = views.get(reply.id);
  if (!view) return;
  setStatus(view, reply.status);
  const waiting = reply.status === "streaming" && (client.state !== "open" || reply.resuming);
  view.item.toggleAttribute("data-resuming", waiting);
  if (waiting) view.status.textContent = reply.resuming ? RESUMING_TEXT : RECONNECTING_TEXT;
  if (reply.status === "interrupted" && reply.errors.some((error) => error.code === "resumed_elsewhere")) {
    view.status.textContent = MOVED_TEXT;
  }
}

function setStatus(view, status) {
  view.item.dataset.status = status;
  view.status.textContent = STATUS_TEXT[status] ?? status;
}

function showError(text, reply) {
  const view = reply && views.get(reply.id);
  if (view) {
    view.errors.append(element("p", "error", text));
  } else {
    $("errors").append(element("p", "", text));
  }
  scrollToEnd();
}

function streaming(reply) {
  current = reply;
  $("send").disabled = true;
  $("stop").hidden = false;
  $("stop").disabled = false;
}

function idle() {
  current = null;
  $("stop").hidden = true;
  $("send").disabled = client.state !== "open";
}

// --- connection state

client.addEventListener("state", ({ detail }) => {
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
    client.listAgents().catch(() => {});
    $("errors").replaceChildren();
    refreshConversations();
    if (historyToLoad) loadHistory(historyToLoad);
  }
  $("send").disabled = detail.state !== "open" || current !== null;
  if (detail.state !== "open") {
    // once open, each reply says "resuming…" when its resume goes out
    for (const reply of client.pending.values()) showStatus(reply);
  }
});

// --- agents

client.addEventListener("agents", ({ detail }) => {
  const picker = $("agent");
  const chosen = picker.value || "echo";
  picker.replaceChildren(...detail.agents.map((agent) => {
    const option = element("option", "", agent.name);
    option.value = agent.name;
    return option;
  }));
  if (detail.agents.some((agent) => agent.name === chosen)) picker.value = chosen;
  describeAgent();
});

function describeAgent() {
  const agent = client.agents.find((a) => a.name === $("agent").value);
  $("agent-description").textContent = agent ? agent.description : "";
}
$("agent").addEventListener("change", describeAgent);

// --- replies

client.addEventListener("stream_start", ({ detail: { reply } }) => {
  showStatus(reply);
  if (!views.has(reply.id)) return;
  if (conversationId === null) {
    setConversation(reply.conversationId);   // the first message of a new conversation: the server named it
    refreshConversations();
  }
  rememberStreaming(reply);
});

client.addEventListener("resume", ({ detail }) => showStatus(detail.reply));

client.addEventListener("chunk", ({ detail }) => {
  const view = views.get(detail.reply.id);
  if (!view) return;
  if (view.item.hasAttribute("data-resuming")) showStatus(detail.reply);   // resumed: streaming again
  view.textNode.appendData(detail.chunk.delta);
  scrollToEnd();
});

client.addEventListener("stream_end", ({ detail }) => {
  forgetStreaming(detail.reply);
  showStatus(detail.reply);
  if (detail.reply === current) idle();
  timing.show(detail.reply);
  refreshConversations();
});

client.addEventListener("error", ({ detail }) => {
  const { frame, reply } = detail;
  const retry = frame.retryAfterMs ? ` (try again in ${(frame.retryAfterMs / 1000).toFixed(1)} s)` : "";
  showError(`${frame.code}: ${frame.message}${retry}`, reply);
  if (frame.code === "unknown_conversation" && reply && views.has(reply.id)) {
    setConversation(null);   // deleted meanwhile (another tab): the next message starts a new conversation
    refreshConversations();
  }
});

// --- conversations

/** Makes a conversation the current one (null: a new one) and remembers it for the next page load. */
function setConversation(id) {
  conversationId = id;
  if (id) localStorage.setItem(STORED_CONVERSATION, id);
  else localStorage.removeItem(STORED_CONVERSATION);
  for (const item of $("conversations").querySelectorAll("li")) {
    if (item.dataset.conversationId === id) item.setAttribute("aria-current", "true");
    else item.removeAttribute("aria-current");
  }
}

/** Shows a conversation: its stored messages once the server sends them, or an empty view for a new one (null). */
function showConversation(id) {
  setConversation(id);
  views.clear();
  $("conversation").replaceChildren();
  $("errors").replaceChildren();
  historyToLoad = id;
  if (id) loadHistory(id);
}

async function loadHistory(id) {
  let history;
  try {
    history = await client.history(id);
  } catch (failure) {
    if (conversationId !== id) return;
    if (failure.code) historyToLoad = null;   // refused; without a code the connection was lost: loaded on reopen
    if (failure.code === "unknown_conversation") showConversation(null);   // deleted, or another browser's
    else if (failure.code) showError(`Could not load the conversation: ${failure.message}`, null);
    return;
  }
  if (conversationId !== id || historyToLoad !== id) return;   // the user moved on, or it is shown already
  historyToLoad = null;
  const items = history.messages
    .filter((message) => resumedMessageId === null || message.messageId !== resumedMessageId)
    .map(storedMessage);
  if (history.olderLeftOut > 0) {
    items.unshift(element("li", "note", `${history.olderLeftOut} earlier messages are not shown.`));
  }
  $("conversation").prepend(...items);   // before any message sent while it loaded
  scrollToEnd();
}

async function refreshConversations() {
  let conversations;
  try {
    conversations = await client.listConversations();
  } catch (failure) {
    // a lost connection lists them again when it reopens; a refusal: this server keeps no conversations
    if (failure.code) $("conversations-note").textContent = "This server keeps no conversations.";
    return;
  }
  $("conversations-note").textContent = "";
  $("conversations").replaceChildren(...conversations.map(conversationItem));
  setConversation(conversationId);
}

/** @param {import("./agent-stream-client.js").ConversationInfo} conversation */
function conversationItem({ conversationId: id, title, updatedAt }) {
  const item = element("li", "conversation-item");
  item.dataset.conversationId = id;
  const open = element("button", "open");
  open.type = "button";
  open.title = title;   // the whole title, where the sidebar cuts it
  const time = element("time", "", shortTime(updatedAt));
  time.dateTime = new Date(updatedAt).toISOString();
  time.title = new Date(updatedAt).toLocaleString();
  open.append(element("span", "title", title), time);
  open.addEventListener("click", () => showConversation(id));
  const remove = element("button", "delete", "×");
  remove.type = "button";
  remove.title = "Delete this conversation";
  remove.setAttribute("aria-label", `Delete the conversation “${title}”`);
  remove.addEventListener("click", () => deleteConversation(id));
  item.append(open, remove);
  return item;
}

async function deleteConversation(id) {
  try {
    await client.deleteConversation(id);
  } catch (failure) {
    if (failure.code !== "unknown_conversation") {   // that one is gone already: it leaves the list all the same
      showError(`Could not delete the conversation: ${failure.message}`, null);
      return;
    }
  }
  if (id === conversationId) showConversation(null);
  refreshConversations();
}

/** "just now", "5 min ago", "3 h ago", then the date. */
function shortTime(epochMs) {
  const minutes = Math.floor((Date.now() - epochMs) / 60000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return new Date(epochMs).toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

// --- a reply streaming through a reload

/**
 * Remembers, for this tab only, the reply streaming into the conversation on screen: a reload (which drops the
 * connection, so the server keeps the reply for its resume window) takes it up again with resumeAfterReload.
 */
function rememberStreaming(reply) {
  const { id, messageId, agent, content } = reply;
  sessionStorage.setItem(STREAMING_REPLY, JSON.stringify({ id, messageId, agent, content,
    conversationId: reply.conversationId }));
}

function forgetStreaming(reply) {
  const saved = savedStreaming();
  if (saved && saved.messageId === reply.messageId) sessionStorage.removeItem(STREAMING_REPLY);
}

function savedStreaming() {
  try {
    return JSON.parse(sessionStorage.getItem(STREAMING_REPLY));
  } catch {
    return null;
  }
}

/**
 * Shows again the reply that was streaming when this tab reloaded, from its first chunk (the server replays what it
 * sent before), after the conversation's stored messages, and goes on with it as with any streaming reply.
 */
function resumeAfterReload() {
  const saved = savedStreaming();
  sessionStorage.removeItem(STREAMING_REPLY);
  if (!saved || !saved.messageId || saved.conversationId !== conversationId) return;
  const reply = client.resume(saved);
  resumedMessageId = reply.messageId;
  addAgentMessage(reply);
  streaming(reply);
  rememberStreaming(reply);
}

$("new-conversation").addEventListener("click", () => {
  showConversation(null);
  $("content").focus();
});

// --- the form

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const content = $("content").value;
  const agent = $("agent").value;
  if (!content.trim() || !agent || current) return;
  let reply;
  try {
    reply = client.send(agent, content, { conversationId });
  } catch (failure) {
    showError(failure.message, null);
    return;
  }
  $("conversation").append(userMessage(content));
  addAgentMessage(reply);
  streaming(reply);
  scrollToEnd();
});

$("content").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});

$("stop").addEventListener("click", () => {
  if (!current) return;
  $("stop").disabled = true;
  try {
    client.cancel(current);
  } catch (failure) {
    showError(failure.message, current);
  }
});

// --- start

/**
 * Asks who is signed in (see account.js): with nobody signed in where the server requires it, the page goes to the
 * sign-in form; otherwise it shows the user, takes up a reply that streamed through a reload, and connects.
 */
async function start() {
  followSignIn(client);
  const account = await signedIn($("account"));
  if (!account) return;
  if (account.chat === false) {
    // signed in without the role chat-user: the handshake would be refused (403) again and again
    const line = $("connection");
    line.dataset.state = "closed";
    line.textContent = `${account.user} may not chat (role chat-user)`;
    return;
  }
  resumeAfterReload();
  client.connect();
}

start();
