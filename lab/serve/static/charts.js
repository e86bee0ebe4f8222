"use strict";
// The page's live charts on <canvas>: a scrolling spectrogram, lines over time, and
// markers for what the board detected. Times are stream seconds (the firmware's t_ms).

const WINDOW_S = 10;                 // the charts show the last ten seconds
const MAX_COLUMNS = 2000;            // spectrogram columns kept (40 s at 20 ms)
const SERIES_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

// 256 colours from black through purple and orange to pale yellow (like "magma").
const PALETTE = (() => {
  const stops = [[0, 0, 0, 4], [0.25, 80, 18, 123], [0.5, 183, 55, 121],
                 [0.75, 252, 137, 97], [1, 252, 253, 191]];
  const colours = [];
  for (let i = 0; i < 256; i++) {
    const x = i / 255;
    let k = 0;
    while (k < stops.length - 2 && x > stops[k + 1][0]) k++;
    const [x0, r0, g0, b0] = stops[k];
    const [x1, r1, g1, b1] = stops[k + 1];
    const f = (x - x0) / (x1 - x0);
    colours.push([r0 + f * (r1 - r0), g0 + f * (g1 - g0), b0 + f * (b1 - b0)].map(Math.round));
  }
  return colours;
})();

class TimeChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d");
    this.markers = [];               // [t, label]
    this.now = 0;
    this.dirty = true;
  }

  mark(t, label) { this.markers.push([t, label]); this.advance(t); }

  advance(t) { if (t > this.now) this.now = t; this.dirty = true; }

  start() { return Math.max(0, this.now - WINDOW_S); }

  x(t) { return (t - this.start()) / WINDOW_S * this.canvas.width; }

  drawMarkers() {
    const c = this.context;
    c.font = "bold 13px sans-serif";
    for (const [t, label] of this.markers) {
      const x = this.x(t);
      if (x < -50 || x > this.canvas.width) continue;
      c.strokeStyle = "#00e0ff";
      c.lineWidth = 2;
      c.beginPath(); c.moveTo(x, 0); c.lineTo(x, this.canvas.height); c.stroke();
      c.fillStyle = "#00c8e6";
      c.fillText(label, x + 4, 32);                  // below the legend
    }
  }

  drawAxis() {
    const c = this.context;
    c.fillStyle = "#888";
    c.font = "11px sans-serif";
    for (let t = Math.ceil(this.start()); t <= this.start() + WINDOW_S; t++) {
      c.fillText(`${t}s`, this.x(t) + 2, this.canvas.height - 3);
    }
  }
}

class Spectrogram extends TimeChart {
  constructor(canvas) {
    super(canvas);
    this.image = document.createElement("canvas");   // one pixel per column and band
    this.image.width = MAX_COLUMNS;
    this.image.height = 64;
    this.columns = 0;
    this.step = 0.02;
  }

  // {t0, step_s, bands, data: base64 uint8 (columns x bands)}
  add(message) {
    const bytes = Uint8Array.from(atob(message.data), (ch) => ch.charCodeAt(0));
    const bands = message.bands;
    const count = bytes.length / bands;
    if (this.image.height !== bands) this.image.height = bands;
    this.step = message.step_s;
    const pixels = this.image.getContext("2d").createImageData(1, bands);
    const first = Math.round(message.t0 / this.step);
    for (let col = 0; col < count; col++) {
      for (let band = 0; band < bands; band++) {
        const colour = PALETTE[bytes[col * bands + band]];
        const row = (bands - 1 - band) * 4;         // low frequencies at the bottom
        pixels.data.set([colour[0], colour[1], colour[2], 255], row);
      }
      this.image.getContext("2d").putImageData(pixels, (first + col) % MAX_COLUMNS, 0);
    }
    this.columns = Math.max(this.columns, first + count);
    this.advance(this.columns * this.step);
  }

  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    const c = this.context;
    const { width, height } = this.canvas;
    c.fillStyle = "#000";
    c.fillRect(0, 0, width, height);
    const pixelsPerColumn = width / (WINDOW_S / this.step);
    let column = Math.max(0, Math.floor(this.start() / this.step), this.columns - MAX_COLUMNS);
    c.imageSmoothingEnabled = false;
    while (column < this.columns) {          // the ring buffer in at most two pieces
      const from = column % MAX_COLUMNS;
      const run = Math.min(this.columns - column, MAX_COLUMNS - from);
      c.drawImage(this.image, from, 0, run, this.image.height, this.x(column * this.step), 0,
                  run * pixelsPerColumn, height);
      column += run;
    }
    this.drawMarkers();
    this.drawAxis();
  }
}

class LineChart extends TimeChart {
  constructor(canvas, range) {
    super(canvas);
    this.series = new Map();         // name -> [[t, value], ...]
    this.range = range;              // [min, max] or null to follow the data
    this.seen = [Infinity, -Infinity];
  }

  add(name, t, value) {
    if (!this.series.has(name)) this.series.set(name, []);
    const points = this.series.get(name);
    points.push([t, value]);
    if (points.length > 5000) points.splice(0, points.length - 5000);
    this.seen = [Math.min(this.seen[0], value), Math.max(this.seen[1], value)];
    this.advance(t);
  }

  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    const c = this.context;
    const { width, height } = this.canvas;
    c.fillStyle = "#fff";
    c.fillRect(0, 0, width, height);
    const [low, high] = this.range || [Math.min(0, this.seen[0]), Math.max(1, this.seen[1])];
    const y = (v) => height - 14 - (v - low) / (high - low || 1) * (height - 24);
    c.strokeStyle = "#eee";
    c.beginPath(); c.moveTo(0, y(0)); c.lineTo(width, y(0)); c.stroke();
    let index = 0;
    for (const [name, points] of this.series) {
      const colour = SERIES_COLORS[index % SERIES_COLORS.length];
      c.strokeStyle = colour;
      c.lineWidth = 1.5;
      c.beginPath();
      let started = false;
      for (const [t, v] of points) {
        if (t < this.now - WINDOW_S - 1) continue;
        if (started) c.lineTo(this.x(t), y(v)); else c.moveTo(this.x(t), y(v));
        started = true;
      }
      c.stroke();
      c.fillStyle = colour;
      c.font = "12px sans-serif";
      c.fillText(name, 6 + index * 80, 14);
      index++;
    }
    this.drawMarkers();
    this.drawAxis();
  }
}
