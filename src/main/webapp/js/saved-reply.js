// The reply streaming into the conversation on screen, kept for this tab only (sessionStorage): a reload drops the
// connection, the server keeps the reply for its resume window, and the reloaded page takes it up again.

/** sessionStorage key of the reply streaming in this tab. */
const STREAMING_REPLY = "agentstream.streamingReply";

/**
 * What a reload needs to resume a reply (AgentStreamClient.resume takes it as it is).
 * @typedef {{id: string, messageId: string, agent: string, content: string, conversationId: string | null}} SavedReply
 */

/** @param {import("./agent-stream-client.js").Reply} reply streaming, so its messageId is known */
export function rememberStreaming(reply) {
  const { id, messageId, agent, content } = reply;
  sessionStorage.setItem(STREAMING_REPLY, JSON.stringify({ id, messageId, agent, content,
    conversationId: reply.conversationId }));
}

/** Forgets the reply if it is the one remembered. @param {import("./agent-stream-client.js").Reply} reply */
export function forgetStreaming(reply) {
  const saved = savedStreaming();
  if (saved && saved.messageId === reply.messageId) sessionStorage.removeItem(STREAMING_REPLY);
}

/** The reply remembered before a reload, if any; it is forgotten. @returns {SavedReply | null} */
export function takeStreaming() {
  const saved = savedStreaming();
  sessionStorage.removeItem(STREAMING_REPLY);
  return saved;
}

function savedStreaming() {
  try {
    return JSON.parse(sessionStorage.getItem(STREAMING_REPLY));
  } catch {
    return null;
  }
}
