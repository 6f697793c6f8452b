// One reply as the agent-stream client sees it: it fills in as its frames arrive (text, reasoning, tool calls and
// their results), and hands each of them on as an event that a caller can iterate (`for await`) or subscribe to
// (`on`). No socket and no DOM: agent-stream-client.js feeds it the frames of its reply, in seq order, each once.

import { analyzeTiming } from "./timing.js";

/**
 * @typedef {import("./timing.js").ChunkTiming} ChunkTiming
 * @typedef {import("./timing.js").ReplyTiming} ReplyTiming
 * @typedef {"streaming" | "complete" | "cancelled" | "failed" | "interrupted"} ReplyStatus
 *
 * @typedef {object} Usage what the model reported for the whole reply (any field may be missing)
 * @property {string} [model]
 * @property {number} [inputTokens]
 * @property {number} [outputTokens]
 * @property {string} [finishReason]
 *
 * @typedef {object} ToolCall a call of a tool as far as it came
 * @property {string} callId
 * @property {string} tool
 * @property {string} arguments        the argumentsDelta so far, joined (JSON once complete)
 * @property {"running" | "ok" | "error"} status  running until its tool_result
 * @property {string | null} result
 * @property {number | null} durationMs
 *
 * @typedef {{type: "text", text: string} | {type: "reasoning", text: string}
 *   | {type: "tool_call", callId: string, tool: string, arguments: string}
 *   | {type: "tool_result", callId: string, status: "ok" | "error", result: string, durationMs: number}} Part
 *   a piece of a reply in order, consecutive deltas of a kind (and of one call) joined: the shape of a stored
 *   message's `parts` in the history frame, so that a stored reply and a live one are shown alike
 *
 * @typedef {{type: "text", seq: number, delta: string, replayed: boolean}
 *   | {type: "reasoning", seq: number, delta: string, replayed: boolean}
 *   | {type: "tool_call", seq: number, callId: string, tool: string, argumentsDelta: string, call: ToolCall,
 *      replayed: boolean}
 *   | {type: "tool_result", seq: number, callId: string, tool: string, status: "ok" | "error", result: string,
 *      durationMs: number, call: ToolCall, replayed: boolean}
 *   | {type: "end", status: ReplyStatus, usage: Usage | null, firstChunkMs: number | null}} ReplyEvent
 *   replayed: the server sent the frame again after a resume (never a second time to this Reply)
 */

/** The kinds of a reply's frames, by the frame's type: each has a seq in the reply's one sequence. */
export const SEQUENCED = { chunk: "text", reasoning: "reasoning", tool_call: "tool_call", tool_result: "tool_result" };

const now = () => performance.timeOrigin + performance.now();

export class Reply {
  /**
   * @param {string} id client id of the message (or regenerate) this reply answers
   * @param {string} agent @param {string} content the user's message
   * @param {string | null} [conversationId] the conversation the message was sent to (null: a new one)
   */
  constructor(id, agent, content, conversationId = null) {
    /** The client id of the message this reply answers (its replyTo). */
    this.id = id;
    this.agent = agent;
    this.content = content;
    /** @type {string | null} the conversation asked for; from stream_start on, the server's (a new one's id) */
    this.conversationId = conversationId;
    /** @type {string | null} the server's id of the reply, known from stream_start on */
    this.messageId = null;
    /** @type {string | null} the server's id of the user's message, from stream_start (null for a regenerate) */
    this.userMessageId = null;
    /** @type {string | null} an edit: the server id of the user message this one replaces */
    this.replaces = null;
    /** @type {string | null} a regenerate: the server id of the reply this one replaces */
    this.regenerates = null;
    /** @type {ReplyStatus | "pending"} */
    this.status = "pending";
    this.text = "";
    this.reasoning = "";
    /** @type {Map<string, ToolCall>} by callId, in the order they started */
    this.toolCalls = new Map();
    /** @type {Part[]} */
    this.parts = [];
    /** @type {Usage | null} from stream_end, when the server knows it */
    this.usage = null;
    /** @type {number | null} from stream_end: ms from the message's arrival at the server to the first frame */
    this.firstChunkMs = null;
    /**
     * Every frame of the reply's sequence, of any kind, with its timing (delta: the text it adds to `text`, "" for
     * other kinds): the timing is over all of them, as the server paces them all alike.
     * @type {(ChunkTiming & {type: string})[]}
     */
    this.chunks = [];
    /** The highest seq received (-1: none): a resume asks for the frames after it, and a frame up to it is dropped. */
    this.lastSeq = -1;
    /** True from the moment a resume for this reply is sent until the first frame about it arrives. */
    this.resuming = false;
    /** @type {import("./agent-stream-client.js").ErrorFrame[]} */
    this.errors = [];
    /** @type {ReplyEvent[]} every event so far, in order; an iteration starts from the first */
    this.events = [];
    /** Time the message was sent, epoch ms. */
    this.sentAt = now();
    /** @type {Promise<Reply>} settles when the reply ends, however it ends */
    this.done = new Promise((resolve) => { this._resolve = resolve; });
    /** @type {Map<string, Set<function(ReplyEvent): void>>} */
    this._listeners = new Map();
    /** Iterations waiting for the next event. */
    this._wakers = [];
    // the client's bookkeeping: a cancel asked for while it could not be sent (sent once the reply streams on an
    // open connection); the connection (client's count) the reply streams on, and the id of the resume that moved it
    this._cancelWhenStarted = false;
    this._connection = 0;
    this._resumeId = null;
  }

