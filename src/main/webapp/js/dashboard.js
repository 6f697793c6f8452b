// The dashboard page (admin/dashboard.html): reads /admin/figures every second, keeps what happened between reads
// for the last five minutes (dashboard-figures.js) and draws it as SVG charts, with each interval's numbers on hover.

import {
  BATCHED_ALERT, PACE_MS, batchedFraction, bucketPercentile, difference, formatBound, formatFraction,
  keepWindow, shownSpan, timerSummary,
} from "./dashboard-figures.js";
import { element } from "./element.js";
import { niceStep, svgElement } from "./svg.js";

/** @typedef {import("./dashboard-figures.js").Interval} Interval */

const [WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM] = [480, 170, 46, 8, 8, 20];
const POLL_MS = 1000;
const STATUSES = ["complete", "cancelled", "failed", "interrupted"];
/** Colours for error codes, by the order they first appear (css/dashboard.css: .series-0 …). */
const ERROR_COLOURS = 8;

/**
 * A series of a chart: a line, or a part of a stacked bar.
 * @typedef {{cls: string, label: string, value: (i: Interval) => number | null, text?: (i: Interval) => string}} Series
 */

/** The page's charts: id, heading, and what the chart shows for a screen reader. */
const CHARTS = [
  ["replies", "Replies", "Replies streaming, and replies ended per second by status"],
  ["first-chunk", "Time to first chunk", "Time from a message to its reply's first chunk, p50 and p99"],
  ["send-gap", "Send gap", "Gap between two chunks sent, p50 and p99, against the 10 ms pace"],
  ["batched", "Clients' batched fraction",
    "Share of the replies clients reported that arrived batched, against a 5% alert line"],
  ["errors", "Errors", "Error frames sent per second, by code"],
];

/**
 * One chart of the page, in a section of its own (id `name`): the line of figures above it (`name`-now), its SVG
 * (`name`-chart), its legend and the readout of the interval under the pointer.
 */
