// symrnn step viewer: runs each model's forward pass in the page, one step at a time.
// The data (weights, vocabulary, inputs) is the JSON in #symrnn-data, written by symrnn.viz.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("symrnn-data").textContent);

  // -- numbers -------------------------------------------------------------------------------

  function decode(array) {
    const bin = atob(array.data);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const flat = new Float64Array(bytes.buffer);
    const cols = array.shape.length > 1 ? array.shape[1] : 1;
    return { shape: array.shape, flat: flat, rows: array.shape[0], cols: cols };
  }

  const ACTIVATIONS = { relu: (z) => Math.max(z, 0), tanh: Math.tanh };

  // x (n) times M (n, m) plus b (m): the lesson's dot(x, W) + b
  function affine(x, M, b) {
    const out = new Float64Array(M.cols);
    for (let j = 0; j < M.cols; j++) out[j] = b.flat[j];
    for (let i = 0; i < M.rows; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      const base = i * M.cols;
      for (let j = 0; j < M.cols; j++) out[j] += xi * M.flat[base + j];
    }
    return out;
  }

  function softmax(z) {
    let top = -Infinity;
    for (const v of z) top = Math.max(top, v);
    const e = z.map((v) => Math.exp(v - top));
    let sum = 0;
    for (const v of e) sum += v;
    return e.map((v) => v / sum);
  }

  class Model {
    constructor(spec) {
      this.spec = spec;
      const a = {};
      for (const key in spec.arrays) a[key] = decode(spec.arrays[key]);
      this.a = a;
      this.H = a.W_h.rows;
      this.V = a.W_y.cols;
      this.act = ACTIVATIONS[spec.activation];
    }
    input(c) { return this.a.inputs.flat.slice(c * this.a.inputs.cols, (c + 1) * this.a.inputs.cols); }
    // one step: symbol c read with state hPrev → every number of the step
    step(c, hPrev) {
      const x = this.input(c);
      const Ux = affine(x, this.a.W_x, this.a.b_x);
      const Wh = affine(hPrev, this.a.W_h, this.a.b_h);
      const h = Ux.map((u, j) => this.act(u + Wh[j]));
      const logits = affine(h, this.a.W_y, this.a.b_y);
      return { c: c, x: x, hPrev: hPrev, Ux: Ux, Wh: Wh, h: h, logits: logits, p: softmax(logits) };
    }
    run(indices) {
      let h = new Float64Array(this.H);
      return indices.map((c) => { const s = this.step(c, h); h = s.h; return s; });
    }
  }

  // mulberry32: a small seeded generator, so a sample can be drawn again
  function generator(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // -- drawing ---------------------------------------------------------------------------------

  function colour(v, scale) {
    const a = Math.max(-1, Math.min(1, scale > 0 ? v / scale : 0));
    const [r, g, b] = a >= 0 ? [214, 39, 40] : [31, 119, 180];
    const k = Math.abs(a) * 0.85;
    return `rgb(${Math.round(255 + (r - 255) * k)},${Math.round(255 + (g - 255) * k)},${Math.round(255 + (b - 255) * k)})`;
  }

  function maxAbs(values) {
    let m = 0;
    for (const v of values) m = Math.max(m, Math.abs(v));
    return m;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function shown(ch) {
    return { "\n": "↵", " ": "␣", "\0": "∅", "\t": "⇥" }[ch] || ch;
  }

  class Matrix {
    constructor(parent, label, M) {
      this.M = M;
      this.scale = maxAbs(M.flat);
      this.cell = Math.max(1, Math.min(34, Math.floor(300 / Math.max(M.rows, M.cols))));
      const fig = el("figure", { class: "mat" });
      fig.appendChild(el("figcaption", {}, `${label}  (${M.rows}×${M.cols})`));
      this.canvas = el("canvas", { width: M.cols * this.cell, height: M.rows * this.cell });
      fig.appendChild(this.canvas);
      parent.appendChild(fig);
      this.draw(null);
    }
    draw(mark) {  // mark: {row: i} or {col: j} to outline, or null
      const ctx = this.canvas.getContext("2d"), s = this.cell, M = this.M;
      for (let i = 0; i < M.rows; i++) {
        for (let j = 0; j < M.cols; j++) {
          const v = M.flat[i * M.cols + j];
          ctx.fillStyle = colour(v, this.scale);
          ctx.fillRect(j * s, i * s, s, s);
          if (s >= 26) {
            ctx.fillStyle = "#111";
            ctx.font = "9px monospace";
            ctx.textAlign = "center";
            ctx.fillText(v.toFixed(2), j * s + s / 2, i * s + s / 2 + 3);
          }
        }
      }
      if (mark) {
        ctx.strokeStyle = "#111";
        ctx.lineWidth = 2;
        if ("row" in mark) ctx.strokeRect(1, mark.row * s + 1, M.cols * s - 2, s - 2);
        else ctx.strokeRect(mark.col * s + 1, 1, s - 2, M.rows * s - 2);
      }
    }
  }

  // -- one model ---------------------------------------------------------------------------------

  const VECTORS = [
    ["x", "x(t)", "the input"],
    ["hPrev", "h(t−1)", "the state before this step"],
    ["Ux", "U·x", "x(t)·W_x + b_x"],
    ["Wh", "W·h(t−1)", "h(t−1)·W_h + b_h"],
    ["h", "h(t)", "activation(U·x + W·h(t−1))"],
    ["logits", "V·h(t)", "h(t)·W_y + b_y"],
    ["p", "p(t)", "softmax(V·h(t)): the next symbol's probabilities"],
  ];

  class Panel {
    constructor(parent, spec, index) {
      this.model = new Model(spec);
      this.spec = spec;
      this.steps = this.model.run(spec.inputs);
      this.char = spec.kind === "char";
      this.unit = 0;
      const root = el("section", { class: "panel", "data-panel": String(index) });
      this.root = root;
      root.appendChild(el("h3", {}, spec.name));
      this.seq = el("div", { class: "seq", "data-name": "inputs" });
      this.guesses = el("div", { class: "seq", "data-name": "guesses" });
      root.appendChild(this.labelled("input", this.seq));
      this.symbols = spec.inputs.map((c) => this.seq.appendChild(el("span", { class: "sym" }, shown(spec.chars[c]))));
      const targets = spec.targets;
      if (targets) {
        const row = el("div", { class: "seq", "data-name": "targets" });
        targets.forEach((c) => row.appendChild(el("span", { class: "sym" }, shown(spec.chars[c]))));
        root.appendChild(this.labelled("target", row));
      }
      this.steps.forEach((s, t) => {
        const best = this.top(s.p, 5);
        const mark = targets ? (best[0][0] === targets[t] ? " right" : " wrong") : "";
        this.guesses.appendChild(el("span", { class: "sym guess" + mark, title: this.describe(best) },
          shown(spec.chars[best[0][0]])));
      });
      root.appendChild(this.labelled("likeliest next", this.guesses));
      this.cells = {};
      this.scales = {};
      for (const [key, label, about] of VECTORS) {
        if (this.char && (key === "logits" || key === "x" && spec.one_hot)) continue;  // V-wide rows: shown otherwise
        const cells = el("div", { class: "cells" });
        const row = this.labelled(label, cells);
        row.classList.add("vec");
        row.setAttribute("data-name", key);
        row.title = about;
        root.appendChild(row);
        this.cells[key] = cells;
        this.scales[key] = maxAbs(this.steps.flatMap((s) => Array.from(s[key])));
        if (key === "p") this.scales[key] = 1;
      }
      if (this.char) this.addCharTools(root);
      const mats = el("div", { class: "mats" });
      const L = spec.labels;
      this.mats = { W_x: new Matrix(mats, L.W_x, this.model.a.W_x), W_h: new Matrix(mats, L.W_h, this.model.a.W_h),
        W_y: new Matrix(mats, L.W_y, this.model.a.W_y) };
      root.appendChild(mats);
      parent.appendChild(root);
    }

    labelled(label, content) {
      const row = el("div", { class: "vec" });
      row.appendChild(el("span", { class: "row-label" }, label));
      row.appendChild(content);
      return row;
    }

    top(p, k) {
      return Array.from(p, (v, i) => [i, v]).filter(([i]) => this.spec.chars[i] !== "\0")
        .sort((a, b) => b[1] - a[1]).slice(0, k);
    }

    describe(best) {
      return best.map(([i, v]) => `${shown(this.spec.chars[i])} ${(100 * v).toFixed(1)}%`).join("  ");
    }

    addCharTools(root) {
      root.appendChild(el("div", { class: "row-label" }, "top 10 of p(t)"));
      this.bars = el("div", { class: "bars", "data-name": "bars" });
      root.appendChild(this.bars);
      const tools = el("div", { class: "tools" });
      tools.appendChild(el("span", {}, "hidden unit"));
      this.unitInput = el("input", { type: "number", min: "0", max: String(this.model.H - 1), value: "0",
        "data-name": "unit", style: "width: 5em" });
      this.unitInput.addEventListener("input", () => { this.unit = Number(this.unitInput.value) || 0; this.render(); });
      tools.appendChild(this.unitInput);
      tools.appendChild(el("span", {}, "over the text (click a number in h(t) to choose):"));
      root.appendChild(tools);
      this.heat = el("div", { class: "heat", "data-name": "heat" });
      this.heatSpans = this.spec.inputs.map((c) => this.heat.appendChild(el("span", {}, this.spec.chars[c])));
      root.appendChild(this.heat);
      const sampler = el("div", { class: "tools" });
      sampler.appendChild(el("span", {}, "temperature"));
      this.temperature = el("input", { type: "range", min: "0.1", max: "2", step: "0.1", value: "0.7",
        "data-name": "temperature" });
      const tLabel = el("span", {}, "0.7");
      this.temperature.addEventListener("input", () => { tLabel.textContent = this.temperature.value; });
      this.seed = el("input", { type: "number", value: "1", style: "width: 5em", "data-name": "seed" });
      const button = el("button", { type: "button", "data-name": "sample" }, "Sample after the text");
      button.addEventListener("click", () => this.sample(240));
      for (const node of [this.temperature, tLabel, el("span", {}, "seed"), this.seed, button]) sampler.appendChild(node);
      root.appendChild(sampler);
      this.sampleBox = el("div", { class: "sample", "data-name": "sampled" });
      root.appendChild(this.sampleBox);
    }

    // continue the text by drawing n symbols, each with probability ∝ p^(1/temperature)
    sample(n) {
      const temperature = Number(this.temperature.value), rand = generator(Number(this.seed.value) || 0);
      let last = this.steps[this.steps.length - 1], out = "";
      for (let k = 0; k < n; k++) {
        const w = last.p.map((v, i) => (this.spec.chars[i] === "\0" ? 0 : Math.exp(Math.log(v) / temperature)));
        let total = 0;
        for (const v of w) total += v;
        let r = rand() * total, c = 0;
        while (c < w.length - 1 && r >= w[c]) { r -= w[c]; c++; }
        out += this.spec.chars[c];
        last = this.model.step(c, last.h);
      }
      this.sampleBox.textContent = out;
    }

    render(t) {
      if (t !== undefined) this.t = Math.min(t, this.steps.length - 1);
      const s = this.steps[this.t];
      this.symbols.forEach((node, i) => node.classList.toggle("now", i === this.t));
      for (const key in this.cells) {
        const cells = this.cells[key], values = s[key];
        cells.replaceChildren();
        values.forEach((v, i) => {
          const label = key === "p" ? `${shown(this.spec.chars[i])} ${v.toFixed(3)}` : v.toFixed(3);
          const cell = el("span", { class: "cell", "data-value": String(v), "data-i": String(i) }, label);
          cell.style.background = colour(v, this.scales[key]);
          cell.addEventListener("mouseenter", () => this.highlight(key, i));
          cell.addEventListener("mouseleave", () => this.highlight(null));
          if (key === "h" && this.char) cell.addEventListener("click", () => { this.unit = i; this.unitInput.value = i; this.render(); });
          cells.appendChild(cell);
        });
      }
      if (this.char) {
        this.bars.replaceChildren();
        for (const [i, v] of this.top(s.p, 10)) {
          const bar = el("div", { class: "bar" });
          bar.appendChild(el("span", { style: "width: 2em" }, shown(this.spec.chars[i])));
          bar.appendChild(el("span", { class: "fill", style: `width: ${Math.round(240 * v)}px` }));
          bar.appendChild(el("span", {}, `${(100 * v).toFixed(1)}%`));
          this.bars.appendChild(bar);
        }
        const unit = Math.min(this.unit, this.model.H - 1);
        const scale = maxAbs(this.steps.map((step) => step.h[unit]));
        this.heatSpans.forEach((span, i) => {
          span.style.background = colour(this.steps[i].h[unit], scale);
          span.classList.toggle("now", i === this.t);
          span.title = `h[${unit}] = ${this.steps[i].h[unit].toFixed(3)}; next: ${this.describe(this.top(this.steps[i].p, 5))}`;
        });
      }
    }

    // outline the weights a number came from, and the numbers that fed it
    highlight(key, i) {
      const marks = { W_x: null, W_h: null, W_y: null }, lit = {};
      if (key === "x") marks.W_x = { row: i };
      else if (key === "hPrev") marks.W_h = { row: i };
      else if (key === "Ux") { marks.W_x = { col: i }; lit.x = true; }
      else if (key === "Wh") { marks.W_h = { col: i }; lit.hPrev = true; }
      else if (key === "h") { marks.W_x = { col: i }; marks.W_h = { col: i }; lit.Ux = i; lit.Wh = i; }
      else if (key === "logits" || key === "p") { marks.W_y = { col: i }; lit.h = true; }
      for (const name in this.mats) this.mats[name].draw(marks[name]);
      for (const name in this.cells) {
        Array.from(this.cells[name].children).forEach((cell, j) => {
          cell.classList.toggle("lit", name in lit && (lit[name] === true || lit[name] === j));
        });
      }
    }
  }

  // -- the page ----------------------------------------------------------------------------------

  const viewer = document.getElementById("viewer"), panels = [];
  for (const sec of DATA.sections) {
    viewer.appendChild(el("h2", {}, sec.title));
    if (sec.intro) viewer.appendChild(el("p", { class: "intro" }, sec.intro));
    const row = el("div", { class: "panels" });
    viewer.appendChild(row);
    for (const spec of sec.panels) panels.push(new Panel(row, spec, panels.length));
  }
  if (!panels.length) {  // nothing to step through (a model the viewer cannot show): no controls either
    document.getElementById("stepper").hidden = true;
    document.body.setAttribute("data-ready", "1");
    return;
  }
  const length = Math.max(...panels.map((p) => p.steps.length));
  let t = 0, timer = null;
  const clock = document.getElementById("time"), play = document.getElementById("play");

  function show(next) {
    t = Math.max(0, Math.min(length - 1, next));
    panels.forEach((p) => p.render(t));
    clock.textContent = `t = ${t} of ${length - 1}`;
    document.body.setAttribute("data-t", String(t));
  }

  function stop() { clearInterval(timer); timer = null; play.textContent = "▶ Play"; }

  document.getElementById("step").addEventListener("click", () => { stop(); show(t + 1); });
  document.getElementById("back").addEventListener("click", () => { stop(); show(t - 1); });
  play.addEventListener("click", () => {
    if (timer) { stop(); return; }
    if (t >= length - 1) show(0);
    play.textContent = "❚❚ Pause";
    timer = setInterval(() => { if (t >= length - 1) stop(); else show(t + 1); }, 700);
  });
  show(0);
  panels.forEach((p) => p.char && p.sample(240));
  document.body.setAttribute("data-ready", "1");
})();