  /** Send gaps against receive gaps of this reply's frames. @returns {ReplyTiming} */
  timing() {
    return analyzeTiming(this.chunks);
  }

  get ended() {
    return this.status !== "pending" && this.status !== "streaming";
  }

  /**
   * Calls the listener with each event of this type from now on ("text", "reasoning", "tool_call", "tool_result",
   * "end"; "*": every event). @returns {function(): void} that unsubscribes it
   */
  on(type, listener) {
    if (!this._listeners.has(type)) this._listeners.set(type, new Set());
    this._listeners.get(type).add(listener);
    return () => this._listeners.get(type).delete(listener);
  }

  /**
   * The reply's events from its first, then each as it comes, until its "end" event (the last one).
   * @returns {AsyncGenerator<ReplyEvent>}
   */
  async* [Symbol.asyncIterator]() {
    let next = 0;
    for (;;) {
      while (next < this.events.length) yield this.events[next++];
      if (this.ended) return;
      await new Promise((resolve) => this._wakers.push(resolve));
    }
  }

  /**
   * Takes a frame of the reply's sequence (chunk, reasoning, tool_call, tool_result), new to it (the caller checks
   * seq); returns its event, emitted already.
   * @param {object} frame @param {number} receivedAt @param {number} connection @returns {ReplyEvent}
   */
  _take(frame, receivedAt, connection) {
    const type = SEQUENCED[frame.type];
    const seq = frame.seq;
    const replayed = frame.replayed === true;
    const delta = type === "text" || type === "reasoning" ? String(frame.delta ?? "") : "";
    this.lastSeq = seq;
    this.chunks.push({ seq, type, delta: type === "text" ? delta : "", sentAt: Number(frame.sentAt), receivedAt,
      replayed, connection });
    let event;
    if (type === "text") {
      this.text += delta;
      event = { type, seq, delta, replayed };
      this._addPart({ type, text: delta });
    } else if (type === "reasoning") {
      this.reasoning += delta;
      event = { type, seq, delta, replayed };
      this._addPart({ type, text: delta });
    } else if (type === "tool_call") {
      const call = this._call(String(frame.callId), frame.tool);
      const argumentsDelta = String(frame.argumentsDelta ?? "");
      call.arguments += argumentsDelta;
      event = { type, seq, callId: call.callId, tool: call.tool, argumentsDelta, call, replayed };
      this._addPart({ type, callId: call.callId, tool: call.tool, arguments: argumentsDelta });
    } else {
      const call = this._call(String(frame.callId), null);
      call.status = frame.status === "ok" ? "ok" : "error";
      call.result = String(frame.result ?? "");
      call.durationMs = Number(frame.durationMs);
      event = { type, seq, callId: call.callId, tool: call.tool, status: call.status, result: call.result,
        durationMs: call.durationMs, call, replayed };
      this._addPart({ type, callId: call.callId, status: call.status, result: call.result,
        durationMs: call.durationMs });
    }
    this._push(event);
    return event;
  }

  /** Ends the reply (once): its status, its stream_end's usage and firstChunkMs, the "end" event, done. */
  _finish(status, frame) {
    if (this.ended) return;
    this.status = status;
    this.resuming = false;
    if (frame && frame.type === "stream_end") {
      this.usage = frame.usage ?? null;
      this.firstChunkMs = frame.firstChunkMs ?? null;
    }
    this._push({ type: "end", status, usage: this.usage, firstChunkMs: this.firstChunkMs });
    this._resolve(this);
  }

  _call(callId, tool) {
    let call = this.toolCalls.get(callId);
    if (!call) {
      call = { callId, tool: String(tool ?? ""), arguments: "", status: "running", result: null, durationMs: null };
      this.toolCalls.set(callId, call);
    }
    return call;
  }

  /** Adds a part, joined to the last one when it is of the same kind (and call). */
  _addPart(part) {
    const last = this.parts[this.parts.length - 1];
    if (last && last.type === part.type && (part.type === "text" || part.type === "reasoning")) {
      last.text += part.text;
    } else if (last && last.type === "tool_call" && part.type === "tool_call" && last.callId === part.callId) {
      last.arguments += part.arguments;
    } else {
      this.parts.push({ ...part });
    }
  }

  _push(event) {
    this.events.push(event);
    this._wakers.splice(0).forEach((wake) => wake());
    for (const type of [event.type, "*"]) {
      for (const listener of [...(this._listeners.get(type) ?? [])]) {
        try {
          listener(event);
        } catch (failure) {
          // a listener's bug is its own: reported like an uncaught error, the others and the client go on
          setTimeout(() => { throw failure; });
        }
      }
    }
  }
}

/**
 * The parts of a stored message (history): its own `parts` when the server sent them (a reply with anything but
 * text), else its content as one text part.
 * @param {{content: string, parts?: Part[]}} message @returns {Part[]}
 */
export function partsOf(message) {
  if (Array.isArray(message.parts) && message.parts.length > 0) return message.parts;
  return message.content ? [{ type: "text", text: message.content }] : [];
}
