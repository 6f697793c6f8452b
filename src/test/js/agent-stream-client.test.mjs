// Unit tests of the JavaScript client's frame handling, in Node (node --test; run by JavaScriptClientTest): a fake
// WebSocket stands for the server, so every frame and its order is the test's own. No DOM, no server, no timers
// waited on: each step is driven by the frames the test hands over.

import assert from "node:assert/strict";
import { test } from "node:test";

import { AgentStreamClient, partsOf } from "../../main/webapp/js/agent-stream-client.js";

/** The sockets the client opened, newest last; each records what the client sent and lets the test answer. */
const sockets = [];

class FakeSocket {
  constructor(url) {
    this.url = url;
    this.sent = [];
    sockets.push(this);
  }

  send(text) {
    this.sent.push(JSON.parse(text));
  }

  close() {}

  /** The server accepts the connection. */
  open() {
    this.onopen();
  }

  /** The server sends a frame. */
  frame(frame) {
    this.onmessage({ data: JSON.stringify(frame) });
  }

  /** The connection drops. */
  drop() {
    this.onclose({ code: 1006, reason: "" });
  }
}

globalThis.WebSocket = FakeSocket;
// Node 18 (Debian 12's) has Event but not CustomEvent as a global; Node 19 and later have both
globalThis.CustomEvent ??= class extends Event {
  constructor(type, options) {
    super(type, options);
    this.detail = options?.detail ?? null;
  }
};

async function connected(options = {}) {
  const client = new AgentStreamClient({ url: "ws://test/chat", ...options });
  const opened = client.connect();
  const socket = sockets[sockets.length - 1];
  socket.open();
  await opened;
  return { client, socket };
}

/** The frames of a tool_call with its arguments in three deltas, its result, reasoning before it, text after. */
function toolReply(messageId) {
  let seq = 0;
  const frame = (fields) => ({ messageId, seq: seq++, sentAt: 1000 + 10 * seq, ...fields });
  return [
    frame({ type: "reasoning", delta: "Need the time, " }),
    frame({ type: "reasoning", delta: "then a sum." }),
    frame({ type: "tool_call", callId: "c1", tool: "clock", argumentsDelta: "{\"zone\":" }),
    frame({ type: "tool_call", callId: "c1", tool: "clock", argumentsDelta: "\"UTC\"" }),
    frame({ type: "tool_call", callId: "c1", tool: "clock", argumentsDelta: "}" }),
    frame({ type: "tool_result", callId: "c1", status: "ok", result: "12:00", durationMs: 3 }),
    frame({ type: "chunk", delta: "It is " }),
    frame({ type: "chunk", delta: "noon." }),
  ];
}

const END = { type: "stream_end", status: "complete", firstChunkMs: 42,
  usage: { model: "demo", inputTokens: 12, outputTokens: 34, finishReason: "stop" } };

test("a reply's frames of every kind become its events, in order, to iterate and to subscribe to", async () => {
  const { client, socket } = await connected();
  const reply = client.send("tool-demo", "What time is it?");
  const subscribed = [];
  reply.on("tool_call", (event) => subscribed.push(event.argumentsDelta));
  reply.on("tool_result", (event) => subscribed.push(`${event.tool} ${event.status}`));
  const textChunks = [];
  client.addEventListener("chunk", ({ detail }) => textChunks.push(detail.chunk.delta));
  const iterated = (async () => {
    const events = [];
    for await (const event of reply) events.push(event);
    return events;
  })();

  socket.frame({ type: "stream_start", replyTo: reply.id, messageId: "r1", conversationId: "k1",
    userMessageId: "u1" });
  toolReply("r1").forEach((frame) => socket.frame(frame));
  socket.frame({ ...END, messageId: "r1" });
  const events = await iterated;

  assert.deepEqual(events.map((event) => event.type), ["reasoning", "reasoning", "tool_call", "tool_call",
    "tool_call", "tool_result", "text", "text", "end"]);
  assert.deepEqual(subscribed, ["{\"zone\":", "\"UTC\"", "}", "clock ok"]);
  assert.deepEqual(textChunks, ["It is ", "noon."], "the chunk event is for text only, as before");
  assert.equal(reply.text, "It is noon.");
  assert.equal(reply.reasoning, "Need the time, then a sum.");
  assert.equal(reply.userMessageId, "u1");
  assert.deepEqual(reply.toolCalls.get("c1"), { callId: "c1", tool: "clock", arguments: "{\"zone\":\"UTC\"}",
    status: "ok", result: "12:00", durationMs: 3 });
  assert.deepEqual(reply.parts, [
    { type: "reasoning", text: "Need the time, then a sum." },
    { type: "tool_call", callId: "c1", tool: "clock", arguments: "{\"zone\":\"UTC\"}" },
    { type: "tool_result", callId: "c1", status: "ok", result: "12:00", durationMs: 3 },
    { type: "text", text: "It is noon." },
  ], "the parts have the shape of a stored message's");
  assert.deepEqual(events[events.length - 1], { type: "end", status: "complete", usage: END.usage,
    firstChunkMs: 42 });
  assert.deepEqual([reply.usage, reply.firstChunkMs], [END.usage, 42]);

  const report = socket.sent.find((frame) => frame.type === "timing");
  assert.equal(report.chunks, 8, "the timing report counts the frames of every kind");
  assert.equal(report.sendSpanMs, 70);
  assert.equal(reply.timing().judged.filter(Boolean).length, 7, "every gap is judged: the seqs follow each other");
  client.close();
});

