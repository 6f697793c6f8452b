// Timing statistics of one reply: send gaps (the server's sentAt) against receive gaps (this browser's receivedAt)
// per chunk, and the verdict that tells a real-time reply from a batched one. Pure functions: no DOM, no socket.

/**
 * @typedef {object} ChunkTiming
 * @property {number} seq         the chunk's sequence number in its reply
 * @property {string} delta       the text it adds
 * @property {number} sentAt      server send time, epoch ms (microsecond decimals)
 * @property {number} receivedAt  browser receive time, epoch ms: performance.timeOrigin + performance.now()
 * @property {boolean} [replayed] the server sent it again after a resume: sentAt is its first send, receivedAt says
 *                                nothing about real time
 * @property {number} [connection] which of the client's connections brought it (1, 2, … in the order they opened)
 *
 * @typedef {object} ReplyTiming
 * @property {number} chunks          chunks measured
 * @property {number[]} sendGapsMs    sentAt[i+1] - sentAt[i], for every pair of chunks next to each other
 * @property {number[]} receiveGapsMs receivedAt[i+1] - receivedAt[i], likewise
 * @property {boolean[]} judged       per gap: whether the verdict counts it (both chunks live, on one connection,
 *                                    consecutive in seq); a gap next to a replayed chunk or across a reconnect is not
 * @property {number} replayedChunks  chunks the server sent again after a resume
 * @property {number} sendSpanMs      last sentAt - first sentAt
 * @property {number} receiveSpanMs   last receivedAt - first receivedAt
 * @property {number} spanRatio       receiveSpanMs / sendSpanMs (0 when nothing was spread out)
 * @property {number} p50Ms           median of |receive gap - send gap| over the judged gaps
 * @property {number} p99Ms           99th percentile of |receive gap - send gap| over the judged gaps
 * @property {number} batchedChunks   chunks that arrived within 1 ms of a neighbour the server sent >= 1 ms apart
 *                                    (judged gaps only)
 * @property {number} batchedGaps     judged gaps whose two chunks were sent >= 1 ms apart and arrived closer
 * @property {boolean} realTime       one judged gap or more, and at most maxBatchedShare of them batched
 * @property {string} verdict         "real-time" or "batched: N chunks arrived within 1 ms of each other", plus
 *                                    p50/p99, plus what was left out
 */

/** Below this receive gap (ms), two chunks the server sent further apart arrived together. */
export const BATCHED_GAP_MS = 1;

/**
 * Nearest-rank percentile of a list of numbers; NaN for an empty list.
 * @param {number[]} values @param {number} p 0..100 @returns {number}
 */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, index))];
}

/**
 * Compares send gaps with receive gaps of one reply's chunks. Only a gap between two live chunks that came one after
 * the other (consecutive seq, on one connection) is judged: a replayed chunk was sent again from the server's log
 * after a reconnect, so its receive time tells when the client came back, not how the server's sends travelled, and
 * a gap across a reconnect measures the reconnect. Those gaps stay in sendGapsMs and receiveGapsMs (judged false),
 * for a chart; the verdict says what it left out.
 * @param {ChunkTiming[]} chunks in arrival order
 * @param {{maxBatchedShare?: number}} [options] share of judged gaps allowed to be batched for "real-time"
 *   (default 0.05)
 * @returns {ReplyTiming}
 */
export function analyzeTiming(chunks, { maxBatchedShare = 0.05 } = {}) {
  const sendGapsMs = [];
  const receiveGapsMs = [];
  const judged = [];
  for (let i = 1; i < chunks.length; i++) {
    sendGapsMs.push(chunks[i].sentAt - chunks[i - 1].sentAt);
    receiveGapsMs.push(chunks[i].receivedAt - chunks[i - 1].receivedAt);
    judged.push(oneAfterTheOther(chunks[i - 1], chunks[i]));
  }
  const judgedGaps = judged.filter(Boolean).length;
  const differences = sendGapsMs.flatMap((send, i) => (judged[i] ? [Math.abs(receiveGapsMs[i] - send)] : []));
  const batchedGap = sendGapsMs.map((send, i) => judged[i] && batched(send, receiveGapsMs[i]));
  let batchedChunks = 0;
  for (let i = 0; i < chunks.length; i++) {
    if (batchedGap[i - 1] || batchedGap[i]) batchedChunks++;
  }
  const batchedGaps = batchedGap.filter(Boolean).length;
  const replayedChunks = chunks.filter((chunk) => chunk.replayed).length;
  const gapsAcrossReconnects = judged.filter((counts, i) => !counts && !chunks[i].replayed && !chunks[i + 1].replayed)
    .length;
  const span = (key) => (chunks.length > 1 ? chunks[chunks.length - 1][key] - chunks[0][key] : 0);
  const sendSpanMs = span("sentAt");
  const receiveSpanMs = span("receivedAt");
  const p50Ms = percentile(differences, 50);
  const p99Ms = percentile(differences, 99);
  const realTime = judgedGaps > 0 && batchedGaps <= maxBatchedShare * judgedGaps;
  const leftOut = [
    replayedChunks > 0 && counted(replayedChunks, "replayed chunk"),
    gapsAcrossReconnects > 0 && counted(gapsAcrossReconnects, "gap across a reconnect", "gaps across a reconnect"),
  ].filter(Boolean).join(", ");
  const figures = judgedGaps > 0
    ? `p50 ${p50Ms.toFixed(2)} ms, p99 ${p99Ms.toFixed(2)} ms of |receive gap - send gap| over `
      + (leftOut ? `${chunks.length - replayedChunks} live chunks (left out: ${leftOut})` : `${chunks.length} chunks`)
    : `${counted(chunks.length, "chunk")}, nothing to compare${leftOut ? ` (left out: ${leftOut})` : ""}`;
  const verdict = judgedGaps === 0 ? figures
    : realTime ? `real-time; ${figures}`
    : `batched: ${batchedChunks} chunks arrived within ${BATCHED_GAP_MS} ms of each other; ${figures}`;
  return {
    chunks: chunks.length, sendGapsMs, receiveGapsMs, judged, replayedChunks, sendSpanMs, receiveSpanMs,
    spanRatio: sendSpanMs > 0 ? receiveSpanMs / sendSpanMs : 0,
    p50Ms, p99Ms, batchedChunks, batchedGaps, realTime, verdict,
  };
}

/** Whether a gap was batched: the server sent the two chunks BATCHED_GAP_MS or more apart, they arrived closer. */
function batched(sendGapMs, receiveGapMs) {
  return sendGapMs >= BATCHED_GAP_MS && receiveGapMs < BATCHED_GAP_MS;
}

/**
 * Whether the gap between two chunks next to each other shows the server's pacing as it reached this client: both
 * live, on one connection, consecutive in seq (a field the caller's chunks lack is not held against them).
 * @param {ChunkTiming} earlier @param {ChunkTiming} later @returns {boolean}
 */
function oneAfterTheOther(earlier, later) {
  return !earlier.replayed && !later.replayed && earlier.connection === later.connection
    && (earlier.seq === undefined || later.seq === undefined || later.seq === earlier.seq + 1);
}

const counted = (count, one, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
