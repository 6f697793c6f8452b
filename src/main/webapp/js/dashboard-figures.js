// The dashboard's arithmetic: what happened between two reads of /admin/figures (which counts since the node
// started), kept for a rolling window, and percentiles from bucket counts. Pure functions: no DOM, no fetch.

/**
 * @typedef {{name: string, tags: Object<string, string>, value: number}} Counter
 * @typedef {{name: string, tags: Object<string, string>, count: number, sumMs: number, counts: number[]}} Timer
 * @typedef {{name: string, value: number}} Gauge
 * @typedef {{node: string, activeStreams: number, connections: number}} Member
 * @typedef {object} Figures what /admin/figures answers
 * @property {number[]} bucketsMs the timers' bucket bounds: counts[i] took at most bucketsMs[i], the last more
 * @property {Counter[]} counters @property {Timer[]} timers @property {Gauge[]} gauges
 * @property {number} at epoch ms @property {string} node @property {Member[]} members
 *
 * @typedef {object} Interval what happened between two reads of one node
 * @property {number} at         the later read's time, epoch ms
 * @property {number} seconds    how long the interval was
 * @property {boolean} restarted the node's counts went down: it restarted, so its counts now are the interval's
 * @property {number[]} bucketsMs
 * @property {Object<string, number>} replies  replies ended, by status (summed over agents)
 * @property {Object<string, number>} errors   error frames sent, by code (codes with none left out)
 * @property {number[]} firstChunk  per bucket: replies whose first chunk took that long (summed over agents)
 * @property {number[]} sendGap     per bucket: gaps between two live chunks
 * @property {number} reports  replies whose client reported their timing
 * @property {number} batched  of those, the ones that arrived batched
 * @property {number} active   replies streaming at the later read (a gauge)
 * @property {number} connections chat connections open at the later read (a gauge)
 * @property {number} timerLagS how far the streaming timer ran behind, seconds (a gauge)
 * @property {Member[]} members
 */

/** How long the dashboard keeps intervals: five minutes. */
export const WINDOW_MS = 5 * 60 * 1000;

/** The send gap the server paces chunks at by default (agentstream.stream.pause-ms). */
export const PACE_MS = 10;

/** Above this share of reported replies arriving batched, something between server and clients holds chunks. */
export const BATCHED_ALERT = 0.05;

/**
 * What happened between two reads of the figures; null when there is nothing to compare (no earlier read, or the
 * two reads come from different nodes, as behind a balancer that moved the session). When a count went down, the
 * node restarted in between: its counts since then are what the interval saw.
 * @param {Figures | null} previous @param {Figures} current @returns {Interval | null}
 */
export function difference(previous, current) {
  if (!previous || previous.node !== current.node) return null;
  const restarted = wentDown(previous, current);
  const counted = (name, tag) => counterDeltas(previous, current, name, tag, restarted);
  const gauge = (name) => (current.gauges.find((g) => g.name === name) || { value: 0 }).value;
  const reports = sum(counted("agentstream.client.reports", "name"));
  return {
    at: current.at,
    seconds: Math.max(0.001, (current.at - previous.at) / 1000),
    restarted,
    bucketsMs: current.bucketsMs,
    replies: counted("agentstream.replies", "status"),
    errors: nonZero(counted("agentstream.errors", "code")),
    firstChunk: timerDeltas(previous, current, "agentstream.reply.first.chunk", restarted),
    sendGap: timerDeltas(previous, current, "agentstream.reply.send.gap", restarted),
    reports,
    batched: sum(counted("agentstream.client.batched", "name")),
    active: gauge("agentstream.replies.active"),
    connections: gauge("agentstream.connections"),
    timerLagS: gauge("agentstream.timer.lag"),
    members: current.members || [],
  };
}

/** Whether any counter or timer of the node counts less than it did: the node started again. */
function wentDown(previous, current) {
  const before = new Map();
  previous.counters.forEach((c) => before.set(key(c), c.value));
  previous.timers.forEach((t) => before.set(key(t), t.count));
  return current.counters.some((c) => c.value < (before.get(key(c)) || 0))
    || current.timers.some((t) => t.count < (before.get(key(t)) || 0));
}

/** A meter's name and tags, as one string. */
function key(meter) {
  return `${meter.name}${JSON.stringify(Object.entries(meter.tags || {}).sort())}`;
}

/**
 * The increase of the counters called `name`, summed by the value of their tag `tag` (by `name` itself when the
 * counter has no such tag). A meter the earlier read lacks (made since: an agent's first reply) counted from 0.
 */
