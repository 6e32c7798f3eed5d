/* paper-kg graph page. Every string from the graph reaches the DOM through textContent or a
 * checked http(s) href, never through innerHTML. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var nodeTypes = data.nodeTypes, relTypes = data.relationTypes;
  var byId = new Map();
  data.nodes.forEach(function (n, i) { byId.set(n.id, i); });
  var kg = { data: data, ready: false };
  window.kg = kg;

  // ---- small DOM helpers ----------------------------------------------------------------
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function safeHref(url) {
    try {
      var u = new URL(String(url));
      return (u.protocol === "http:" || u.protocol === "https:") ? u.href : null;
    } catch (err) { return null; }
  }
  function link(url, text) {
    var href = safeHref(url);
    if (!href) return el("span", null, text);
    var a = el("a", null, text);
    a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
    return a;
  }
  function fmt(n) { return Number(n).toLocaleString("en-US"); }
  function plural(n, word) { return fmt(n) + " " + word + (n === 1 ? "" : "s"); }
  function conf(c) { return (typeof c === "number") ? c.toFixed(2) : "–"; }
  function shorten(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + "…" : s; }
  function badge(text, color) {
    var b = el("span", "badge", text);
    b.style.background = color;
    return b;
  }

  // ---- header ---------------------------------------------------------------------------
  var c = data.counts;
  document.getElementById("title").textContent = data.title;
  var countText = plural(c.nodes, "node") + " · " + plural(c.edges, "edge") +
    " · from " + plural(c.papers, "paper");
  if (c.nodes < c.totalNodes) countText += " · showing " + fmt(c.nodes) + " of " + fmt(c.totalNodes) + " nodes";
  document.getElementById("counts").textContent = countText;
  document.getElementById("generated").textContent = "Generated " + data.generated + " by paper-kg.";
  if (data.notes.length) {
    var notes = document.getElementById("notes");
    data.notes.forEach(function (n) { notes.appendChild(el("li", null, n)); });
    document.getElementById("notes-box").hidden = false;
  }

  // ---- vis data -------------------------------------------------------------------------
  var maxPapers = 1;
  data.nodes.forEach(function (n) { if (n.papers && n.papers > maxPapers) maxPapers = n.papers; });
  // Size grows with the square root of the paper count so one hub doesn't flatten the rest;
  // Paper nodes have a fixed size.
  function sizeFraction(n) {
    if (n.papers === null || n.papers === undefined) return 0.12;
    if (maxPapers <= 1) return 0.2;
    return Math.sqrt((Math.max(n.papers, 1) - 1) / (maxPapers - 1));
  }
  var big = data.nodes.length > 1500;
  var LABEL_INSIDE = ["ellipse", "circle", "box", "database", "text"];
  var visNodes = new vis.DataSet(data.nodes.map(function (n, i) {
    var t = nodeTypes[n.type];
    // vis draws these shapes around their label, so a label would inflate the node itself;
    // such nodes are named on hover and in the side panel instead.
    var labelInside = LABEL_INSIDE.indexOf(t.shape) >= 0;
    var node = {
      id: i, type: n.type, label: labelInside ? undefined : shorten(n.name, n.type === "Paper" ? 36 : 40),
      shape: t.shape, value: sizeFraction(n), title: nodeTooltip(n),
      color: { background: t.color, border: shade(t.color), highlight: { background: t.color, border: "#1f2328" },
               hover: { background: t.color, border: "#1f2328" } },
    };
    if (n.x !== undefined) { node.x = n.x; node.y = n.y; }
    return node;
  }));
  var visEdges = new vis.DataSet(data.edges.map(function (e, i) {
    var color = relTypes[e.type] ? relTypes[e.type].color : "#999999";
    return {
      id: i, from: e.from, to: e.to, type: e.type,
      width: 1 + Math.log2(Math.max(e.support || 1, 1)), title: edgeTooltip(e),
      color: { color: color, opacity: 0.55, highlight: color, hover: color },
    };
  }));
  // Hover tooltips. vis-network shows a string title as plain text (never HTML), so input text
  // is safe here; the CSS keeps the line breaks.
  function nodeTooltip(n) {
    var lines = [n.name, n.type + (n.papers ? " · " + n.papers + (n.papers === 1 ? " paper" : " papers") : "")];
    (n.paperIds || []).slice(0, 3).forEach(function (pid) {
      var p = data.papers[pid];
      if (p) lines.push("• " + shorten(p.title, 70));
    });
    if (n.paperIds && n.paperIds.length > 3) lines.push("… and " + (n.paperIds.length - 3) + " more");
    return lines.join("\n");
  }
  function edgeTooltip(e) {
    var lines = [e.type + (e.support > 1 ? " · " + e.support + " papers" : "")];
    var ev = (e.evidence || [])[0];
    if (ev) {
      lines.push("“" + shorten(ev.sentence, 160) + "”");
      lines.push((ev.extractor || "") + (ev.confidence != null ? " · " + Number(ev.confidence).toFixed(2) : ""));
    }
    return lines.join("\n");
  }
  function shade(hex) {
    var v = parseInt(hex.slice(1), 16);
    var r = Math.round(((v >> 16) & 255) * 0.7), g = Math.round(((v >> 8) & 255) * 0.7), b = Math.round((v & 255) * 0.7);
    return "#" + ((1 << 24) + (r << 16) + (g << 8) + b).toString(16).slice(1);
  }

  // ---- filters --------------------------------------------------------------------------
  var typeOn = {}, relOn = {};
  Object.keys(nodeTypes).forEach(function (t) { typeOn[t] = true; });
  Object.keys(relTypes).forEach(function (r) { relOn[r] = true; });
  var nodeView = new vis.DataView(visNodes, { filter: function (n) { return typeOn[n.type]; } });
  var edgeView = new vis.DataView(visEdges, { filter: function (e) { return relOn[e.type] !== false; } });

  function countBy(items, key) {
    var m = {};
    items.forEach(function (x) { m[x[key]] = (m[x[key]] || 0) + 1; });
    return m;
  }
  var typeCounts = countBy(data.nodes, "type"), relCounts = countBy(data.edges, "type");
  var filterRows = { node: [], rel: [] };

  function filterRow(group, name, mark, count, description, state) {
    var row = el("label", "filter");
    row.title = description;
    var box = el("input");
    box.type = "checkbox"; box.checked = true; box.dataset.name = name; box.dataset.group = group;
    row.appendChild(box);
    row.appendChild(mark);
    row.appendChild(el("span", "name", name));
    row.appendChild(el("span", "count", fmt(count)));
    box.addEventListener("change", function () {
      state[name] = box.checked;
      row.classList.toggle("off", !box.checked);
      (group === "node" ? nodeView : edgeView).refresh();
    });
    filterRows[group].push(box);
    return row;
  }
  var nodeFilters = document.getElementById("node-filters");
  Object.keys(nodeTypes).forEach(function (t) {
    var sw = el("span", "swatch shape-" + nodeTypes[t].shape);
    sw.style.background = nodeTypes[t].color;
    nodeFilters.appendChild(filterRow("node", t, sw, typeCounts[t] || 0, nodeTypes[t].description, typeOn));
  });
  var relFilters = document.getElementById("rel-filters");
  Object.keys(relTypes).forEach(function (r) {
    var line = el("span", "rel-line");
    line.style.background = relTypes[r].color;
    relFilters.appendChild(filterRow("rel", r, line, relCounts[r] || 0, relTypes[r].description, relOn));
  });
  document.querySelectorAll(".toggle-all").forEach(function (t) {
    t.addEventListener("click", function (ev) {
      ev.preventDefault();
      var boxes = filterRows[t.dataset.group];
      var anyOn = boxes.some(function (b) { return b.checked; });
      boxes.forEach(function (b) {
        if (b.checked === anyOn) { b.checked = !anyOn; b.dispatchEvent(new Event("change")); }
      });
    });
  });
  function showType(type) {
    if (typeOn[type]) return;
    filterRows.node.forEach(function (b) {
      if (b.dataset.name === type) { b.checked = true; b.dispatchEvent(new Event("change")); }
    });
  }

  // ---- the network ----------------------------------------------------------------------
  var container = document.getElementById("graph");
  var LABEL_MIN = 12, LABEL_MAX = 34, READABLE_PX = 10, BIGGEST_PX = 19;
  var options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    nodes: {
      borderWidth: 1,
      scaling: {
        min: 8, max: 50,
        customScalingFunction: function (min, max, total, value) { return value; },
        // Labels grow with the node; a label is drawn only once it is this many screen pixels
        // tall, so at the default zoom only the big nodes are named and labels don't pile up.
        label: { enabled: true, min: LABEL_MIN, max: LABEL_MAX, drawThreshold: 8, maxVisible: 20 },
      },
      font: { face: "-apple-system, Segoe UI, Roboto, Arial, sans-serif", color: "#1f2328",
              strokeWidth: 3, strokeColor: "rgba(255,255,255,0.85)" },
    },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.45 } },
      smooth: false,
      selectionWidth: 2,
      hoverWidth: 0.5,
    },
    interaction: {
      hover: true, tooltipDelay: 150, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
      multiselect: false, navigationButtons: false, keyboard: false,
    },
    physics: data.laidOut ? false : {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -40, springLength: 80, springConstant: 0.06, avoidOverlap: 0.2 },
      stabilization: { enabled: true, iterations: big ? 150 : 400, updateInterval: 50, fit: true },
      minVelocity: 1.5,
    },
  };
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);
  kg.network = network; kg.nodes = visNodes; kg.edges = visEdges;

  var loading = document.getElementById("loading");
  function ready() {
    if (kg.ready) return;
    // Layout is computed once; afterwards the picture only moves when the user drags.
    network.setOptions({ physics: false });
    fitLabels();
    loading.classList.add("done");
    kg.ready = true;
    document.body.dataset.ready = "true";
    if (data.focus.length) select(data.focus[0], false);
  }
  if (!data.nodes.length) {
    loading.classList.add("done");
    document.getElementById("empty").hidden = false;
    kg.ready = true; document.body.dataset.ready = "true";
  } else if (data.laidOut) {
    network.once("afterDrawing", ready);
  } else {
    network.on("stabilizationProgress", function (p) {
      loading.textContent = "Laying out the graph… " + Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", function () { network.fit(); ready(); });
  }
  // Name at most LABEL_BUDGET nodes at the current zoom, the biggest first; the rest appear as
  // the user zooms in and their labels grow past the threshold. Keeps the default view legible.
  var LABEL_BUDGET = Math.max(10, Math.min(35, Math.round(container.clientWidth * container.clientHeight / 40000)));
  var fractions = visNodes.get().map(function (n) { return n.value; }).sort(function (a, b) { return b - a; });
  function fitLabels() {
    var scale = network.getScale();
    var k = Math.min(LABEL_BUDGET, fractions.length) - 1;
    var cut = fractions[k];
    // Nodes tied with the last one in budget would all be named: raise the cut above the tie.
    if (k + 1 < fractions.length && fractions[k + 1] === cut) {
      var higher = fractions.filter(function (f) { return f > cut; });
      cut = higher.length ? higher[higher.length - 1] : 2;
    }
    // Map the named nodes' labels onto READABLE_PX..BIGGEST_PX on screen at this zoom (the
    // biggest node gets the biggest label); the unnamed ones fall under the draw threshold.
    var max = LABEL_MAX, min = LABEL_MIN, threshold = READABLE_PX - 0.01;
    if (cut > 1) {
      threshold = Infinity;
    } else if (cut < 1) {
      max = BIGGEST_PX / scale;
      min = Math.max(LABEL_MIN, (READABLE_PX - BIGGEST_PX * cut) / (scale * (1 - cut)));
    } else {
      max = min = BIGGEST_PX / scale;
    }
    network.setOptions({ nodes: { scaling: { label: { min: min, max: max, drawThreshold: threshold } } } });
    // vis applies scaling options to font sizes only when values are re-ranged (on data
    // updates); ask for that directly instead of re-adding thousands of nodes.
    network.body.emitter.emit("_dataUpdated");
  }

  document.getElementById("fit").addEventListener("click", function () {
    network.fit();
    fitLabels();
  });

  // ---- hover tooltip --------------------------------------------------------------------
  var tip = document.getElementById("tooltip");
  network.on("hoverNode", function (p) {
    var n = data.nodes[p.node];
    tip.textContent = "";
    tip.appendChild(el("span", null, n.name));
    var what = n.type + (n.papers ? " · " + plural(n.papers, "paper") : "");
    tip.appendChild(el("span", "tip-type", what));
    tip.style.left = (p.pointer.DOM.x + 14) + "px";
    tip.style.top = (p.pointer.DOM.y + 14) + "px";
    tip.hidden = false;
  });
  network.on("blurNode", function () { tip.hidden = true; });
  network.on("dragStart", function () { tip.hidden = true; });

  // ---- side panel -----------------------------------------------------------------------
  var panel = document.getElementById("panel"), body = document.getElementById("panel-body");
  document.getElementById("panel-close").addEventListener("click", function () {
    panel.hidden = true; network.unselectAll();
  });
  function section(title) {
    body.appendChild(el("h3", null, title));
  }
  function nodeLink(index) {
    var n = data.nodes[index];
    var a = el("span", "node-link", shorten(n.name, 90));
    a.title = n.type + ": " + n.name;
    a.addEventListener("click", function () { select(index, true); });
    return a;
  }
  function paperItem(pid, tag) {
    var li = el("li");
    var p = data.papers[pid];
    if (p) li.appendChild(link(p.url, p.title)); else li.appendChild(el("span", null, pid));
    if (byId.has(pid)) {
      var go = el("span", "node-link tag", "show");
      go.addEventListener("click", function () { select(byId.get(pid), true); });
      li.appendChild(go);
    }
    if (tag) li.appendChild(el("span", "tag", tag));
    return li;
  }
  function list(items, limit, render) {
    var ul = el("ul");
    items.slice(0, limit).forEach(function (x) { ul.appendChild(render(x)); });
    if (items.length > limit) ul.appendChild(el("li", "meta", "… and " + fmt(items.length - limit) + " more"));
    body.appendChild(ul);
  }
  function openPanel() { panel.hidden = false; body.scrollTop = 0; panel.scrollTop = 0; }

  function showNode(index) {
    var n = data.nodes[index];
    body.textContent = "";
    body.appendChild(badge(n.type, nodeTypes[n.type].color));
    body.appendChild(el("h2", null, n.name));
    body.appendChild(el("div", "meta", n.id));
    var facts = [];
    if (n.papers) facts.push(plural(n.papers, "paper"));
    if (typeof n.confidence === "number") facts.push("confidence " + conf(n.confidence));
    if (n.date) facts.push(n.date);
    if (n.arxiv_id) facts.push("arXiv " + n.arxiv_id);
    if (facts.length) body.appendChild(el("div", "meta", facts.join(" · ")));
    if (n.url) { var d = el("div", "meta"); d.appendChild(link(n.url, n.url)); body.appendChild(d); }
    if (n.type === "Result") showResultFacts(n);
    if (n.authors) body.appendChild(el("div", "meta", shorten(n.authors.join(", "), 300)));
    if (n.type === "Paper") showPaperFacts(n);

    if (n.aliases && n.aliases.length) {
      section("Also called");
      var chips = el("div", "chips");
      n.aliases.forEach(function (a) { chips.appendChild(el("span", "chip", a)); });
      body.appendChild(chips);
    }
    if (n.abstract) {
      section("Abstract");
      var det = el("details");
      det.appendChild(el("summary", null, shorten(n.abstract, 140)));
      det.appendChild(el("div", "abstract", n.abstract));
      body.appendChild(det);
    }
    if (n.boards && n.boards.length) {
      section("Leaderboards");
      n.boards.forEach(function (k) { body.appendChild(boardBlock(data.benchmarks[k], n.id)); });
    }
    if (n.trend) {
      section("Papers per month");
      body.appendChild(sparkline(n.trend));
    }
    var paperIds = n.type === "Paper" ? [n.id] : (n.paperIds || []);
    if (n.type !== "Paper" && paperIds.length) {
      section("Papers");
      var proposers = new Set(n.proposed_by || []);
      var ordered = paperIds.slice().sort(function (a, b) { return proposers.has(b) - proposers.has(a); });
      list(ordered, 40, function (pid) { return paperItem(pid, proposers.has(pid) ? "proposes it" : ""); });
    }
    var links = [], seen = new Set();
    paperIds.forEach(function (pid) {
      var p = data.papers[pid];
      (p && p.links || []).forEach(function (l) {
        if (!seen.has(l.url) && l.id !== n.id) { seen.add(l.url); links.push(l); }
      });
    });
    if (links.length) {
      section("Code and pages");
      list(links, 20, function (l) { var li = el("li"); li.appendChild(link(l.url, l.name)); return li; });
    }
    if (n.results && n.results.length) {
      section("Results");
      list(n.results, 30, function (ri) { return resultItem(data.results[ri], n); });
    }
    if (n.sources) {
      section("Read from");
      list(n.sources, 5, function (s) { return el("li", "meta", s); });
    }
    showConnections(index);
    openPanel();
  }

  // What the paper's source said beyond its text (arXiv, Hugging Face, Semantic Scholar …).
  function showPaperFacts(n) {
    var box = el("dl", "paper-facts");
    function fact(label, value) {
      if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return;
      box.appendChild(el("dt", null, label));
      var dd = el("dd");
      if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
      box.appendChild(dd);
    }
    fact("DOI", n.doi ? link("https://doi.org/" + encodeURI(n.doi), n.doi) : null);
    fact("Venue", n.venue);
    fact("Journal", n.journal_ref);
    var cats = (n.categories || []).slice();
    if (n.primary_category && cats.indexOf(n.primary_category) < 0) cats.unshift(n.primary_category);
    fact("Categories", cats.map(function (c) { return c === n.primary_category ? c + " (primary)" : c; }).join(", "));
    if (typeof n.upvotes === "number" || typeof n.num_comments === "number") {
      var bits = [];
      if (typeof n.upvotes === "number") bits.push(plural(n.upvotes, "upvote"));
      if (typeof n.num_comments === "number") bits.push(plural(n.num_comments, "comment"));
      fact("Community", bits.join(" · "));
    }
    fact("Code", n.code_url ? link(n.code_url, n.code_url) : null);
    fact("Project page", n.project_page ? link(n.project_page, n.project_page) : null);
    fact("Comment", n.comment);
    if (box.childNodes.length) body.appendChild(box);
  }

  // ---- leaderboards and trends ------------------------------------------------------------
  function valueText(r) {
    var v = String(r.value_text);
    if (r.unit && !v.endsWith(r.unit)) v += " " + r.unit;
    if (r.kind === "relative" && r.direction) v += " (" + r.direction + ")";
    return v;
  }
  function boardRows(table, rows, b, ranked) {
    rows.forEach(function (r) {
      var tr = el("tr", "board-row");
      tr.appendChild(el("td", "rank", ranked && r.rank ? r.rank : "–"));
      tr.appendChild(el("td", null, r.method || "–"));
      tr.appendChild(el("td", "result-value", valueText(r)));
      if (b.variants.length || !ranked) tr.appendChild(el("td", "variant", r.dataset || ""));
      var paper = el("td", "paper-cell");
      var p = r.paper && data.papers[r.paper];
      if (p) {
        paper.appendChild(link(p.url, shorten(p.title, 60)));
        if (byId.has(r.paper)) {
          var go = el("span", "node-link tag", "show");
          go.addEventListener("click", function () { select(byId.get(r.paper), true); });
          paper.appendChild(go);
        }
      }
      if (r.date) paper.appendChild(el("span", "tag", r.date));
      tr.appendChild(paper);
      var code = el("td", "code-cell");
      if (r.code) code.appendChild(link(r.code, "code"));
      tr.appendChild(code);
      var evCell = el("td");
      var evRow = el("tr", "board-evidence");
      evRow.hidden = true;
      var evTd = el("td", null, r.evidence ? "“" + r.evidence + "”" : "No evidence sentence recorded.");
      evTd.colSpan = 7;
      evRow.appendChild(evTd);
      var ev = el("span", "node-link tag evidence-link", "evidence");
      ev.addEventListener("click", function () { evRow.hidden = !evRow.hidden; });
      evCell.appendChild(ev);
      tr.appendChild(evCell);
      table.appendChild(tr);
      table.appendChild(evRow);
    });
  }
  function boardBlock(b, fromId) {
    var box = el("div", "board");
    box.dataset.dataset = b.dataset; box.dataset.metric = b.metric;
    var h = el("div", "board-title");
    var name = el("span", byId.has(b.datasetId) && b.datasetId !== fromId ? "node-link" : null, b.dataset);
    if (byId.has(b.datasetId) && b.datasetId !== fromId) {
      name.addEventListener("click", function () { select(byId.get(b.datasetId), true); });
    }
    h.appendChild(name);
    h.appendChild(el("span", null, " · " + b.metric + " · "));
    h.appendChild(el("span", "tag", b.better ? b.better + " is better" : "direction unknown: not ranked"));
    box.appendChild(h);
    var table = el("table", "board-table");
    var head = el("tr");
    var cols = ["#", "method", "value"];
    if (b.variants.length) cols.push("variant");
    cols = cols.concat(["paper", "code", ""]);
    cols.forEach(function (c) { head.appendChild(el("th", null, c)); });
    table.appendChild(head);
    boardRows(table, b.rows, b, true);
    box.appendChild(table);
    if (b.total > b.rows.length) box.appendChild(el("div", "meta", "… and " + fmt(b.total - b.rows.length) + " more results"));
    if (b.relative.length) {
      box.appendChild(el("div", "meta", "Relative results (not ranked):"));
      var rel = el("table", "board-table relative");
      boardRows(rel, b.relative, b, false);
      box.appendChild(rel);
    }
    return box;
  }
  function showBenchmarks() {
    body.textContent = "";
    body.appendChild(badge("Benchmarks", "#57606a"));
    body.appendChild(el("h2", null, "Benchmarks"));
    var boards = data.benchmarks || [];
    body.appendChild(el("div", "meta", plural(boards.length, "leaderboard") +
      " — (dataset, metric) pairs with absolute results, most results first"));
    if (!boards.length) body.appendChild(el("div", "meta", "No absolute result on a dataset in this graph."));
    boards.forEach(function (b) { body.appendChild(boardBlock(b, null)); });
    network.unselectAll();
    openPanel();
  }
  kg.showBenchmarks = showBenchmarks;
  document.getElementById("benchmarks").addEventListener("click", showBenchmarks);

  function sparkline(counts) {
    var NS = "http://www.w3.org/2000/svg", w = 180, h = 36, max = Math.max.apply(null, counts.concat([1]));
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("class", "sparkline"); svg.setAttribute("width", w); svg.setAttribute("height", h);
    var step = counts.length > 1 ? (w - 4) / (counts.length - 1) : 0;
    var pts = counts.map(function (c, i) { return (2 + i * step).toFixed(1) + "," + (h - 3 - (h - 6) * c / max).toFixed(1); });
    var line = document.createElementNS(NS, "polyline");
    line.setAttribute("points", pts.join(" "));
    svg.appendChild(line);
    var periods = (data.trends && data.trends.periods) || [];
    var wrap = el("div", "spark");
    wrap.appendChild(svg);
    var total = counts.reduce(function (a, b) { return a + b; }, 0);
    wrap.appendChild(el("div", "meta", (periods[0] || "") + " … " + (periods[periods.length - 1] || "") +
      " · " + plural(total, "dated paper") + " · peak " + max + " in a month"));
    var title = document.createElementNS(NS, "title");
    title.textContent = periods.map(function (p, i) { return p + ": " + counts[i]; }).join("\n");
    svg.appendChild(title);
    return wrap;
  }

  function showResultFacts(n) {
    var value = el("div", "meta");
    value.appendChild(el("span", "result-value", (n.value_text || n.value) + (n.unit && !String(n.value_text || "").endsWith(n.unit) ? " " + n.unit : "")));
    var bits = [n.metric_name, n.kind];
    if (n.direction) bits.push(n.direction === "up" ? "increase" : "decrease");
    value.appendChild(el("span", "tag", bits.filter(Boolean).join(" · ")));
    body.appendChild(value);
  }

  function resultItem(r, from) {
    var li = el("li");
    var v = r.value_text + (r.unit && !String(r.value_text).endsWith(r.unit) ? " " + r.unit : "");
    li.appendChild(el("span", "result-value", v));
    if (r.kind === "relative") li.appendChild(el("span", "tag", r.direction === "down" ? "decrease" : "increase"));
    var parts = [];
    if (r.metric && r.metric !== from.name) parts.push(r.metric);
    if (r.dataset && r.dataset !== from.name) parts.push("on " + r.dataset);
    if (r.method && r.method !== from.name) parts.push("by " + r.method);
    if (parts.length) li.appendChild(el("span", null, " " + parts.join(" ")));
    if (r.paper && from.type !== "Paper" && data.papers[r.paper]) {
      li.appendChild(el("div", "meta", shorten(data.papers[r.paper].title, 80)));
    }
    return li;
  }

  function showConnections(index) {
    var groups = new Map();
    network.getConnectedEdges(index).forEach(function (eid) {
      var e = data.edges[eid];
      var out = e.from === index;
      var key = (out ? "→ " : "← ") + e.type;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push({ edge: eid, other: out ? e.to : e.from });
    });
    if (!groups.size) return;
    section("Connections");
    Array.from(groups.keys()).sort().forEach(function (key) {
      var items = groups.get(key);
      var type = key.slice(2);
      var h = el("div", "meta");
      var line = el("span", "rel-line"); line.style.display = "inline-block"; line.style.verticalAlign = "middle";
      line.style.marginRight = "6px"; line.style.background = relTypes[type] ? relTypes[type].color : "#999";
      h.appendChild(line);
      h.appendChild(el("span", null, key + " (" + items.length + ")"));
      body.appendChild(h);
      list(items, 25, function (it) {
        var li = el("li");
        li.appendChild(nodeLink(it.other));
        var ev = el("span", "node-link tag", "evidence");
        ev.addEventListener("click", function () { selectEdge(it.edge); });
        li.appendChild(ev);
        return li;
      });
    });
  }

  function showEdge(eid) {
    var e = data.edges[eid];
    var rel = relTypes[e.type] || { color: "#999", description: "" };
    body.textContent = "";
    body.appendChild(badge(e.type, rel.color));
    var h = el("h2");
    h.appendChild(nodeLink(e.from));
    h.appendChild(el("span", "arrow", "→"));
    h.appendChild(nodeLink(e.to));
    body.appendChild(h);
    body.appendChild(el("div", "meta", rel.description));
    body.appendChild(el("div", "meta", "support " + plural(e.support || 0, "paper") + " · confidence " + conf(e.confidence)));
    if (e.paperIds.length) {
      section("Papers");
      list(e.paperIds, 30, function (pid) { return paperItem(pid); });
    }
    section("Evidence");
    var keyLine = el("div", "legend-marks");
    keyLine.appendChild(el("mark", "head", "head"));
    keyLine.appendChild(document.createTextNode(" and "));
    keyLine.appendChild(el("mark", "tail", "tail"));
    keyLine.appendChild(document.createTextNode(" as found in the sentence"));
    body.appendChild(keyLine);
    if (!e.evidence.length) body.appendChild(el("div", "meta", "No evidence sentence recorded."));
    e.evidence.forEach(function (ev) { body.appendChild(evidenceBlock(ev)); });
    if (e.moreEvidence) body.appendChild(el("div", "meta", "… and " + fmt(e.moreEvidence) + " more sentences"));
    openPanel();
  }

  function evidenceBlock(ev) {
    var box = el("div", "evidence");
    var s = el("div", "sentence");
    var text = ev.sentence || "", pos = 0;
    (ev.spans || []).forEach(function (sp) {
      if (sp[0] < pos) return;  // overlapping spans: keep the first
      s.appendChild(document.createTextNode(text.slice(pos, sp[0])));
      s.appendChild(el("mark", sp[2], text.slice(sp[0], sp[1])));
      pos = sp[1];
    });
    s.appendChild(document.createTextNode(text.slice(pos)));
    box.appendChild(s);
    var meta = el("div", "meta");
    var bits = [];
    if (ev.extractor) bits.push(ev.extractor);
    bits.push("confidence " + conf(ev.confidence));
    if (ev.field) bits.push(ev.field);
    meta.appendChild(el("span", null, bits.join(" · ")));
    if (ev.paper && data.papers[ev.paper]) {
      meta.appendChild(el("br"));
      meta.appendChild(link(data.papers[ev.paper].url, shorten(data.papers[ev.paper].title, 90)));
    }
    box.appendChild(meta);
    return box;
  }

  function select(index, move) {
    showType(data.nodes[index].type);
    network.selectNodes([index]);
    if (move) network.focus(index, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 450 } });
    showNode(index);
  }
  function selectEdge(eid) {
    var e = data.edges[eid];
    network.selectEdges([eid]);
    network.focus(e.from, { scale: Math.max(network.getScale(), 0.9), animation: { duration: 300 } });
    showEdge(eid);
  }
  kg.select = select; kg.selectEdge = selectEdge;

  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
    else panel.hidden = true;
  });

  // ---- search ---------------------------------------------------------------------------
  var search = document.getElementById("search"), results = document.getElementById("search-results");
  var haystack = data.nodes.map(function (n) {
    return [n.name.toLowerCase()].concat((n.aliases || []).map(function (a) { return a.toLowerCase(); }));
  });
  var active = 0, matches = [];
  function rank(q) {
    var out = [];
    haystack.forEach(function (names, i) {
      var best = 9, alias = null;
      names.forEach(function (name, j) {
        var r = name === q ? 0 : name.startsWith(q) ? 2 : name.indexOf(q) >= 0 ? 4 : 9;
        if (j > 0 && r < 9) r += 1;  // a match on the name beats the same match on an alias
        if (r < best) { best = r; alias = j > 0 ? data.nodes[i].aliases[j - 1] : null; }
      });
      if (best < 9) out.push({ index: i, rank: best, alias: alias });
    });
    out.sort(function (a, b) {
      return a.rank - b.rank || (data.nodes[b.index].papers || 0) - (data.nodes[a.index].papers || 0) ||
        data.nodes[a.index].name.length - data.nodes[b.index].name.length;
    });
    return out;
  }
  kg.search = function (q) { return rank(q.trim().toLowerCase()).map(function (m) { return data.nodes[m.index].id; }); };
  function drawResults() {
    results.textContent = "";
    if (!matches.length) {
      results.appendChild(el("li", "none", "No node named like that"));
    }
    matches.slice(0, 12).forEach(function (m, k) {
      var n = data.nodes[m.index];
      var li = el("li", k === active ? "active" : "");
      var sw = el("span", "swatch shape-" + nodeTypes[n.type].shape);
      sw.style.background = nodeTypes[n.type].color;
      li.appendChild(sw);
      li.appendChild(el("span", "match-name", n.name));
      li.appendChild(el("span", "match-note", m.alias ? "alias " + shorten(m.alias, 24) : n.type));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(k); });
      results.appendChild(li);
    });
    results.hidden = false;
  }
  function pick(k) {
    if (!matches[k]) return;
    results.hidden = true;
    search.blur();
    select(matches[k].index, true);
  }
  search.addEventListener("input", function () {
    var q = search.value.trim().toLowerCase();
    if (!q) { results.hidden = true; matches = []; return; }
    matches = rank(q); active = 0;
    drawResults();
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { active = Math.min(active + 1, Math.min(matches.length, 12) - 1); drawResults(); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { active = Math.max(active - 1, 0); drawResults(); ev.preventDefault(); }
    else if (ev.key === "Enter") { pick(active); ev.preventDefault(); }
    else if (ev.key === "Escape") { results.hidden = true; }
  });
  search.addEventListener("blur", function () { results.hidden = true; });
  search.addEventListener("focus", function () { if (search.value.trim()) drawResults(); });
})();
