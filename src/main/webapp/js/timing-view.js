// The timing panel of the chat page: a toggle that shows or hides it, and a chart of the last reply that ended, send
// gaps against receive gaps per chunk, with the verdict from timing.js (through reply.timing()).

import { niceStep, svgElement } from "./svg.js";

const [WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM] = [640, 240, 44, 10, 10, 26];

export class TimingView {
  /**
   * @param {Document} page holds #timing-toggle, #timing (the panel), #timing-chart, #legend-replayed, #verdict and
   *   #spans
   */
  constructor(page) {
    this._toggle = page.getElementById("timing-toggle");
    this._panel = page.getElementById("timing");
    this._chart = page.getElementById("timing-chart");
    this._legendReplayed = page.getElementById("legend-replayed");
    this._verdict = page.getElementById("verdict");
    this._spans = page.getElementById("spans");
    /** @type {import("./agent-stream-client.js").Reply | null} the last reply that ended: the one the panel shows */
    this._reply = null;
    this._toggle.addEventListener("click", () => this._showOrHide());
  }

  /** Takes the reply that ended last; the panel shows it, at once when it is open. */
  show(reply) {
    this._reply = reply;
    if (!this._panel.hidden) this._draw();
  }

  _showOrHide() {
    this._panel.hidden = !this._panel.hidden;
    this._toggle.setAttribute("aria-expanded", String(!this._panel.hidden));
    this._toggle.textContent = this._panel.hidden ? "Show timing of the last reply" : "Hide timing";
    if (!this._panel.hidden) this._draw();
  }

  /**
   * Draws send gaps and receive gaps per chunk of the reply, and its one-line verdict. Chunks replayed after a
   * reconnect are shaded, and receive gaps the verdict leaves out (next to a replayed chunk, or across a reconnect)
   * are drawn hollow; they do not set the scale, and one past the top is drawn at the top.
   */
  _draw() {
    const reply = this._reply;
    const chart = this._chart;
    chart.replaceChildren();
    this._legendReplayed.hidden = true;
    if (!reply || reply.chunks.length < 2) {
      this._verdict.textContent = reply ? "Too few chunks to compare." : "No reply yet.";
      this._spans.textContent = "";
      return;
    }
    const timing = reply.timing();
    const svg = (tag, attributes, text) => svgElement(chart.ownerDocument, tag, attributes, text);
    const gaps = timing.sendGapsMs.length;
    const judgedReceiveGaps = timing.receiveGapsMs.filter((ms, i) => timing.judged[i]);
    const highest = Math.max(1, ...timing.sendGapsMs, ...judgedReceiveGaps);
    const step = niceStep(highest / 4);
    const maxY = Math.ceil(highest / step) * step;
    const x = (i) => LEFT + (gaps === 1 ? 0 : (i / (gaps - 1)) * (WIDTH - LEFT - RIGHT));
    const y = (ms) => TOP + (1 - Math.min(ms, maxY) / maxY) * (HEIGHT - TOP - BOTTOM);

    replayedRuns(reply.chunks).forEach(([first, last]) => {
      // gap i lies between chunks i and i + 1: the run touches gaps first - 1 to last
      const [from, to] = [x(Math.max(0, first - 1)), x(Math.min(gaps - 1, last))];
      const band = svg("rect",
        { class: "replayed", x: from - 3, y: TOP, width: to - from + 6, height: HEIGHT - TOP - BOTTOM });
      band.append(svg("title", {}, `chunks ${first + 1}–${last + 1} replayed after a reconnect`));
      chart.append(band);
    });
    for (let value = 0; value <= maxY + 1e-9; value += step) {
      chart.append(svg("line", { class: "axis", x1: LEFT, x2: WIDTH - RIGHT, y1: y(value), y2: y(value) }));
      chart.append(svg("text", { class: "tick", x: LEFT - 6, y: y(value) + 4, "text-anchor": "end" },
        `${+value.toFixed(2)} ms`));
    }
    const every = Math.max(1, Math.ceil(gaps / 10));
    for (let i = 0; i < gaps; i += every) {
      chart.append(svg("text", { class: "tick", x: x(i), y: HEIGHT - 8, "text-anchor": "middle" }, String(i + 1)));
    }
    /** @type {[string, number[]][]} */
    const lines = [["send", timing.sendGapsMs], ["receive", timing.receiveGapsMs]];
    for (const [series, values] of lines) {
      const points = values.map((ms, i) => `${x(i).toFixed(1)},${y(ms).toFixed(1)}`).join(" ");
      chart.append(svg("polyline", { class: series, points }));
      values.forEach((ms, i) => {
        const leftOut = series === "receive" && !timing.judged[i];
        chart.append(svg("circle", { class: leftOut ? `${series} left-out` : series, cx: x(i), cy: y(ms), r: 2.2 }));
      });
    }
    this._legendReplayed.hidden = timing.judged.every(Boolean);
    this._verdict.textContent = timing.verdict;
    this._spans.textContent = `${reply.agent}, ${reply.status}: sent over ${timing.sendSpanMs.toFixed(1)} ms, `
      + `received over ${timing.receiveSpanMs.toFixed(1)} ms (ratio ${timing.spanRatio.toFixed(2)}).`;
  }
}

/** The runs of replayed chunks, as [first, last] indexes in arrival order. */
function replayedRuns(chunks) {
  const runs = [];
  chunks.forEach((chunk, i) => {
    if (!chunk.replayed) return;
    const run = runs[runs.length - 1];
    if (run && run[1] === i - 1) run[1] = i;
    else runs.push([i, i]);
  });
  return runs;
}