test("an iteration begun late starts from the first event, and on() returns its own unsubscribe", async () => {
  const { client, socket } = await connected();
  const reply = client.send("tool-demo", "late");
  socket.frame({ type: "stream_start", replyTo: reply.id, messageId: "r2" });
  const frames = toolReply("r2");
  frames.slice(0, 4).forEach((frame) => socket.frame(frame));
  const seen = [];
  const unsubscribe = reply.on("*", (event) => seen.push(event.type));
  socket.frame(frames[4]);
  unsubscribe();
  frames.slice(5).forEach((frame) => socket.frame(frame));
  socket.frame({ ...END, messageId: "r2" });

  const types = [];
  for await (const event of reply) types.push(event.type);
  assert.equal(types.length, 9);
  assert.deepEqual(seen, ["tool_call"], "subscribed for one frame only");
  client.close();
});

test("after a drop, the resume asks after the last seq of any kind, and replayed frames count once", async () => {
  const { client, socket } = await connected({ initialDelayMs: 0, maxDelayMs: 0 });
  const reply = client.send("tool-demo", "drop me");
  socket.frame({ type: "stream_start", replyTo: reply.id, messageId: "r3" });
  const frames = toolReply("r3");
  frames.slice(0, 4).forEach((frame) => socket.frame(frame));   // cut mid-arguments
  const reopened = new Promise((resolve) => client.addEventListener("resume", ({ detail }) => resolve(detail)));
  const reconnecting = new Promise((resolve) => client.addEventListener("state", ({ detail }) => {
    if (detail.state === "connecting") resolve();
  }));
  socket.drop();
  await reconnecting;
  const second = sockets[sockets.length - 1];
  assert.notEqual(second, socket);
  second.open();
  const { afterSeq } = await reopened;
  assert.equal(afterSeq, 3, "the last seq received, a tool_call's");
  assert.deepEqual(second.sent.find((frame) => frame.type === "resume"),
    { type: "resume", id: reply._resumeId, messageId: "r3", afterSeq: 3 });

  // the server replays from an earlier seq than asked (a frame it had in flight), then goes on live
  frames.slice(2).forEach((frame, i) => second.frame(i < 2 ? { ...frame, replayed: true } : frame));
  second.frame({ ...END, messageId: "r3" });
  await reply.done;

  assert.deepEqual(reply.chunks.map((chunk) => chunk.seq), [0, 1, 2, 3, 4, 5, 6, 7], "each seq once, in order");
  assert.equal(reply.toolCalls.get("c1").arguments, "{\"zone\":\"UTC\"}", "no argument delta twice");
  assert.equal(reply.events.filter((event) => event.type === "tool_call").length, 3);
  assert.equal(reply.text, "It is noon.");
  client.close();
});

test("unknown frame types and kinds are ignored, and a text-only reply works as in v1", async () => {
  const { client, socket } = await connected();
  const reply = client.send("echo", "hi");
  socket.frame({ type: "stream_start", replyTo: reply.id, messageId: "r4" });
  socket.frame({ type: "chunk", messageId: "r4", seq: 0, delta: "hi", sentAt: 1 });
  socket.frame({ type: "citation", messageId: "r4", seq: 1, url: "https://example.org" });
  socket.frame({ type: "stream_end", messageId: "r4", status: "complete" });
  await reply.done;
  assert.equal(reply.text, "hi");
  assert.deepEqual(reply.parts, [{ type: "text", text: "hi" }]);
  assert.equal(reply.usage, null);
  assert.equal(reply.firstChunkMs, null);
  assert.equal(reply.lastSeq, 0, "a frame of an unknown type takes no seq");
  client.close();
});

test("an edit sends replaces and a regenerate names the reply it replaces", async () => {
  const { client, socket } = await connected();
  const edit = client.send("echo", "better question", { conversationId: "k1", replaces: "u1" });
  const again = client.regenerate("r1", { agent: "echo", conversationId: "k1", content: "better question" });
  assert.deepEqual(socket.sent.slice(-2), [
    { type: "message", id: edit.id, agent: "echo", content: "better question", conversationId: "k1",
      replaces: "u1" },
    { type: "regenerate", id: again.id, messageId: "r1" },
  ]);
  assert.deepEqual([edit.replaces, again.regenerates, again.agent, again.conversationId],
    ["u1", "r1", "echo", "k1"]);
  socket.frame({ type: "stream_start", replyTo: again.id, messageId: "r5", conversationId: "k1" });
  assert.equal(again.status, "streaming", "the answer to a regenerate streams like any reply");
  client.close();
});

test("a stored message's parts: its own when it has them, else its content as text", () => {
  const parts = [{ type: "tool_call", callId: "c", tool: "clock", arguments: "{}" }];
  assert.deepEqual(partsOf({ content: "", parts }), parts);
  assert.deepEqual(partsOf({ content: "plain" }), [{ type: "text", text: "plain" }]);
  assert.deepEqual(partsOf({ content: "" }), []);
});
