// The explorer page's script. It shows the numbers the page's data holds (computed by the
// engine and the explainer in Python) and never computes a derivative itself: hovering
// shows a node's or an edge's numbers, clicking lights paths and shows explanations,
// stepping replays the backward pass, and a film swaps in the numbers of each recorded step.
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("ts-data").textContent);
  const graph = data.graph;
  const film = data.film || null;
  const svg = document.querySelector("#graph svg");
  const panel = document.getElementById("panel");
  const tooltip = document.getElementById("tooltip");
  const COLORS = ["#1b9e77", "#7570b3"];

  const cards = new Map();
  const edgeGroups = new Map();
  const intoGroups = new Map();
  const pills = new Map();
  svg.querySelectorAll("[data-node]").forEach((g) => cards.set(Number(g.dataset.node), g));
  svg.querySelectorAll("[data-edge]").forEach((g) => edgeGroups.set(Number(g.dataset.edge), g));
  svg.querySelectorAll("[data-into]").forEach((g) => intoGroups.set(Number(g.dataset.into), g));
  svg.querySelectorAll("[data-op]").forEach((g) => pills.set(Number(g.dataset.op), g));
  // Each edge's derivative is written on a row of the op pill it goes into: its lines.
  const edgeLabels = new Map();
  svg.querySelectorAll(".ts-edge-label[data-label]").forEach((t) => {
    const e = Number(t.dataset.label);
    if (!edgeLabels.has(e)) edgeLabels.set(e, []);
    edgeLabels.get(e).push(t);
  });
  function labelsOf(e) {
    return edgeLabels.get(e) || [];
  }

  const explanations = data.explanations || {};
  const comparisons = data.comparisons || {};
  const steps = data.steps || [];
  let selection = (data.selection || []).slice();
  let step = null; // null: not replaying; -1 … steps.length − 1: the last step shown
  let frame = 0;
  let playing = null;

  // ---------------------------------------------------------------- small helpers
  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function nodeName(i) {
    return graph.nodes[i].name;
  }

  function rootName() {
    return nodeName(graph.root);
  }

  function valueText(i) {
    return film ? film.values[frame][i] : graph.nodes[i].value_text;
  }

  function gradientText(i) {
    return film ? film.gradients[frame][i] : graph.nodes[i].gradient_text;
  }

  function edgeText(e) {
    const edge = graph.edges[e];
    if (!film) return edge.text;
    const value = film.derivatives[frame][e];
    return edge.name + " = " + edge.formula + (value === null ? "" : " = " + value);
  }

  // A pre block, one line per span, lines of a comparison marked by what they say.
  function textBlock(text) {
    const pre = element("pre");
    let paragraph = null;
    for (const line of text.split("\n")) {
      if (line.trim() === "") paragraph = null;
      else if (paragraph === null) paragraph = line.startsWith("Verdict:") ? "verdict"
        : line.startsWith("Check FAILED") ? "failed" : "plain";
      let kind = paragraph === "plain" ? "" : paragraph || "";
      if (/\bDIFFERENT$/.test(line)) kind = "different";
      pre.appendChild(element("span", line, kind));
    }
    return pre;
  }

  // ---------------------------------------------------------------- tooltips
  function cardTip(i) {
    const node = graph.nodes[i];
    const box = element("div");
    const title = element("b", node.name);
    box.appendChild(title);
    if (node.definition) box.appendChild(element("span", "  " + node.definition, "quiet"));
    const facts = [node.kind];
    if (node.symbol) facts.push("computed by " + node.symbol + " (" + node.op + ")");
    if (node.group) facts.push(node.group.join(" · "));
    box.appendChild(element("div", facts.join(" · "), "quiet"));
    if (node.shape.length) {
      box.appendChild(element("div", "shape " + node.shape.join("×") + ", " + node.dtype));
    }
    box.appendChild(element("div", "value " + valueText(i)));
    const gradient = gradientText(i);
    if (gradient === null) {
      box.appendChild(element("div", "no gradient (a constant: backward skips it)", "quiet"));
    } else if (step !== null && cards.get(i).classList.contains("pending")) {
      box.appendChild(element("div", "∂" + rootName() + "/∂" + node.name + " not computed yet"));
    } else {
      box.appendChild(element("div", "∂" + rootName() + "/∂" + node.name + " = " + gradient));
    }
    if (explanations[i] && !film) {
      const verb = selection.length === 1 && selection[0] !== i
        ? "compare " + nodeName(selection[0]) + " with " : "explain ";
      box.appendChild(element("div", "click to " + verb + node.name, "quiet"));
    }
    return box;
  }

  function edgeTip(e) {
    const edge = graph.edges[e];
    const box = element("div");
    box.appendChild(element("b", edgeText(e)));
    const child = graph.nodes[edge.child];
    box.appendChild(element("div", "from " + nodeName(edge.parent) + " into " + child.name +
      " = " + child.symbol + "(…), operand " + (edge.operand + 1) + " of " +
      child.parents.length, "quiet"));
    if (!edge.gradient_flows) {
      box.appendChild(element("div", "backward sends no gradient down this edge: " +
        nodeName(edge.parent) + " does not require one", "quiet"));
    }
    return box;
  }

  function opTip(i) {
    const node = graph.nodes[i];
    const box = element("div");
    box.appendChild(element("b", node.name + " = " + node.symbol + "(" +
      node.parents.map(nodeName).join(", ") + ")"));
    box.appendChild(element("div", "the op " + node.op + "; its rows give the local " +
      "derivative of each edge coming in, where the edge arrives", "quiet"));
    return box;
  }

  function showTip(content, event) {
    tooltip.replaceChildren(content);
    tooltip.hidden = false;
    const x = Math.min(event.clientX + 14, window.innerWidth - tooltip.offsetWidth - 8);
    const y = event.clientY + 16 + tooltip.offsetHeight > window.innerHeight
      ? event.clientY - tooltip.offsetHeight - 10 : event.clientY + 16;
    tooltip.style.left = Math.max(4, x) + "px";
    tooltip.style.top = Math.max(4, y) + "px";
  }

  svg.addEventListener("mousemove", (event) => {
    const target = event.target.closest(
      "[data-node], [data-edge], [data-label], [data-into], [data-op]");
    if (!target) {
      tooltip.hidden = true;
      return;
    }
    const d = target.dataset;
    if (d.node !== undefined) showTip(cardTip(Number(d.node)), event);
    else if (d.edge !== undefined) showTip(edgeTip(Number(d.edge)), event);
    else if (d.label !== undefined) showTip(edgeTip(Number(d.label)), event);
    else showTip(opTip(Number(d.into !== undefined ? d.into : d.op)), event);
  });
  svg.addEventListener("mouseleave", () => { tooltip.hidden = true; });

  // ---------------------------------------------------------------- lit paths
  function light() {
    svg.querySelectorAll(".lit, .lit-0, .lit-1, .chosen-0, .chosen-1").forEach((el) => {
      el.classList.remove("lit", "lit-0", "lit-1", "chosen-0", "chosen-1");
    });
    svg.classList.toggle("selecting", selection.length > 0);
    selection.forEach((i, color) => {
      const explanation = explanations[i];
      if (!explanation) return;
      for (const n of explanation.nodes) {
        const card = cards.get(n);
        if (card) card.classList.add("lit-" + color);
      }
      for (const e of explanation.edges) {
        const group = edgeGroups.get(e);
        if (group) group.classList.add("lit", "lit-" + color);
        labelsOf(e).forEach((t) => t.classList.add("lit", "lit-" + color));
        const into = intoGroups.get(graph.edges[e].child);
        if (into) into.classList.add("lit", "lit-" + color);
      }
      const card = cards.get(i);
      if (card) card.classList.add("chosen-" + color);
    });
  }

  // ---------------------------------------------------------------- the panel
  function swatch(color) {
    const mark = element("span", null, "swatch");
    mark.style.background = COLORS[color];
    return mark;
  }

  function introPanel() {
    const root = graph.nodes[graph.root];
    panel.replaceChildren(element("h2", root.name + " = " + valueText(graph.root)));
    const lines = [
      "Hover a value card for its value and gradient, an edge for its local derivative " +
        "∂child/∂parent = formula = value.",
      "Click a weight: its paths to " + root.name + " light up and this panel shows the " +
        "chain rule for it. Click a second weight to compare the two.",
      "Step ▶ (or →) replays the backward pass one node at a time, in the engine's order.",
    ];
    for (const line of lines) panel.appendChild(element("p", line));
  }

  function explanationPanel(i) {
    const explanation = explanations[i];
    const heading = element("h2");
    heading.append(swatch(0), explanation.name + " = " + gradientText(i));
    panel.replaceChildren(heading, textBlock(explanation.text));
  }

  function comparisonPanel(a, b) {
    const heading = element("h2");
    heading.append(swatch(0), explanations[a].name + "  vs  ", swatch(1), explanations[b].name);
    const text = film ? filmComparison() : comparisons[a + "," + b];
    if (text === undefined) {
      panel.replaceChildren(heading, element("p", "This page holds the comparisons of the " +
        "highlighted weights only (the graph has many parameters): pass both to " +
        "ts.explore(…, highlight=[…]) to compare them. Click one weight to see its " +
        "explanation."));
      return;
    }
    panel.replaceChildren(heading, textBlock(text));
  }

  function stepPanel() {
    const heading = element("h2");
    if (step < 0) {
      heading.textContent = "Backward pass: ready";
      panel.replaceChildren(heading, element("p", "Every gradient is hidden. Step ▶ (→) " +
        "starts at the root and fills in one node per step, in the order the engine " +
        "visits them: reverse topological order, every child before its parents, so each " +
        "node's children already have their gradients when its turn comes."));
      return;
    }
    const current = steps[step];
    heading.textContent = "Backward pass · step " + (step + 1) + " of " + steps.length +
      ": " + nodeName(current.node);
    const body = element("pre");
    current.lines.forEach((line, k) => {
      body.appendChild(element("span", line, k === 0 ? "total" : ""));
    });
    panel.replaceChildren(heading, body);
  }

  function render() {
    if (step !== null) stepPanel();
    else if (film) comparisonPanel(film.pair[0], film.pair[1]);
    else if (selection.length === 2) comparisonPanel(selection[0], selection[1]);
    else if (selection.length === 1) explanationPanel(selection[0]);
    else introPanel();
  }

  // ---------------------------------------------------------------- clicks
  svg.addEventListener("click", (event) => {
    if (film) return; // the film's panel follows its two weights
    const card = event.target.closest("[data-node]");
    const i = card ? Number(card.dataset.node) : null;
    if (i === null || !explanations[i]) {
      if (!card) { selection = film ? film.pair.slice() : []; light(); render(); }
      return;
    }
    tooltip.hidden = true;
    if (step !== null) leaveSteps();
    if (selection.length === 1 && selection[0] !== i) selection = [selection[0], i];
    else if (selection.length === 1 && selection[0] === i) selection = [];
    else selection = [i];
    light();
    render();
  });
  cards.forEach((card, i) => { if (explanations[i] && !film) card.classList.add("clickable"); });

  // ---------------------------------------------------------------- backward replay
  function showStep(k) {
    step = Math.max(-1, Math.min(k, steps.length - 1));
    svg.classList.add("stepping");
    const reached = new Set(steps.slice(0, step + 1).map((s) => s.node));
    steps.forEach((s) => {
      const card = cards.get(s.node);
      if (!card) return;
      card.classList.toggle("pending", !reached.has(s.node));
      card.classList.remove("current");
    });
    svg.querySelectorAll(".flow").forEach((el) => el.classList.remove("flow"));
    if (step >= 0) {
      const current = steps[step];
      const card = cards.get(current.node);
      if (card) card.classList.add("current");
      for (const e of current.edges) {
        const group = edgeGroups.get(e);
        if (group) group.classList.add("flow");
        labelsOf(e).forEach((t) => t.classList.add("flow"));
        const into = intoGroups.get(graph.edges[e].child);
        if (into) into.classList.add("flow");
      }
    }
    document.getElementById("step-status").textContent =
      step < 0 ? "0 of " + steps.length : (step + 1) + " of " + steps.length;
    document.getElementById("step-leave").hidden = false;
    document.getElementById("step-back").disabled = step < 0;
    document.getElementById("step-next").disabled = step >= steps.length - 1;
    render();
  }

  function leaveSteps() {
    step = null;
    svg.classList.remove("stepping");
    svg.querySelectorAll(".pending, .current, .flow").forEach((el) => {
      el.classList.remove("pending", "current", "flow");
    });
    document.getElementById("step-status").textContent = "";
    document.getElementById("step-leave").hidden = true;
    document.getElementById("step-back").disabled = false;
    document.getElementById("step-next").disabled = false;
    render();
  }

  function startSteps() {
    selection = [];
    light();
  }

  function stepBy(delta) {
    if (step === null) { startSteps(); showStep(delta > 0 ? 0 : -1); } else showStep(step + delta);
  }

  // ---------------------------------------------------------------- the film
  function filmComparison() {
    const [which, slots] = film.comparisons[frame];
    const parts = film.templates[which];
    let text = parts[0];
    for (let k = 0; k < slots.length; k++) text += slots[k] + parts[k + 1];
    return text;
  }

  // Patched texts keep the edge the layout gave them: right-aligned numbers stay right-
  // aligned, labels centred, whatever the width of a later step's number.
  function anchor(text, where) {
    const x = Number(text.getAttribute("x"));
    const width = text.getComputedTextLength();
    text.setAttribute("x", String(where === "end" ? x + width : x + width / 2));
    text.setAttribute("text-anchor", where);
  }

  function showFrame(k) {
    frame = Math.max(0, Math.min(k, film.frames - 1));
    cards.forEach((card, i) => {
      const value = card.querySelector(".ts-value-text");
      if (value) value.textContent = film.values[frame][i];
      const gradient = card.querySelector(".ts-grad-text");
      if (gradient && film.gradients[frame][i] !== null) {
        gradient.textContent = film.gradients[frame][i];
        const color = film.fills[frame][i];
        if (color !== null) {
          const [fill, ink] = film.palette[color];
          card.querySelectorAll(".ts-grad-fill").forEach((p) => p.setAttribute("fill", fill));
          card.querySelectorAll(".ts-grad-row").forEach((el) => {
            if (el.tagName === "text") el.setAttribute("fill", ink);
          });
        }
      }
    });
    edgeLabels.forEach((lines, e) => {
      const label = lines.find((t) => t.dataset.stem !== undefined);
      const value = film.derivatives[frame][e];
      if (label && value !== null) label.textContent = label.dataset.stem + value;
    });
    document.getElementById("film-slider").value = String(frame);
    document.getElementById("film-status").textContent =
      "step " + frame.toLocaleString("en-US") + " of " + (film.frames - 1).toLocaleString("en-US");
    moveCursor();
    render();
  }

  function play() {
    const button = document.getElementById("film-play");
    if (playing !== null) {
      clearInterval(playing);
      playing = null;
      button.textContent = "▶ Play";
      return;
    }
    if (frame >= film.frames - 1) showFrame(0);
    const stride = Math.max(1, Math.round(film.frames / 400));
    button.textContent = "❚❚ Pause";
    playing = setInterval(() => {
      if (frame >= film.frames - 1) { play(); return; }
      showFrame(frame + stride);
    }, 40);
  }

  const SVGNS = "http://www.w3.org/2000/svg";
  let cursor = null;
  const PLOT = { width: 1000, height: 60, top: 6 };

  function plotX(k) {
    return film.frames > 1 ? (k / (film.frames - 1)) * PLOT.width : 0;
  }

  function drawTimeline() {
    const box = document.getElementById("timeline");
    box.hidden = false;
    const plot = document.createElementNS(SVGNS, "svg");
    plot.setAttribute("viewBox", "0 0 " + PLOT.width + " " + (PLOT.height + PLOT.top + 8));
    plot.setAttribute("preserveAspectRatio", "none");
    const largest = Math.max(...film.gap.map((g) => (Number.isFinite(g) ? g : 0)), 0);
    const base = PLOT.top + PLOT.height;
    const axis = document.createElementNS(SVGNS, "line");
    for (const [key, value] of [["x1", 0], ["x2", PLOT.width], ["y1", base], ["y2", base],
      ["stroke", "#b9c0c8"], ["stroke-width", "1"]]) axis.setAttribute(key, String(value));
    plot.appendChild(axis);
    const points = film.gap.map((g, k) => {
      const y = largest > 0 && Number.isFinite(g) ? base - (g / largest) * PLOT.height : base;
      return plotX(k).toFixed(1) + "," + y.toFixed(1);
    });
    const line = document.createElementNS(SVGNS, "polyline");
    line.setAttribute("points", points.join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", "#7570b3");
    line.setAttribute("stroke-width", "1.6");
    line.setAttribute("vector-effect", "non-scaling-stroke");
    plot.appendChild(line);
    if (film.parting.step !== null) {
      const mark = document.createElementNS(SVGNS, "line");
      const x = plotX(film.parting.step);
      for (const [key, value] of [["x1", x], ["x2", x], ["y1", 0], ["y2", base],
        ["stroke", "#e6550d"], ["stroke-width", "2"], ["stroke-dasharray", "4 3"]]) {
        mark.setAttribute(key, String(value));
      }
      mark.setAttribute("vector-effect", "non-scaling-stroke");
      plot.appendChild(mark);
    }
    cursor = document.createElementNS(SVGNS, "line");
    for (const [key, value] of [["y1", 0], ["y2", base + 8], ["stroke", "#222222"],
      ["stroke-width", "1.5"]]) cursor.setAttribute(key, String(value));
    cursor.setAttribute("vector-effect", "non-scaling-stroke");
    plot.appendChild(cursor);
    const seek = (event) => {
      const rect = plot.getBoundingClientRect();
      const share = (event.clientX - rect.left) / rect.width;
      showFrame(Math.round(share * (film.frames - 1)));
    };
    plot.addEventListener("click", seek);
    plot.addEventListener("mousemove", (event) => { if (event.buttons === 1) seek(event); });
    const caption = element("span", film.gap_caption + " " + film.parting.text, "caption");
    caption.id = "parting";
    box.replaceChildren(plot, caption);
  }

  function moveCursor() {
    if (!cursor) return;
    const x = String(plotX(frame));
    cursor.setAttribute("x1", x);
    cursor.setAttribute("x2", x);
  }

  function startFilm() {
    document.getElementById("film-controls").hidden = false;
    const slider = document.getElementById("film-slider");
    slider.max = String(film.frames - 1);
    slider.addEventListener("input", () => showFrame(Number(slider.value)));
    document.getElementById("film-play").addEventListener("click", play);
    svg.querySelectorAll(".ts-value-text, .ts-grad-text").forEach((t) => anchor(t, "end"));
    drawTimeline();
    selection = film.pair.slice();
    light();
    showFrame(0);
  }

  // ---------------------------------------------------------------- zoom
  const area = document.getElementById("graph");
  const natural = {
    width: Number.parseFloat(svg.dataset.width) * (96 / 72) || svg.viewBox.baseVal.width,
    height: Number.parseFloat(svg.dataset.height) * (96 / 72) || svg.viewBox.baseVal.height,
  };
  let zoom = null; // null: fit the picture into its area
  function fitted() {
    return Math.min(1, (area.clientWidth - 16) / natural.width,
      (area.clientHeight - 16) / natural.height);
  }
  function applyZoom() {
    svg.style.width = Math.round(natural.width * (zoom === null ? fitted() : zoom)) + "px";
  }
  function zoomBy(factor) {
    zoom = Math.max(0.1, Math.min(4, (zoom === null ? fitted() : zoom) * factor));
    applyZoom();
  }
  // Drag the picture to move around it when it is larger than its area.
  let drag = null;
  area.addEventListener("mousedown", (event) => {
    if (event.button !== 0 || event.target.closest("[data-node], [data-edge]")) return;
    drag = { x: event.clientX, y: event.clientY, left: area.scrollLeft, top: area.scrollTop };
    area.classList.add("panning");
  });
  window.addEventListener("mousemove", (event) => {
    if (!drag) return;
    area.scrollLeft = drag.left - (event.clientX - drag.x);
    area.scrollTop = drag.top - (event.clientY - drag.y);
  });
  window.addEventListener("mouseup", () => { drag = null; area.classList.remove("panning"); });
  document.getElementById("zoom-in").addEventListener("click", () => zoomBy(1.25));
  document.getElementById("zoom-out").addEventListener("click", () => zoomBy(0.8));
  document.getElementById("zoom-fit").addEventListener("click", () => { zoom = null; applyZoom(); });
  window.addEventListener("resize", () => { if (zoom === null) applyZoom(); });

  // ---------------------------------------------------------------- keys and buttons
  document.addEventListener("keydown", (event) => {
    if (event.target.tagName === "INPUT" && event.key !== " ") return;
    const key = event.key;
    if (film) {
      if (key === "ArrowRight") showFrame(frame + 1);
      else if (key === "ArrowLeft") showFrame(frame - 1);
      else if (key === "Home") showFrame(0);
      else if (key === "End") showFrame(film.frames - 1);
      else if (key === " ") play();
      else return;
    } else if (key === "ArrowRight") stepBy(1);
    else if (key === "ArrowLeft") stepBy(-1);
    else if (key === "Home") { startSteps(); showStep(-1); }
    else if (key === "End") { startSteps(); showStep(steps.length - 1); }
    else if (key === "Escape") {
      if (step !== null) leaveSteps();
      else { selection = []; light(); render(); }
    } else if (key === "+" || key === "=") zoomBy(1.25);
    else if (key === "-") zoomBy(0.8);
    else if (key === "0") { zoom = null; applyZoom(); }
    else return;
    event.preventDefault();
  });

  if (film) {
    startFilm();
  } else {
    document.getElementById("backward-controls").hidden = false;
    document.getElementById("step-next").addEventListener("click", () => stepBy(1));
    document.getElementById("step-back").addEventListener("click", () => stepBy(-1));
    document.getElementById("step-reset").addEventListener("click", () => { startSteps(); showStep(-1); });
    document.getElementById("step-all").addEventListener("click", () => { startSteps(); showStep(steps.length - 1); });
    document.getElementById("step-leave").addEventListener("click", leaveSteps);
    light();
    render();
  }
  applyZoom();
  document.body.dataset.ready = "true";
}());