function counterDeltas(previous, current, name, tag, restarted) {
  const before = new Map(previous.counters.map((c) => [key(c), c.value]));
  const deltas = {};
  for (const counter of current.counters) {
    if (counter.name !== name) continue;
    const group = (counter.tags && counter.tags[tag]) || name;
    const delta = restarted ? counter.value : counter.value - (before.get(key(counter)) || 0);
    deltas[group] = (deltas[group] || 0) + delta;
  }
  return deltas;
}

/** The increase of every bucket of the timers called `name`, summed over their tags (the agents). */
function timerDeltas(previous, current, name, restarted) {
  const before = new Map(previous.timers.map((t) => [key(t), t.counts]));
  const deltas = new Array(current.bucketsMs.length + 1).fill(0);
  for (const timer of current.timers) {
    if (timer.name !== name) continue;
    const earlier = restarted ? [] : before.get(key(timer)) || [];
    timer.counts.forEach((n, i) => { deltas[i] += n - (earlier[i] || 0); });
  }
  return deltas;
}

const sum = (values) => Object.values(values).reduce((a, b) => a + b, 0);

function nonZero(values) {
  return Object.fromEntries(Object.entries(values).filter(([, n]) => n > 0));
}

/**
 * The p-th percentile (nearest rank) of what bucket counts hold, as the bound of the bucket it falls in (so "at
 * most" that many ms): Infinity when it is past every bound, NaN when nothing was counted.
 * @param {number[]} boundsMs @param {number[]} counts one more than boundsMs @param {number} p 0..100
 * @returns {number}
 */
export function bucketPercentile(boundsMs, counts, p) {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= rank) return i < boundsMs.length ? boundsMs[i] : Infinity;
  }
  return Infinity;
}

/**
 * The intervals of the last `windowMs` before `now`, with `interval` added (when there is one).
 * @param {Interval[]} intervals @param {Interval | null} interval @param {number} now @param {number} [windowMs]
 * @returns {Interval[]}
 */
export function keepWindow(intervals, interval, now, windowMs = WINDOW_MS) {
  const kept = intervals.filter((i) => i.at > now - windowMs);
  if (interval) kept.push(interval);
  return kept;
}

/** The shortest time a chart spans: while the page has read for less, its charts show this much. */
export const SHORTEST_SPAN_MS = 60 * 1000;

/**
 * How much time the charts span, ending `now`: the time the intervals cover, at least SHORTEST_SPAN_MS and at most
 * WINDOW_MS, so that the first minutes after the page opened are not squeezed into one edge.
 * @param {Interval[]} intervals @param {number} now @returns {number} ms
 */
export function shownSpan(intervals, now) {
  const covered = intervals.length === 0 ? 0 : now - (intervals[0].at - intervals[0].seconds * 1000);
  return Math.min(WINDOW_MS, Math.max(SHORTEST_SPAN_MS, covered));
}

/**
 * One of the intervals' timers (firstChunk or sendGap) over all of them: how many, p50 and p99.
 * @param {Interval[]} intervals @param {"firstChunk" | "sendGap"} timer
 * @returns {{count: number, p50: number, p99: number}}
 */
export function timerSummary(intervals, timer) {
  if (intervals.length === 0) return { count: 0, p50: NaN, p99: NaN };
  const counts = intervals.reduce((total, i) => total.map((n, b) => n + (i[timer][b] || 0)),
    new Array(intervals[0][timer].length).fill(0));
  const bounds = intervals[intervals.length - 1].bucketsMs;
  return {
    count: counts.reduce((a, b) => a + b, 0),
    p50: bucketPercentile(bounds, counts, 50),
    p99: bucketPercentile(bounds, counts, 99),
  };
}

/**
 * The share of reported replies that arrived batched; null when no client reported.
 * @param {number} reports @param {number} batched @returns {number | null}
 */
export function batchedFraction(reports, batched) {
  return reports > 0 ? batched / reports : null;
}

/**
 * A percentile from buckets, as the dashboard writes it: "≤ 11 ms", "≤ 1.5 s", "> 60 s", "none".
 * @param {number} ms @param {number[]} boundsMs @returns {string}
 */
export function formatBound(ms, boundsMs) {
  if (Number.isNaN(ms)) return "none";
  if (ms === Infinity) return `> ${formatMs(boundsMs[boundsMs.length - 1])}`;
  return `≤ ${formatMs(ms)}`;
}

/** @param {number} ms @returns {string} "850 ms", "1.5 s" */
export function formatMs(ms) {
  return ms < 1000 ? `${ms} ms` : `${+(ms / 1000).toFixed(1)} s`;
}

/** @param {number | null} fraction @returns {string} "2.5%", or "no reports" */
export function formatFraction(fraction) {
  return fraction === null ? "no reports" : `${+(fraction * 100).toFixed(1)}%`;
}
