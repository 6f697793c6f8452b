// agent-stream JavaScript client: a plain ES module (no build step) for the chat WebSocket, wire protocol v1.
// It connects, reconnects with exponential backoff and resumes the replies a drop cut off, turns server frames into
// events and replies (reply.js: a reply's text, reasoning, tool calls, usage, as events to iterate or subscribe to),
// and stamps every frame of a reply with its receive time next to the server's send time, so a page can tell a
// real-time reply from a batched one (the statistics are in timing.js; this module exports them too).

import { Reply } from "./reply.js";
import { analyzeTiming } from "./timing.js";

export { BATCHED_GAP_MS, analyzeTiming, percentile } from "./timing.js";
export { Reply, partsOf } from "./reply.js";

/**
 * @typedef {{name: string, description: string}} AgentInfo
 * @typedef {{conversationId: string, title: string, updatedAt: number, messages: number}} ConversationInfo
 *   title: the first user message (at most 80 characters); updatedAt: epoch ms; messages: stored user + agent messages
 *
 * @typedef {object} StoredMessage
 * @property {"user" | "assistant"} role
 * @property {string} agent
 * @property {string} content
 * @property {"complete" | "cancelled" | "failed" | "interrupted"} status
 * @property {string | null} messageId  the server's id of the message (a user message's: what an edit replaces)
 * @property {number} createdAt         epoch ms
 * @property {number} chunks
 * @property {import("./reply.js").Part[]} [parts] a reply's text, reasoning, tool calls and results in order, when
 *                                     it had anything but text (partsOf gives the parts of any message)
 * @property {import("./reply.js").Usage} [usage] a reply's usage, when the server knows it
 *
 * @typedef {object} ConversationHistory
 * @property {string} conversationId
 * @property {StoredMessage[]} messages oldest first: the newest ones, at most the server's
 *                                     agentstream.history.max-returned
 * @property {number} olderLeftOut      older messages left out
 *
 * @typedef {"connecting" | "open" | "reconnecting" | "closed"} ConnectionState
 * @typedef {import("./reply.js").ReplyStatus} ReplyStatus
 * @typedef {import("./reply.js").ReplyEvent} ReplyEvent
 *
 * @typedef {object} ErrorFrame
 * @property {"error"} type
 * @property {string | null} replyTo
 * @property {string} [messageId]
 * @property {"bad_frame" | "unknown_agent" | "unknown_message" | "unknown_conversation" | "too_large"
 *   | "agent_failed" | "busy"
 *   | "model_unavailable" | "model_auth" | "model_rate_limited" | "model_timeout"
 *   | "reply_timeout" | "internal_error" | "already_streaming" | "resumed_elsewhere" | "rate_limited"
 *   | "not_last_reply"} code
 *   unknown_message answering a resume: the server no longer has the reply; already_streaming: a resume named a
 *   reply this connection streams already; resumed_elsewhere: another connection of the same owner resumed it;
 *   not_last_reply: a regenerate named a reply that is not the last of its conversation
 * @property {string} message
 * @property {number} [retryAfterMs]
 *
 * @typedef {object} PendingRequest a request waiting for its answer
 * @property {string} id                 the frame's id, which an error frame refusing it names as replyTo
 * @property {string} answer             the type of the frame that answers it
 * @property {string} [conversationId]   the conversation the answer must name, when the request names one
 * @property {function(*): void} resolve
 * @property {function(Error): void} reject
 */

/**
 * The chat URL of the application that serves this module, ws(s)://host/<context>/chat: the module lives at
 * <context>/js/, so this holds for any page of the application and for pages elsewhere that import it from there.
 * @param {string} [moduleUrl] @returns {string}
 */