class Chart {
  /** @param {HTMLElement} place where the section goes @param {string[]} described id, heading, label */
  constructor(place, [name, heading, label]) {
    const section = element("section", "chart");
    section.id = name;
    const part = (tag, className, id) => {
      const node = tag === "svg" ? svgElement(place.ownerDocument, "svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
        role: "img", "aria-label": label }) : element(tag, className);
      node.id = `${name}-${id}`;
      return node;
    };
    this.now = part("p", "now", "now");
    this.svg = part("svg", "", "chart");
    this.legend = part("p", "legend", "legend");
    this.readout = part("p", "readout", "readout");
    section.append(element("h2", "", heading), this.now, this.svg, this.legend, this.readout);
    place.append(section);
    /** @type {number | null} the time of the interval under the pointer: its readout follows it across redraws */
    this.hovered = null;
    this.svg.addEventListener("mouseover", (event) => {
      const at = event.target.dataset && event.target.dataset.at;
      if (at) this.hovered = Number(at);
      this._showReadout();
    });
    this.svg.addEventListener("mouseleave", () => {
      this.hovered = null;
      this._showReadout();
    });
    this._texts = new Map();
  }

  /**
   * Draws the intervals of the window ending `now`: `lines` as lines (a null value leaves a gap, Infinity is drawn at
   * the top), `stacks` as stacked bars, `guides` as dashed horizontal lines, and an invisible band per interval
   * whose title (and this chart's readout, on hover) gives its numbers.
   * @param {{intervals: Interval[], now: number, lines?: Series[], stacks?: Series[],
   *   guides?: {value: number, cls: string, label: string}[], unit: (v: number) => string, minMax?: number}} what
   */
  draw({ intervals, now, lines = [], stacks = [], guides = [], unit, minMax = 1 }) {
    const span = shownSpan(intervals, now);
    const svg = (tag, attributes, text) => svgElement(this.svg.ownerDocument, tag, attributes, text);
    const finite = (v) => (v === null || Number.isNaN(v) || v === Infinity ? 0 : v);
    const stackTotals = intervals.map((i) => stacks.reduce((total, s) => total + finite(s.value(i)), 0));
    const highest = Math.max(minMax, ...guides.map((g) => g.value), ...stackTotals,
      ...lines.flatMap((s) => intervals.map((i) => finite(s.value(i)))));
    const step = niceStep(highest / 4);
    const maxY = Math.ceil(highest / step) * step;
    const plotWidth = WIDTH - LEFT - RIGHT;
    const x = (t) => LEFT + (1 - (now - t) / span) * plotWidth;
    const y = (v) => TOP + (1 - Math.min(v, maxY) / maxY) * (HEIGHT - TOP - BOTTOM);
    const nodes = [];

    for (let value = 0; value <= maxY + 1e-9; value += step) {
      nodes.push(svg("line", { class: "axis", x1: LEFT, x2: WIDTH - RIGHT, y1: y(value), y2: y(value) }));
      nodes.push(svg("text", { class: "tick", x: LEFT - 5, y: y(value) + 4, "text-anchor": "end" }, unit(value)));
    }
    const every = span <= 60000 ? 10000 : span <= 180000 ? 30000 : 60000;
    for (let ago = Math.floor(span / every) * every; ago >= 0; ago -= every) {
      const label = ago === 0 ? "now" : ago < 60000 ? `−${ago / 1000} s` : `−${+(ago / 60000).toFixed(1)} min`;
      nodes.push(svg("text", { class: "tick", x: x(now - ago), y: HEIGHT - 5,
        "text-anchor": ago === span ? "start" : ago === 0 ? "end" : "middle" }, label));
    }
    intervals.forEach((interval) => {
      const width = Math.max(1.5, (interval.seconds * 1000 / span) * plotWidth - 0.5);
      let base = 0;
      for (const series of stacks) {
        const value = finite(series.value(interval));
        if (value <= 0) continue;
        const left = Math.max(LEFT, x(interval.at) - width);
        nodes.push(svg("rect", { class: `bar ${series.cls}`, x: left, y: y(base + value),
          width: x(interval.at) - left, height: y(base) - y(base + value) }));
        base += value;
      }
    });
    for (const series of lines) {
      let run = [];
      const flush = () => {
        if (run.length === 1) nodes.push(svg("circle", { class: `dot ${series.cls}`, cx: run[0][0], cy: run[0][1], r: 2 }));
        if (run.length > 1) nodes.push(svg("polyline", { class: `line ${series.cls}`, points: run.join(" ") }));
        run = [];
      };
      for (const interval of intervals) {
        const value = series.value(interval);
        if (value === null || Number.isNaN(value)) flush();
        else run.push([x(interval.at).toFixed(1), y(value).toFixed(1)]);
      }
      flush();
    }
    for (const guide of guides) {
      nodes.push(svg("line", { class: `guide ${guide.cls}`, x1: LEFT, x2: WIDTH - RIGHT, y1: y(guide.value),
        y2: y(guide.value) }));
      nodes.push(svg("text", { class: `guide-label ${guide.cls}`, x: WIDTH - RIGHT - 2, y: y(guide.value) - 3,
        "text-anchor": "end" }, guide.label));
    }
    this._texts = new Map();
    intervals.forEach((interval, n) => {
      const from = n > 0 ? x(intervals[n - 1].at) : x(interval.at - interval.seconds * 1000);
      const text = describe(interval, [...lines, ...stacks]);
      this._texts.set(interval.at, text);
      const band = svg("rect", { class: "hover", x: Math.max(LEFT, from), y: TOP,
        width: Math.max(1, x(interval.at) - Math.max(LEFT, from)), height: HEIGHT - TOP - BOTTOM,
        "data-at": interval.at });
      band.append(svg("title", {}, text));
      nodes.push(band);
    });
    this.svg.replaceChildren(...nodes);
    this._showReadout();
  }

  /** The legend: a swatch per series, in its colour. */
  showLegend(series) {
    this.legend.replaceChildren(...series.flatMap((s) => [element("span", `swatch ${s.cls}`), s.label, " "]));
  }

  _showReadout() {
    const text = this.hovered === null ? undefined : this._texts.get(this.hovered);
    this.readout.textContent = text || "";
  }
}

