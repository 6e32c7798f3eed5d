/* kg serve: every page is built here from the JSON API. Every string from the graph reaches the
 * DOM through textContent or a checked http(s) href, never through innerHTML; the server's CSP
 * (script-src 'self') would stop an inline script anyway. */
(function () {
  "use strict";

  var S = { ready: false, meta: null, network: null, nodes: null, edges: null, expanded: {} };
  window.kgServe = S;

  // ---- small helpers ----------------------------------------------------------------------
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
  function outLink(url, text) {
    var href = safeHref(url);
    if (!href) return el("span", null, text);
    var a = el("a", null, text);
    a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
    return a;
  }
  function pageOf(id) {
    return (String(id).indexOf("Paper:") === 0 ? "/paper/" : "/entity/") + encodeURIComponent(id);
  }
  function nodeLink(id, text, className) {
    var a = el("a", className || null, text);
    a.href = pageOf(id);
    return a;
  }
  function fmt(n) { return Number(n).toLocaleString("en-US"); }
  function plural(n, word) { return fmt(n) + " " + word + (n === 1 ? "" : "s"); }
  function shorten(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + "…" : s; }
  function typeColor(t) { var m = S.meta && S.meta.nodeTypes[t]; return m ? m.color : "#999"; }
  function relColor(t) { var m = S.meta && S.meta.relationTypes[t]; return m ? m.color : "#999"; }
  function badge(t) { var b = el("span", "badge", t); b.style.background = typeColor(t); return b; }
  function api(path, params) {
    var q = new URLSearchParams();
    Object.keys(params || {}).forEach(function (k) {
      if (params[k] !== undefined && params[k] !== null) q.set(k, params[k]);
    });
    return fetch(path + "?" + q.toString(), { headers: { accept: "application/json" } }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
        return body;
      });
    });
  }
  function view() { var v = document.getElementById("view"); v.textContent = ""; return v; }
  function fail(err) {
    var v = view(), d = el("div", "doc");
    d.appendChild(el("p", "error", String(err && err.message ? err.message : err)));
    v.appendChild(d);
    S.ready = true;
  }
  // Text with non-overlapping [start, end) spans wrapped by make(span, text) → element.
  function marked(container, text, spans, make) {
    var at = 0;
    spans.forEach(function (s) {
      if (s.start < at || s.end > text.length) return;
      container.appendChild(document.createTextNode(text.slice(at, s.start)));
      container.appendChild(make(s, text.slice(s.start, s.end)));
      at = s.end;
    });
    container.appendChild(document.createTextNode(text.slice(at)));
    return container;
  }
  function sentence(ev) {
    var spans = (ev.spans || []).map(function (s) { return { start: s[0], end: s[1], role: s[2] }; });
    return marked(el("div", "sentence"), ev.sentence, spans, function (s, t) { return el("mark", s.role, t); });
  }
  // A list that fetches its next page on demand: fetchPage(offset) → {total, items}.
  function pagedList(parent, fetchPage, renderItem, empty) {
    var list = el("ul"), more = el("button", "more", "More");
    more.type = "button"; more.hidden = true;
    parent.appendChild(list); parent.appendChild(more);
    var offset = 0;
    function next() {
      more.disabled = true;
      fetchPage(offset).then(function (p) {
        p.items.forEach(function (item) { list.appendChild(renderItem(item)); });
        offset += p.items.length;
        if (!p.total && empty) list.appendChild(el("li", "hint", empty));
        more.hidden = offset >= p.total;
        more.textContent = "More (" + fmt(p.total - offset) + " left)";
        more.disabled = false;
      }).catch(function (err) { list.appendChild(el("li", "error", String(err.message || err))); });
    }
    more.addEventListener("click", next);
    next();
  }

  // ---- search as you type -------------------------------------------------------------------
  var searchInput = document.getElementById("search"), searchList = document.getElementById("search-results");
  var searchTimer = null, searchSeq = 0, active = -1;
  function showHits(hits) {
    searchList.textContent = "";
    active = -1;
    if (!hits.length) { searchList.appendChild(el("li", "none", "No match")); }
    hits.forEach(function (h) {
      var li = el("li");
      li.setAttribute("role", "option");
      li.dataset.id = h.id;
      li.appendChild(badge(h.type));
      li.appendChild(el("span", "match-name", h.name));
      var note = h.matched && h.matched.toLowerCase() !== h.name.toLowerCase() ? "alias: " + h.matched : "";
      if (h.papers) note += (note ? " · " : "") + plural(h.papers, "paper");
      li.appendChild(el("span", "match-note", note));
      li.addEventListener("mousedown", function (e) { e.preventDefault(); location.href = pageOf(h.id); });
      searchList.appendChild(li);
    });
    searchList.hidden = false;
  }
  searchInput.addEventListener("input", function () {
    clearTimeout(searchTimer);
    var q = searchInput.value.trim();
    if (!q) { searchList.hidden = true; return; }
    searchTimer = setTimeout(function () {
      var seq = ++searchSeq;
      api("/api/search", { q: q, limit: 12 }).then(function (r) { if (seq === searchSeq) showHits(r.items); });
    }, 120);
  });
  searchInput.addEventListener("keydown", function (e) {
    var items = searchList.querySelectorAll("li[data-id]");
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!items.length) return;
      active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items.forEach(function (li, i) { li.classList.toggle("active", i === active); });
    } else if (e.key === "Enter" && items.length) {
      location.href = pageOf(items[Math.max(active, 0)].dataset.id);
    } else if (e.key === "Escape") {
      searchList.hidden = true;
    }
  });
  searchInput.addEventListener("blur", function () { setTimeout(function () { searchList.hidden = true; }, 150); });

  // ---- home ----------------------------------------------------------------------------------
  function home() {
    var d = el("div", "doc");
    d.appendChild(el("h2", null, S.meta.title));
    d.appendChild(el("p", "hint", "Type a method, dataset, task, metric or paper title in the search box."));
    d.appendChild(el("h3", null, "What the graph holds"));
    var ul = el("ul");
    Object.keys(S.meta.nodeTypes).forEach(function (t) {
      var n = S.meta.nodeTypes[t].count;
      if (!n) return;
      var li = el("li");
      li.appendChild(badge(t));
      li.appendChild(document.createTextNode(" " + fmt(n) + " — " + S.meta.nodeTypes[t].description));
      ul.appendChild(li);
    });
    d.appendChild(ul);
    view().appendChild(d);
    S.ready = true;
  }

  // ---- entity page: the neighbourhood drawn, details beside it ---------------------------------
  function visNode(n) {
    var t = S.meta.nodeTypes[n.type] || {};
    var papers = n.papers === null || n.papers === undefined ? 1 : n.papers;
    return { id: n.id, label: shorten(n.name, 36), shape: t.shape || "dot", color: t.color || "#999",
      size: 8 + Math.min(22, 4 * Math.sqrt(papers)), font: { size: 12 }, kgType: n.type, kgName: n.name };
  }
  function visEdge(e) {
    return { id: e.from + "\u0000" + e.type + "\u0000" + e.to, from: e.from, to: e.to, kgType: e.type,
      color: { color: relColor(e.type), opacity: 0.7 }, arrows: "to",
      width: 1 + Math.min(4, Math.log(1 + (e.support || 1))) };
  }
  // New nodes go on a golden-angle spiral around the node they hang off, so nothing moves.
  function place(list, centre, start) {
    list.forEach(function (n, i) {
      var k = start + i, angle = k * 2.39996, r = 140 + 34 * Math.sqrt(k) + 60 * ((n.distance || 1) - 1);
      n.x = centre.x + r * Math.cos(angle); n.y = centre.y + r * Math.sin(angle);
    });
  }
  function addNeighbourhood(r, centre) {
    var fresh = r.nodes.filter(function (n) { return !S.nodes.get(n.id); });
    place(fresh, centre, S.nodes.length);
    S.nodes.add(fresh.map(function (n) { var v = visNode(n); v.x = n.x; v.y = n.y; return v; }));
    S.edges.update(r.edges.map(visEdge));
    applyFilters();
    return fresh.length;
  }
  S.expand = function (id) {
    if (S.expanded[id]) return Promise.resolve(0);
    S.expanded[id] = true;
    var pos = S.network.getPositions([id])[id] || { x: 0, y: 0 };
    return api("/api/neighbours", { id: id, limit: 60 }).then(function (r) { return addNeighbourhood(r, pos); });
  };
  var hiddenTypes = {}, hiddenRels = {};
  function applyFilters() {
    S.nodes.update(S.nodes.get().map(function (n) { return { id: n.id, hidden: !!hiddenTypes[n.kgType] && n.id !== S.centre }; }));
    S.edges.update(S.edges.get().map(function (e) { return { id: e.id, hidden: !!hiddenRels[e.kgType] }; }));
  }
  function filterBox(title, names, colorOf, hidden) {
    var sec = el("section");
    sec.appendChild(el("h2", null, title));
    names.forEach(function (name) {
      var label = el("label", "filter"), box = el("input");
      box.type = "checkbox"; box.checked = true; box.dataset.name = name;
      var sw = el("span", "swatch"); sw.style.background = colorOf(name);
      label.appendChild(box); label.appendChild(sw); label.appendChild(el("span", "name", name));
      box.addEventListener("change", function () {
        hidden[name] = !box.checked; label.classList.toggle("off", !box.checked); applyFilters();
      });
      sec.appendChild(label);
    });
    return sec;
  }
  function details(panel, n) {
    panel.textContent = "";
    var h = el("h2"); h.appendChild(nodeLink(n.id, n.name)); panel.appendChild(h);
    panel.appendChild(badge(n.type));
    if (n.url) { var p = el("p", "meta"); p.appendChild(outLink(n.url, n.url)); panel.appendChild(p); }
    if (n.aliases && n.aliases.length) {
      panel.appendChild(el("h3", null, "Also called"));
      var chips = el("div", "chips");
      n.aliases.forEach(function (a) { chips.appendChild(el("span", "chip", a)); });
      panel.appendChild(chips);
    }
    if (n.degree !== undefined) panel.appendChild(el("p", "meta", plural(n.degree, "relationship")));
    panel.appendChild(el("h3", null, "Results"));
    var res = el("div", "results"); panel.appendChild(res);
    pagedList(res, function (o) { return api("/api/results", { id: n.id, offset: o, limit: 20 }); }, resultItem,
      "No results reported.");
    if (n.type === "Dataset" && S.meta.analysis) {
      panel.appendChild(el("h3", null, "Leaderboards"));
      var lb = el("div", "leaderboards"); panel.appendChild(lb);
      leaderboardsInto(lb, n.id);
    }
    if (n.type !== "Paper") {
      panel.appendChild(el("h3", null, "Papers"));
      var ps = el("div", "papers"); panel.appendChild(ps);
      pagedList(ps, function (o) { return api("/api/papers", { id: n.id, offset: o, limit: 10 }); }, function (p) {
        var li = el("li"); li.appendChild(nodeLink(p.id, p.name));
        if (p.date) li.appendChild(el("span", "tag", p.date));
        return li;
      }, "No papers.");
    }
  }
  function resultItem(r) {
    var li = el("li");
    li.appendChild(el("span", "result-value", r.value_text || r.value));
    li.appendChild(document.createTextNode(" " + (r.metric_name || "")));
    [["dataset", " on "], ["method", " by "]].forEach(function (p) {
      if (r[p[0]]) { li.appendChild(document.createTextNode(p[1])); li.appendChild(nodeLink(r[p[0]].id, r[p[0]].name)); }
    });
    if (r.paper) { li.appendChild(el("span", "arrow", "·")); li.appendChild(nodeLink(r.paper.id, shorten(r.paper.name, 60), "paper-link")); }
    return li;
  }
  function edgeDetails(panel, edge) {
    panel.textContent = "";
    var h = el("h2");
    h.appendChild(nodeLink(edge.from, S.nodes.get(edge.from).kgName));
    h.appendChild(el("span", "arrow", "→"));
    h.appendChild(nodeLink(edge.to, S.nodes.get(edge.to).kgName));
    panel.appendChild(h);
    pagedList(panel, function (o) { return api("/api/evidence", { from: edge.from, to: edge.to, offset: o, limit: 10 }); },
      function (ev) {
        var li = el("li", "evidence");
        li.appendChild(el("span", "tag", ev.type));
        li.appendChild(sentence(ev));
        var m = el("div", "meta");
        if (ev.paper) m.appendChild(nodeLink(ev.paper.id, shorten(ev.paper.name, 70)));
        m.appendChild(document.createTextNode(" · " + (ev.extractor || "") + " " + (ev.confidence === undefined ? "" : ev.confidence)));
        li.appendChild(m);
        return li;
      }, "No evidence recorded.");
  }
  function entity(id) {
    Promise.all([api("/api/node", { id: id }), api("/api/neighbours", { id: id, limit: 150 })]).then(function (got) {
      var n = got[0], r = got[1];
      document.title = n.name + " · paper-kg";
      var v = view();
      var filters = el("aside"); filters.id = "filters";
      var wrap = el("div"); wrap.id = "graph-wrap";
      var graph = el("div"); graph.id = "graph"; wrap.appendChild(graph);
      var panel = el("aside"); panel.id = "panel";
      v.appendChild(filters); v.appendChild(wrap); v.appendChild(panel);
      var note = "Showing " + fmt(r.nodes.length) + " of " + plural(r.total, "neighbour") + ". Click a node to expand it, an edge for its evidence.";
      filters.appendChild(el("p", "help", note));
      var types = Object.keys(S.meta.nodeTypes).filter(function (t) { return S.meta.nodeTypes[t].count; });
      var rels = Object.keys(S.meta.relationTypes).filter(function (t) { return S.meta.relationTypes[t].count; });
      filters.appendChild(filterBox("Nodes", types, typeColor, hiddenTypes));
      filters.appendChild(filterBox("Relations", rels, relColor, hiddenRels));
      S.centre = n.id;
      S.nodes = new vis.DataSet([Object.assign(visNode(n), { x: 0, y: 0, size: 30, font: { size: 16 } })]);
      S.edges = new vis.DataSet([]);
      S.expanded[n.id] = true;
      addNeighbourhood(r, { x: 0, y: 0 });
      S.network = new vis.Network(graph, { nodes: S.nodes, edges: S.edges }, {
        physics: false, interaction: { hover: true, tooltipDelay: 150 },
        edges: { smooth: false, arrows: { to: { scaleFactor: 0.5 } } }, nodes: { borderWidth: 1 } });
      S.network.once("afterDrawing", function () { S.ready = true; });
      S.network.on("click", function (p) {
        if (p.nodes.length) {
          var id = p.nodes[0];
          api("/api/node", { id: id }).then(function (d) { details(panel, d); });
          S.expand(id);
        } else if (p.edges.length) {
          edgeDetails(panel, S.edges.get(p.edges[0]));
        }
      });
      details(panel, n);
    }).catch(fail);
  }

  // ---- paper page ------------------------------------------------------------------------------
  function paperPage(id) {
    api("/api/paper", { id: id, limit: 500 }).then(function (p) {
      document.title = p.title + " · paper-kg";
      var d = el("div", "doc"), v = view();
      v.appendChild(d);
      function ent(field) {
        return p.highlights.filter(function (h) { return h.field === field; });
      }
      function mark(s, text) {
        var m = el("mark", "ent"); m.style.borderBottomColor = typeColor(s.type);
        var a = nodeLink(s.id, text); a.title = s.type + " · " + s.relation; m.appendChild(a);
        return m;
      }
      d.appendChild(marked(el("h2", "paper-title"), p.title, ent("title"), mark));
      var meta = [];
      if (p.authors.length) meta.push(p.authors.join(", "));
      ["date", "venue", "journal_ref", "arxiv_id", "doi"].forEach(function (k) { if (p[k]) meta.push(String(p[k])); });
      if (meta.length) d.appendChild(el("p", "meta", meta.join(" · ")));
      var links = el("p", "meta links");
      [["url", "paper"], ["code_url", "code"], ["project_page", "project page"]].forEach(function (k) {
        if (p[k[0]]) { links.appendChild(outLink(p[k[0]], k[1])); links.appendChild(document.createTextNode(" ")); }
      });
      p.entities.items.forEach(function (e) {
        if (e.url) { links.appendChild(outLink(e.url, e.name)); links.appendChild(document.createTextNode(" ")); }
      });
      d.appendChild(links);
      d.appendChild(el("h3", null, "Abstract"));
      d.appendChild(marked(el("div", "abstract"), p.abstract, ent("abstract"), mark));
      d.appendChild(el("h3", null, "Entities (" + fmt(p.entities.total) + ")"));
      var ul = el("ul", "entities");
      p.entities.items.forEach(function (e) {
        var li = el("li");
        li.appendChild(el("span", "tag", e.relation));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(nodeLink(e.id, e.name));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(badge(e.type));
        e.evidence.forEach(function (ev) { var b = el("div", "evidence"); b.appendChild(sentence(ev)); li.appendChild(b); });
        ul.appendChild(li);
      });
      d.appendChild(ul);
      d.appendChild(el("h3", null, "Results"));
      var res = el("div"); d.appendChild(res);
      pagedList(res, function (o) { return api("/api/results", { id: p.id, offset: o, limit: 50 }); }, resultItem,
        "No results extracted.");
      if (p.sources.length) d.appendChild(el("p", "hint", "Read from " + p.sources.join(", ")));
      S.ready = true;
    }).catch(fail);
  }

  // ---- benchmarks, leaderboards and trends (kg.analysis; graph files only) --------------------
  function table(heads) {
    var t = el("table", "rows"), tr = el("tr");
    heads.forEach(function (h) { tr.appendChild(el("th", null, h)); });
    t.appendChild(tr);
    return t;
  }
  function cell(tr, content, className) {
    var td = el("td", className || null);
    if (content instanceof Node) td.appendChild(content); else td.textContent = content === null || content === undefined ? "" : String(content);
    tr.appendChild(td);
    return td;
  }
  function board(b) {
    var box = el("div", "board");
    var h = el("h4", null, b.metric + (b.better ? " (" + b.better + " is better)" : ""));
    box.appendChild(h);
    var t = table(["#", "method", "value", "dataset", "paper"]);
    b.rows.forEach(function (r) {
      var tr = el("tr");
      cell(tr, r.rank);
      cell(tr, r.method_id ? nodeLink(r.method_id, r.method) : r.method);
      cell(tr, r.value_text || r.value, "num");
      cell(tr, r.dataset);
      cell(tr, r.paper_id ? nodeLink(r.paper_id, shorten(r.title || r.paper, 60)) : r.paper);
      t.appendChild(tr);
    });
    box.appendChild(t);
    if (b.total > b.rows.length) box.appendChild(el("p", "hint", "Best " + b.rows.length + " of " + fmt(b.total) + " rows; all of them: kg leaderboard."));
    return box;
  }
  function leaderboardsInto(parent, datasetId) {
    pagedList(parent, function (o) { return api("/api/leaderboard", { dataset: datasetId, offset: o, limit: 5 }); },
      function (b) { var li = el("li"); li.appendChild(board(b)); return li; }, "No leaderboard.");
  }
  function benchmarksPage() {
    document.title = "Benchmarks · paper-kg";
    var d = el("div", "doc"); view().appendChild(d);
    d.appendChild(el("h2", null, "Benchmarks"));
    d.appendChild(el("p", "hint", "Dataset families and metrics with reported results, most results first. Open a dataset for its leaderboards."));
    pagedList(d, function (o) { return api("/api/benchmarks", { offset: o, limit: 50 }); }, function (b) {
      var li = el("li");
      li.appendChild(nodeLink(b.dataset_id, b.dataset));
      li.appendChild(document.createTextNode(" · " + b.metric + " · " + plural(b.results, "result") + " from " + plural(b.papers, "paper")));
      if (b.variants.length) li.appendChild(el("span", "tag", "with " + b.variants.join(", ")));
      return li;
    }, "No benchmark: no absolute result on a dataset.");
    S.ready = true;
  }
  function trendsPage() {
    document.title = "Trends · paper-kg";
    var d = el("div", "doc"); view().appendChild(d);
    d.appendChild(el("h2", null, "Trends"));
    var type = new URLSearchParams(location.search).get("type") || "Method";
    var pick = el("p", "meta");
    ["Method", "Dataset", "Task", "Metric"].forEach(function (t) {
      var a = el("a", null, t); a.href = "/trends?type=" + t;
      if (t === type) a.className = "current";
      pick.appendChild(a); pick.appendChild(document.createTextNode(" "));
    });
    d.appendChild(pick);
    var head = el("p", "hint"); d.appendChild(head);
    pagedList(d, function (o) {
      return api("/api/trends", { type: type, offset: o, limit: 50 }).then(function (r) {
        head.textContent = fmt(r.dated) + " dated papers in " + plural(r.periods.length, "period") +
          (r.split ? "; recent from " + r.split : "") + "; " + fmt(r.undated) + " undated papers not counted.";
        return r;
      });
    }, function (t) {
      var li = el("li");
      li.appendChild(nodeLink(t.id, t.name));
      li.appendChild(document.createTextNode(" · rise " + (t.rise === null ? "–" : t.rise.toFixed(2)) + " · " + plural(t.total, "paper") + " · " + t.counts.join(" ")));
      return li;
    }, "No trend: the papers carry no dates, or too few.");
    S.ready = true;
  }

  // ---- router --------------------------------------------------------------------------------
  function route() {
    var path = location.pathname;
    var rest = function (prefix) { return decodeURIComponent(path.slice(prefix.length)); };
    if (path.indexOf("/entity/") === 0) return entity(rest("/entity/"));
    if (path.indexOf("/paper/") === 0) return paperPage(rest("/paper/"));
    if (S.meta.analysis && S.pages[path]) return S.pages[path]();
    return home();
  }
  S.helpers = { el: el, api: api, view: view, fail: fail, nodeLink: nodeLink, badge: badge, fmt: fmt,
    pagedList: pagedList, shorten: shorten };
  S.pages = { "/benchmarks": benchmarksPage, "/trends": trendsPage };
  api("/api/meta").then(function (meta) {
    S.meta = meta;
    document.getElementById("counts").textContent = plural(meta.nodeTypes.Paper.count, "paper") + " · " +
      meta.backend + " backend";
    if (meta.analysis) {
      document.getElementById("nav-benchmarks").hidden = false;
      document.getElementById("nav-trends").hidden = false;
    }
    route();
  }).catch(fail);
})();