export function defaultChatUrl(moduleUrl = import.meta.url) {
  const url = new URL("../chat", moduleUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * A connection to the chat endpoint. Events (all CustomEvent, data in `detail`):
 * - `state`        {state, previous, attempt, retryInMs?, code?, reason?}: connecting, open, reconnecting, closed
 * - `agents`       {agents}
 * - `stream_start` {reply, frame}
 * - `chunk`        {reply, chunk, frame}  a text chunk; chunk.replayed: sent again after a resume. A frame of any kind
 *                   whose seq the reply has already is dropped, never delivered twice.
 * - `reasoning`, `tool_call`, `tool_result` {reply, event, frame}  the other frames of a reply's sequence, as the
 *                   reply's own events (see reply.js; the reply emits the text chunks too, as "text")
 * - `resume`       {reply, afterSeq}  the connection is open again and the client asked the server for the rest of a
 *                   reply that was streaming when the last one dropped; reply.resuming until a frame about it comes
 * - `stream_end`   {reply, frame}  the server's stream_end; or, with status "interrupted", the error frame that ended
 *                   a resumed reply, or null when the reply could not be resumed (see below)
 * - `timing_recorded` {frame}  the server's answer to this client's timing report of a reply: timing_recorded
 *                   (frame.batched: its verdict) or the error frame that refused it; reports go after each
 *                   stream_end of a reply with two live chunks or more, while reportTiming is on
 * - `error`        {reply, frame}  an error frame; reply is null when it answers no message of this client.
 *                   An error frame refusing a request (listAgents, listConversations, history, deleteConversation)
 *                   rejects that request's promise instead.
 *
 * A reply that is streaming when the connection drops stays "streaming": once a new connection opens, the client
 * sends `resume` with the last seq it has, and the server sends the frames missed meanwhile (replayed), then the rest
 * as they come, then its stream_end ("interrupted" only when the server says so: nobody resumed it in time). It ends
 * "interrupted" with the error frame when the server answers the resume with `unknown_message` (it no longer has the
 * reply) or sends `resumed_elsewhere` (another connection of the same owner, another tab say, took it over and gets
 * the rest). A reply whose stream_start has not come yet cannot be resumed (its server id is unknown): it ends
 * "interrupted" at the drop, with frame null; so does every reply when the connection drops with reconnect off, or on
 * close(). A cancel asked for while the connection is down is sent once the resumed reply streams again.
 *
 * Requests are answered in the order they were sent, per answer type (and per conversation for history and
 * deleteConversation); an error frame names the request it refuses by the request's id (replyTo). Every request
 * still waiting when the connection drops or the client closes is rejected.
 */
/**
 * Closes (code 1008, these reasons) after which reconnecting would only be refused again or start a tug of war: the
 * user signed out, nobody is signed in while the server requires it, or the user opened more connections than one
 * may and this was their oldest.
 */
const FINAL_CLOSE_REASONS = new Set(["signed_out", "sign_in_required", "too_many_connections"]);

/** A timing report's spans are at most a day (the server refuses more). */
const MAX_SPAN_MS = 86400000;

export class AgentStreamClient extends EventTarget {
  /**
   * @param {object} [options]
   * @param {string} [options.url] chat WebSocket URL; defaults to /chat of the application serving this module
   * @param {number} [options.initialDelayMs=500] first reconnect delay
   * @param {number} [options.maxDelayMs=15000] the delay doubles per failed attempt up to this
   * @param {boolean} [options.reconnect=true] reconnect after a dropped connection
   * @param {boolean} [options.reportTiming=true] at each reply's stream_end, tell the server how the reply arrived (a
   *   `timing` frame: its chunks, the gaps between them that arrived batched, the receive and send spans), so that
   *   operators see in the server's metrics whether their users get the stream in real time
   */
  constructor({
    url = defaultChatUrl(), initialDelayMs = 500, maxDelayMs = 15000, reconnect = true, reportTiming = true,
  } = {}) {
    super();
    this.url = url;
    this.reportTiming = reportTiming;
    this.initialDelayMs = initialDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.reconnect = reconnect;
    /** @type {ConnectionState} */
    this.state = "closed";
    /** @type {AgentInfo[]} the last agent list the server sent */
    this.agents = [];
    /** @type {Reply | null} the reply to the last message sent (or taken up with resume(), when none was) */
    this.lastReply = null;
    /** @type {Map<string, Reply>} replies not yet ended, by client id */
    this.pending = new Map();
    this._byMessageId = new Map();
    this._socket = null;
    this._attempt = 0;
    this._timer = null;
    this._counter = 0;
    /** Connections opened so far: the number of the one open now. */
    this._connection = 0;
    /** Ids of timing reports not answered yet: their answers are no reply's. */
    this._timingReports = new Set();
    /** @type {PendingRequest[]} in the order they were sent */
    this._requests = [];
    /** @type {{resolve: function(): void, reject: function(Error): void}[]} */
    this._openWaiters = [];
  }

  /**
   * Opens the connection (and keeps it open); resolves once it is open. While a failed attempt is retried it keeps
   * waiting; it rejects if the client is closed first (close(), or a drop with reconnect off).
   * @returns {Promise<void>}
   */
  connect() {
    const opened = this.state === "open" ? Promise.resolve()
      : new Promise((resolve, reject) => this._openWaiters.push({ resolve, reject }));
    if (this.state === "closed") {
      this._closing = false;
      this._attempt = 0;
      this._open();
    }
    return opened;
  }

  /**
   * Closes the connection for good: no reconnect. Replies still streaming end as interrupted, and the server stops
   * them (a normal close says the client is done with them).
   */
  close() {
    this._closing = true;
    clearTimeout(this._timer);
    this._timer = null;
    const socket = this._socket;
    this._socket = null;
    if (socket) socket.close(1000, "client closed");
    this._interrupt(true);
    this._failWaiters("client closed", true);
    this._setState("closed", {});
  }

  /**
   * Asks the server for its agents; resolves with the list, or rejects if the connection drops or is closed before
   * the answer. Throws when the connection is not open.
   * @returns {Promise<AgentInfo[]>}
   */
  listAgents() {
    return this._request({ type: "agents" }, "agents");
  }

  /**
   * Asks for the conversations of this browser's owner (the agentstream-owner cookie), newest first. Rejects as
   * listAgents does, and with an Error whose `code` is the error frame's when the server refuses (for instance
   * `unknown_conversation` when the server stores no history). Throws when the connection is not open.
   * @returns {Promise<ConversationInfo[]>}
   */
  listConversations() {
    return this._request({ type: "conversations" }, "conversations");
  }

  /**
   * Asks for the stored messages of a conversation, oldest first. Rejects with code `unknown_conversation` for one
   * that does not exist or is not this owner's, and as listAgents does. Throws when the connection is not open.
   * @param {string} conversationId @returns {Promise<ConversationHistory>}
   */
  history(conversationId) {
    return this._request({ type: "history", conversationId }, "history");
  }

  /**
   * Deletes a conversation; resolves once the server confirms (conversation_deleted). Rejects with code
   * `unknown_conversation` for one that does not exist (any more) or is not this owner's, and as listAgents does.
   * Throws when the connection is not open.
   * @param {string} conversationId @returns {Promise<void>}
   */
  deleteConversation(conversationId) {
    return this._request({ type: "delete_conversation", conversationId }, "conversation_deleted");
  }

  /**
   * Sends a message to an agent, into a conversation or (without conversationId) a new one, whose id the reply
   * learns from stream_start. With `replaces`, the server id of a user message of that conversation, it is an edit:
   * that message and every later one leave the conversation the agent sees. Throws when the connection is not open.
   * @param {string} agent @param {string} content
   * @param {{conversationId?: string | null, replaces?: string | null}} [options]
   * @returns {Reply} fills in as the reply streams: iterate it (`for await (const event of reply)`), subscribe to it
   *   (`reply.on("tool_call", …)`), or await reply.done for its end
   */
  send(agent, content, { conversationId, replaces } = {}) {
    const id = this._nextId("m");
    const frame = { type: "message", id, agent, content };
    if (conversationId) frame.conversationId = conversationId;
    if (replaces) frame.replaces = replaces;
    this._send(frame);
    const reply = this._started(new Reply(id, agent, content, conversationId || null));
    reply.replaces = replaces || null;
    return reply;
  }

  /**
   * Asks the agent for a new reply in place of its last one in the conversation (the server's messageId of that
   * reply); the new one streams like the answer to a message. Throws when the connection is not open.
   * @param {string} messageId
   * @param {{agent: string, conversationId?: string | null, content?: string}} about the reply replaced: its agent,
   *   conversation and the user message it answered (kept on the new Reply, as for a message sent)
   * @returns {Reply}
   */
  regenerate(messageId, { agent, conversationId = null, content = "" }) {
    const id = this._nextId("g");
    this._send({ type: "regenerate", id, messageId });
    const reply = this._started(new Reply(id, agent, content, conversationId));
    reply.regenerates = messageId;
    return reply;
  }

  _started(reply) {
    this.pending.set(reply.id, reply);
    this.lastReply = reply;
    return reply;
  }

  /**
   * Asks the server to stop a reply (a Reply or its messageId); it ends with status "cancelled". A Reply not started
   * yet, or whose connection dropped, is cancelled once it streams on the open connection (after its stream_start,
   * or the first frame that answers its resume). A messageId is sent at once; that throws when not connected.
   */
  cancel(reply) {
    if (typeof reply === "string") {
      this._send({ type: "cancel", messageId: reply });
    } else if (reply.ended) {
      // nothing left to stop
    } else if (reply.messageId && this.state === "open" && reply._connection === this._connection && !reply.resuming) {
      reply._cancelWhenStarted = false;
      this._send({ type: "cancel", messageId: reply.messageId });
    } else {
      reply._cancelWhenStarted = true;
    }
  }

  /**
   * Takes up a reply that another client streamed, such as this page before a reload: it is asked for from its first
   * chunk (afterSeq -1) once the connection is open, and fills in like any other. The server has it for the same
   * owner during its resume window and, once stored, from the conversation's history; otherwise it ends
   * "interrupted" with `unknown_message`. Resuming a reply this client has already returns that one.
   * @param {{id: string, messageId: string, agent: string, content: string, conversationId?: string | null}} saved
   *   id: the client id of the message it answers; content: that message
   * @returns {Reply}
   */
  resume({ id, messageId, agent, content, conversationId = null }) {
    const known = this._byMessageId.get(messageId);
    if (known) return known;
    const reply = new Reply(id, agent, content, conversationId);
    reply.messageId = messageId;
    reply.status = "streaming";
    this.pending.set(id, reply);
    this._byMessageId.set(messageId, reply);
    if (this.lastReply === null) this.lastReply = reply;
    if (this.state === "open") this._resume(reply);
    return reply;
  }

  _nextId(prefix) {
    return `${prefix}${Date.now().toString(36)}-${++this._counter}`;
  }

  /**
   * Sends a request with an id of its own; the promise settles with the value of its answer (see _answer), or
   * rejects when an error frame names the id, or when the connection is lost first. Throws when not connected.
   */
  _request(frame, answer) {
    const id = this._nextId("r");
    this._send({ ...frame, id });
    return new Promise((resolve, reject) => {
      this._requests.push({ id, answer, conversationId: frame.conversationId, resolve, reject });
    });
  }

  /** Resolves the oldest request that this frame answers (by type, and conversation if it names one). */
  _answer(frame, value) {
    const index = this._requests.findIndex((request) => request.answer === frame.type
      && (request.conversationId === undefined || request.conversationId === frame.conversationId));
    if (index >= 0) this._requests.splice(index, 1)[0].resolve(value);
  }

  /** Rejects the request an error frame names; false if it names none. */
  _refuse(frame) {
    const index = frame.replyTo ? this._requests.findIndex((request) => request.id === frame.replyTo) : -1;
    if (index < 0) return false;
    const failure = Object.assign(new Error(`${frame.code}: ${frame.message}`), { code: frame.code, frame });
    this._requests.splice(index, 1)[0].reject(failure);
    return true;
  }

  _send(frame) {
    if (this.state !== "open" || !this._socket) {
      throw new Error(`not connected (${this.state})`);
    }
    this._socket.send(JSON.stringify(frame));
  }

  _open() {
    this._setState("connecting", { attempt: this._attempt });
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (failure) {
      this._dropped(1006, String(failure));
      return;
    }
    this._socket = socket;
    socket.onopen = () => {
      if (socket !== this._socket) return;
      this._attempt = 0;
      this._connection++;
      this._setState("open", {});
      for (const reply of [...this._byMessageId.values()]) {
        if (socket === this._socket && reply._connection !== this._connection) this._resume(reply);
      }
      this._openWaiters.splice(0).forEach(({ resolve }) => resolve());
    };
    socket.onmessage = (event) => {
      const receivedAt = now();
      if (socket === this._socket) this._receive(event.data, receivedAt);
    };
    socket.onclose = (event) => {
      if (socket === this._socket) this._dropped(event.code, event.reason);
    };
  }

  _dropped(code, reason) {
    this._socket = null;
    const closed = this._closing || !this.reconnect || (code === 1008 && FINAL_CLOSE_REASONS.has(reason));
    this._interrupt(closed);
    this._failWaiters(`connection lost (${code}${reason ? `: ${reason}` : ""})`, closed);
    if (closed) {
      this._setState("closed", { code, reason });
      return;
    }
    const backoff = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** this._attempt);
    const retryInMs = Math.round(backoff / 2 + Math.random() * (backoff / 2));
    this._attempt++;
    this._setState("reconnecting", { attempt: this._attempt, retryInMs, code, reason });
    this._timer = setTimeout(() => {
      this._timer = null;
      if (!this._closing) this._open();
    }, retryInMs);
  }

  /** Rejects the requests waiting for an answer on the lost connection, and once closed, those waiting for open. */
  _failWaiters(message, closed) {
    const failure = new Error(message);
    this._requests.splice(0).forEach(({ reject }) => reject(failure));
    this._timingReports.clear();
    if (closed) this._openWaiters.splice(0).forEach(({ reject }) => reject(failure));
  }

  /**
   * Ends as interrupted, with no frame, the replies the lost connection takes with it: all of them when the client
   * is closed, else those not started (no messageId to resume them by). The others wait for the next connection.
   */
  _interrupt(all) {
    for (const reply of [...this.pending.values()]) {
      if (all || reply.status === "pending") this._end(reply, "interrupted", null);
      else reply.resuming = false;
    }
  }

  /** Asks the server, on the connection now open, for the frames of a reply after the last one received. */
  _resume(reply) {
    const afterSeq = reply.lastSeq;
    reply.resuming = true;
    reply._connection = this._connection;
    reply._resumeId = this._nextId("s");
    this._send({ type: "resume", id: reply._resumeId, messageId: reply.messageId, afterSeq });
    this._emit("resume", { reply, afterSeq });
  }

  /**
   * A frame answering a reply's resume came: it streams on this connection again; a cancel asked for meanwhile
   * goes.
   */
  _resumed(reply) {
    if (!reply.resuming) return;
    reply.resuming = false;
    if (reply._cancelWhenStarted) this.cancel(reply);
  }

  _receive(text, receivedAt) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    switch (frame.type) {
      case "agents":
        this.agents = frame.agents;
        this._answer(frame, frame.agents);
        this._emit("agents", { agents: frame.agents });
        break;
      case "conversations":
        this._answer(frame, frame.conversations);
        break;
      case "history":
        this._answer(frame, {
          conversationId: frame.conversationId, messages: frame.messages, olderLeftOut: frame.olderLeftOut ?? 0,
        });
        break;
      case "conversation_deleted":
        this._answer(frame, undefined);
        break;
      case "stream_start": {
        const reply = this.pending.get(frame.replyTo);
        if (!reply) return;
        reply.messageId = frame.messageId;
        if (frame.conversationId) reply.conversationId = frame.conversationId;
        if (frame.userMessageId) reply.userMessageId = frame.userMessageId;
        reply.status = "streaming";
        reply._connection = this._connection;
        this._byMessageId.set(frame.messageId, reply);
        this._emit("stream_start", { reply, frame });
        if (reply._cancelWhenStarted) this.cancel(reply);
        break;
      }
      case "chunk":
      case "reasoning":
      case "tool_call":
      case "tool_result": {
        const reply = this._byMessageId.get(frame.messageId);
        if (!reply) return;
        this._resumed(reply);
        if (!(frame.seq > reply.lastSeq)) return;   // this one came before the resume: never shown twice
        const event = reply._take(frame, receivedAt, this._connection);
        if (frame.type === "chunk") this._emit("chunk", { reply, chunk: reply.chunks[reply.chunks.length - 1], frame });
        else this._emit(frame.type, { reply, event, frame });
        break;
      }
      case "stream_end": {
        const reply = this._byMessageId.get(frame.messageId);
        if (reply) {
          this._end(reply, frame.status, frame);
          if (this.reportTiming) this._reportTiming(reply);
        }
        break;
      }
      case "timing_recorded":
        this._timingReports.delete(frame.replyTo);
        this._emit("timing_recorded", { frame });
        break;
      case "error": {
        if (this._refuse(frame)) break;
        if (this._timingReports.delete(frame.replyTo)) {
          this._emit("timing_recorded", { frame });   // a report not counted (rate_limited, say): no reply's error
          break;
        }
        const reply = (frame.messageId && this._byMessageId.get(frame.messageId))
          || (frame.replyTo && this.pending.get(frame.replyTo))
          // too_large names no message: the server answers frames in order, so it is the oldest not yet started
          || (!frame.replyTo && [...this.pending.values()].find((r) => r.status === "pending")) || null;
        if (reply) reply.errors.push(frame);
        this._emit("error", { reply, frame });
        if (!reply) break;
        const answersResume = reply._resumeId !== null && frame.replyTo === reply._resumeId;
        if (reply.status === "pending" && !frame.messageId) {
          this._end(reply, "failed", null);   // a refused message (unknown agent, busy, bad frame) never starts
        } else if (frame.code === "resumed_elsewhere" || (frame.code === "unknown_message" && answersResume)) {
          this._end(reply, "interrupted", frame);   // it goes on elsewhere, or the server no longer has it
        } else if (frame.code === "already_streaming" && answersResume) {
          this._resumed(reply);
        }
        break;
      }
      default:
        break;
    }
  }

  /**
   * Tells the server how a reply that ended here arrived: the `timing` frame of docs/protocol.md, over its live
   * frames of every kind (those the server sent again after a resume say nothing about real time), when it has two
   * or more. The answer (timing_recorded, or an error such as rate_limited) names the report's id and is only
   * emitted as an event.
   */
  _reportTiming(reply) {
    const live = reply.chunks.filter((chunk) => !chunk.replayed);
    if (live.length < 2) return;
    const timing = analyzeTiming(live);
    const ms = (value) => Math.min(MAX_SPAN_MS, Math.max(0, Math.round(value * 1000) / 1000));
    const id = this._nextId("t");
    this._timingReports.add(id);
    this._send({
      type: "timing", id, messageId: reply.messageId, chunks: timing.chunks, batched: timing.batchedGaps,
      receiveSpanMs: ms(timing.receiveSpanMs), sendSpanMs: ms(timing.sendSpanMs),
    });
  }

  _end(reply, status, frame) {
    if (reply.ended) return;
    this.pending.delete(reply.id);
    if (reply.messageId) this._byMessageId.delete(reply.messageId);
    reply._finish(status, frame);
    this._emit("stream_end", { reply, frame });
  }

  _setState(state, details) {
    const previous = this.state;
    this.state = state;
    this._emit("state", { state, previous, attempt: this._attempt, ...details });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