/** An interval's numbers, one line: its time, how long it was, and each series' value. */
function describe(interval, series) {
  const time = new Date(interval.at).toLocaleTimeString();
  const values = series.map((s) => `${s.label}: ${s.text ? s.text(interval) : round(s.value(interval))}`);
  return `${time} (${interval.seconds.toFixed(1)} s${interval.restarted ? ", the node restarted" : ""}): `
    + values.join(", ");
}

const round = (value) => (value === null || Number.isNaN(value) ? "none" : +value.toFixed(2));
const perSecond = (count) => (interval) => count(interval) / interval.seconds;

class Dashboard {
  constructor(page) {
    this.page = page;
    this.pollState = page.getElementById("poll");
    this.nodeLine = page.getElementById("node");
    this.members = page.getElementById("members");
    this.memberRows = page.getElementById("members-rows");
    const place = page.getElementById("charts");
    this.charts = Object.fromEntries(CHARTS.map((described) => [described[0], new Chart(place, described)]));
    place.append(this.members); // last, after the charts
    /** @type {import("./dashboard-figures.js").Figures | null} the last read */
    this.previous = null;
    /** @type {Interval[]} */
    this.intervals = [];
    /** @type {string[]} error codes in the order they first appeared, for steady colours */
    this.errorCodes = [];
    this.failingSince = null;
  }

  /** Reads the figures now and every POLL_MS after each read ends, whether it was answered or not. */
  start() {
    const next = () => this.read().finally(() => setTimeout(next, POLL_MS));
    next();
  }

