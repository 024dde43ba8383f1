(function () {
  "use strict";
  // The interactive layer of the journeymap report. It only switches between views computed at
  // render time (the JSON island #jm-data); it analyses nothing and fetches nothing.
  var island = document.getElementById("jm-data");
  if (!island) { return; }
  var D = JSON.parse(island.textContent);
  var L = D.labels;
  var SVG = "http://www.w3.org/2000/svg";
  var current = D.current;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    return e;
  }
  function view() { return D.views[current]; }

  // --- scenario and persona -----------------------------------------------------------------
  function chooser(id, label, names, index) {
    var wrap = el("label", {"class": "jm-choice"}, label + " ");
    var select = el("select", {id: id});
    names.forEach(function (name, i) {
      var o = el("option", {value: String(i)}, name);
      if (i === index) { o.selected = true; }
      select.appendChild(o);
    });
    wrap.appendChild(select);
    return {wrap: wrap, select: select};
  }
  var controls = document.getElementById("jm-controls");
  var pick = current.split(":").map(Number);
  var sc = chooser("jm-scenario", L.scenario, D.scenarios, pick[0]);
  var pe = chooser("jm-persona", L.persona, D.personas, pick[1]);
  if (controls) {
    if (D.scenarios.length > 1) { controls.appendChild(sc.wrap); }
    if (D.personas.length > 1) { controls.appendChild(pe.wrap); }
    if (D.note) { controls.appendChild(el("span", {"class": "note"}, D.note)); }
    if (controls.childNodes.length) { controls.hidden = false; }
  }
  function choose() {
    current = sc.select.value + ":" + pe.select.value;
    showView();
  }
  sc.select.addEventListener("change", choose);
  pe.select.addEventListener("change", choose);

  function showSummary(v) {
    var dl = document.getElementById("summary");
    if (!dl) { return; }
    dl.textContent = "";
    v.summary.forEach(function (f) {
      var div = el("div");
      div.appendChild(el("dt", {}, f.label));
      div.appendChild(el("dd", {}, f.text));
      dl.appendChild(div);
    });
  }
  function showLeaks(v) {
    var table = document.getElementById("leak-table");
    if (!table) { return; }
    var body = table.tBodies[0];
    body.textContent = "";
    v.leaks.forEach(function (row) {
      var tr = el("tr", row.top ? {"class": "top"} : {});
      row.cells.forEach(function (c) {
        var attrs = c.numeric ? {"class": "n"} : {};
        if (c.value !== null) { attrs["data-value"] = String(c.value); }
        tr.appendChild(el("td", attrs, c.text));
      });
      body.appendChild(tr);
    });
    refresh(table);
  }
  function showCurve(v) {
    var fig = document.getElementById("jm-curve");
    if (!fig) { return; }
    var svg = fig.querySelector("svg");
    svg.textContent = "";
    var W = 900, H = 260, left = 40, right = 20, top = 20, bottom = 30;
    var lo = D.emotion_scale[0], hi = D.emotion_scale[1], n = v.curve.length;
    var x = function (i) { return left + (n > 1 ? i * (W - left - right) / (n - 1) : 0); };
    var y = function (e) { return top + (hi - e) * (H - top - bottom) / (hi - lo); };
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.appendChild(svgEl("line", {x1: left, x2: W - right, y1: y((lo + hi) / 2),
                                   y2: y((lo + hi) / 2), "class": "jm-axis"}));
    [lo, hi].forEach(function (e) {
      var t = svgEl("text", {x: 4, y: y(e) + 4, "class": "jm-tick"});
      t.textContent = String(e);
      svg.appendChild(t);
    });
    var d = "";
    v.curve.forEach(function (p, i) {
      if (p.emotion === null) { return; }
      d += (d ? " L" : "M") + x(i).toFixed(1) + " " + y(p.emotion).toFixed(1);
    });
    svg.appendChild(svgEl("path", {d: d, "class": "jm-line"}));
    v.curve.forEach(function (p, i) {
      if (p.emotion === null) { return; }
      var c = svgEl("circle", {cx: x(i).toFixed(1), cy: y(p.emotion).toFixed(1), r: 5,
                               "class": "jm-point", "data-touchpoint": p.touchpoint,
                               "data-emotion": p.emotion});
      var title = svgEl("title", {});
      title.textContent = p.name + ": " + p.emotion;
      c.appendChild(title);
      svg.appendChild(c);
    });
    fig.querySelector("figcaption").textContent =
      L.curve + ": " + D.scenarios[v.scenario] + " \u00b7 " + D.personas[v.persona];
    fig.hidden = false;
  }
  function showGraphNote(v) {
    var p = document.getElementById("jm-graph-note");
    if (!p) { return; }
    p.textContent = v.not_drawn || "";
    p.hidden = !v.not_drawn;
  }
  function showView() {
    var v = view();
    showGraphNote(v);
    showSummary(v);
    showLeaks(v);
    showCurve(v);
    hideTip();
  }

  // --- tooltips on the journey graph --------------------------------------------------------
  var tip = document.getElementById("jm-tip");
  function hideTip() { if (tip) { tip.hidden = true; } }
  function tipFor(g) {
    var title = g.querySelector("title");
    if (!title) { return null; }
    var name = title.textContent;
    var v = view();
    if (g.classList.contains("node")) {
      var tid = D.nodes[name];
      if (tid === undefined) { return null; }
      return v.touchpoints[tid] || {title: tid, fields: [{label: L.absent, text: ""}]};
    }
    var ends = name.split("->").map(function (s) { return D.nodes[s.replace(/:.*$/, "")]; });
    return v.transitions[ends[0] + " " + ends[1]] || null;
  }
  function showTip(t, event) {
    tip.textContent = "";
    tip.appendChild(el("strong", {}, t.title));
    var dl = el("dl");
    t.fields.forEach(function (f) {
      dl.appendChild(el("dt", {}, f.label));
      dl.appendChild(el("dd", {}, f.text));
    });
    tip.appendChild(dl);
    tip.hidden = false;
    var px = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    var py = Math.min(event.clientY + 14, window.innerHeight - tip.offsetHeight - 8);
    tip.style.left = Math.max(0, px) + "px";
    tip.style.top = Math.max(0, py) + "px";
  }
  var graph = document.querySelector("#graph-view svg");
  if (graph && tip) {
    graph.addEventListener("mousemove", function (event) {
      var g = event.target.closest ? event.target.closest("g.node, g.edge") : null;
      var t = g ? tipFor(g) : null;
      if (t) { showTip(t, event); } else { hideTip(); }
    });
    graph.addEventListener("mouseleave", hideTip);
  }

  // --- zoom and pan -------------------------------------------------------------------------
  var zoom = document.getElementById("jm-zoom");
  if (graph && zoom) {
    var full = graph.getAttribute("viewBox").split(/[ ,]+/).map(Number);
    var box = full.slice();
    var set = function () { graph.setAttribute("viewBox", box.map(function (n) {
      return n.toFixed(2); }).join(" ")); };
    var scale = function (f, cx, cy) {
      cx = cx === undefined ? box[0] + box[2] / 2 : cx;
      cy = cy === undefined ? box[1] + box[3] / 2 : cy;
      var w = Math.min(full[2] * 2, Math.max(full[2] / 20, box[2] * f));
      var h = w * full[3] / full[2];
      box = [cx - (cx - box[0]) * w / box[2], cy - (cy - box[1]) * h / box[3], w, h];
      set();
    };
    var fit = function () { box = full.slice(); set(); };
    var pan = function (dx, dy) { box[0] += dx * box[2]; box[1] += dy * box[3]; set(); };
    [["+", L.zoom_in, function () { scale(0.8); }],
     ["\u2212", L.zoom_out, function () { scale(1.25); }],
     ["\u2922", L.fit, fit]].forEach(function (b) {
      var button = el("button", {type: "button", title: b[1], "aria-label": b[1]}, b[0]);
      button.addEventListener("click", b[2]);
      zoom.appendChild(button);
    });
    zoom.hidden = false;
    graph.classList.add("jm-zoomable");
    graph.setAttribute("tabindex", "0");
    graph.setAttribute("preserveAspectRatio", "xMidYMid meet");
    graph.addEventListener("wheel", function (event) {
      event.preventDefault();
      var r = graph.getBoundingClientRect();
      var cx = box[0] + (event.clientX - r.left) / r.width * box[2];
      var cy = box[1] + (event.clientY - r.top) / r.height * box[3];
      scale(event.deltaY < 0 ? 0.85 : 1 / 0.85, cx, cy);
    }, {passive: false});
    var drag = null;
    graph.addEventListener("pointerdown", function (event) {
      drag = {x: event.clientX, y: event.clientY};
      graph.setPointerCapture(event.pointerId);
    });
    graph.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      var r = graph.getBoundingClientRect();
      pan(-(event.clientX - drag.x) / r.width, -(event.clientY - drag.y) / r.height);
      drag = {x: event.clientX, y: event.clientY};
    });
    graph.addEventListener("pointerup", function () { drag = null; });
    graph.addEventListener("keydown", function (event) {
      var keys = {ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, -0.1],
                  ArrowDown: [0, 0.1]};
      if (keys[event.key]) { pan(keys[event.key][0], keys[event.key][1]); }
      else if (event.key === "+" || event.key === "=") { scale(0.8); }
      else if (event.key === "-") { scale(1.25); }
      else if (event.key === "0") { fit(); }
      else { return; }
      event.preventDefault();
    });
    window.addEventListener("beforeprint", fit);
  }

  // --- sortable, filterable tables ----------------------------------------------------------
  var collator = new Intl.Collator(document.documentElement.lang, {numeric: true});
  function key(cell) {
    var v = cell.getAttribute("data-value");
    return v === null || v === "" ? null : Number(v);
  }
  function compare(a, b, col) {
    var ka = key(a.cells[col]), kb = key(b.cells[col]);
    if (ka !== null && kb !== null) { return ka - kb; }
    if (ka !== null) { return -1; }
    if (kb !== null) { return 1; }
    return collator.compare(a.cells[col].textContent, b.cells[col].textContent);
  }
  function refresh(table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var col = table.jmSort, dir = table.jmDir;
    if (col !== undefined) {
      rows.sort(function (a, b) { return dir * compare(a, b, col); });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    var q = (table.jmFilter || "").toLowerCase();
    rows.forEach(function (r) { r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0; });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.jm-sortable"), function (table) {
    var box = el("input", {type: "search", "class": "jm-filter", placeholder: L.filter,
                           "aria-label": L.filter});
    box.addEventListener("input", function () { table.jmFilter = box.value; refresh(table); });
    table.parentNode.insertBefore(box, table);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.setAttribute("tabindex", "0");
      th.setAttribute("title", L.sort);
      th.classList.add("jm-sort");
      var sort = function () {
        table.jmDir = table.jmSort === col ? -table.jmDir : 1;
        table.jmSort = col;
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
          h.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", table.jmDir > 0 ? "ascending" : "descending");
        refresh(table);
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  });
  showCurve(view());
})();