  async read() {
    let figures;
    try {
      const response = await fetch("figures", { cache: "no-store" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      if (!(response.headers.get("Content-Type") || "").includes("json")) {
        throw new Error("the sign-in form came instead: reload the page to sign in again");
      }
      figures = await response.json();
    } catch (failure) {
      this.failingSince = this.failingSince || Date.now();
      this.pollState.dataset.state = "reconnecting";
      this.pollState.textContent = `Not answering since ${new Date(this.failingSince).toLocaleTimeString()}`
        + ` (${failure.message}); still trying`;
      return;
    }
    this.failingSince = null;
    const interval = difference(this.previous, figures);
    this.previous = figures;
    this.intervals = keepWindow(this.intervals, interval, figures.at);
    this.pollState.dataset.state = "open";
    this.pollState.textContent = `Live: ${new Date(figures.at).toLocaleTimeString()}`;
    this.nodeLine.textContent = `Node ${figures.node}; its meters go to ${figures.system}`
      + (figures.recording ? "" : " (recording is off: agentstream.metrics.enabled=false)");
    this.draw(figures);
  }

  draw(figures) {
    const now = figures.at;
    const intervals = this.intervals;
    const latest = intervals[intervals.length - 1];
    const bounds = figures.bucketsMs;
    const gauge = (name) => (figures.gauges.find((g) => g.name === name) || { value: 0 }).value;

    const replies = this.charts.replies;
    const ended = STATUSES.map((status) => ({ cls: status, label: `${status} /s`,
      value: perSecond((i) => i.replies[status] || 0) }));
    const streaming = { cls: "streaming", label: "streaming", value: (i) => i.active };
    replies.draw({ intervals, now, stacks: ended, lines: [streaming], unit: (v) => `${+v.toFixed(1)}` });
    replies.showLegend([streaming, ...ended]);
    const endedInWindow = intervals.reduce((total, i) => total + STATUSES.reduce((n, s) => n + (i.replies[s] || 0), 0), 0);
    replies.now.textContent = `${gauge("agentstream.replies.active")} streaming, `
      + `${gauge("agentstream.connections")} connections; ${endedInWindow} ended in the last 5 min; `
      + `timer lag ${(gauge("agentstream.timer.lag") * 1000).toFixed(1)} ms`;

    this.drawTimer("first-chunk", "firstChunk", bounds, now, []);
    this.drawTimer("send-gap", "sendGap", bounds, now,
      [{ value: PACE_MS, cls: "pace", label: `${PACE_MS} ms pace` }]);

    const batched = this.charts.batched;
    const fraction = { cls: "fraction", label: "batched",
      value: (i) => { const f = batchedFraction(i.reports, i.batched); return f === null ? null : f * 100; },
      text: (i) => `${formatFraction(batchedFraction(i.reports, i.batched))} (${i.batched} of ${i.reports})` };
    batched.draw({ intervals, now, lines: [fraction], minMax: 10, unit: (v) => `${+v.toFixed(1)}%`,
      guides: [{ value: BATCHED_ALERT * 100, cls: "alert", label: `${BATCHED_ALERT * 100}% alert` }] });
    batched.showLegend([fraction]);
    const reports = intervals.reduce((n, i) => n + i.reports, 0);
    const batchedReports = intervals.reduce((n, i) => n + i.batched, 0);
    const windowFraction = batchedFraction(reports, batchedReports);
    batched.now.textContent = windowFraction === null ? "no reports in the last 5 min"
      : `${formatFraction(windowFraction)} of ${reports} reported replies in the last 5 min`;
    batched.now.classList.toggle("alert", windowFraction !== null && windowFraction > BATCHED_ALERT);

    for (const interval of intervals) {
      for (const code of Object.keys(interval.errors)) {
        if (!this.errorCodes.includes(code)) this.errorCodes.push(code);
      }
    }
    const inWindow = (code) => intervals.reduce((n, i) => n + (i.errors[code] || 0), 0);
    const codes = this.errorCodes.filter((code) => inWindow(code) > 0);
    const errors = this.charts.errors;
    const byCode = codes.map((code) => ({ cls: `series-${this.errorCodes.indexOf(code) % ERROR_COLOURS}`,
      label: code, value: perSecond((i) => i.errors[code] || 0), text: (i) => `${i.errors[code] || 0}` }));
    errors.draw({ intervals, now, stacks: byCode, unit: (v) => `${+v.toFixed(1)}/s` });
    errors.showLegend(byCode);
    errors.now.textContent = codes.length === 0 ? "none in the last 5 min"
      : codes.map((code) => `${code}: ${inWindow(code)}`).join(", ") + " in the last 5 min";

    const members = figures.members || [];
    this.members.hidden = members.length < 2;
    this.memberRows.replaceChildren(...members.map((member) => {
      const row = element("tr");
      row.append(element("td", "", member.node), element("td", "number", String(member.activeStreams)),
        element("td", "number", String(member.connections)));
      if (member.node === figures.node) row.classList.add("this-node");
      return row;
    }));
    if (!latest) this.pollState.textContent += " (the first difference comes with the next read)";
  }

  /** A timer's chart: p50 and p99 per interval, and over the window above it. */
  drawTimer(name, timer, bounds, now, guides) {
    const chart = this.charts[name];
    const percentile = (p) => (i) => bucketPercentile(bounds, i[timer], p);
    const counted = (i) => i[timer].reduce((a, b) => a + b, 0);
    const series = [
      { cls: "p99", label: "p99", value: percentile(99), text: (i) => formatBound(percentile(99)(i), bounds) },
      { cls: "p50", label: "p50", value: percentile(50),
        text: (i) => `${formatBound(percentile(50)(i), bounds)} (of ${counted(i)})` },
    ];
    chart.draw({ intervals: this.intervals, now, lines: series, guides, minMax: 20, unit: (v) => `${+v.toFixed(1)} ms` });
    chart.showLegend(series);
    const summary = timerSummary(this.intervals, timer);
    chart.now.textContent = summary.count === 0 ? "none in the last 5 min"
      : `p50 ${formatBound(summary.p50, bounds)}, p99 ${formatBound(summary.p99, bounds)} `
        + `of ${summary.count} in the last 5 min`;
  }
}

export const dashboard = new Dashboard(document);
dashboard.start();
