// darkroom network view: draws a neighbourhood or a community from the JSON API with cytoscape,
// colours communities, filters edge types, expands a node on request, opens a person.
// Every label goes through textContent (never innerHTML): labels come from seized data.
"use strict";
(() => {
  const EXPAND_CAP = 30;
  const graphBox = document.getElementById("graph");
  if (!graphBox) { return; }
  const api = graphBox.dataset.api;
  const caseUrl = graphBox.dataset.caseUrl;
  const status = document.getElementById("graph-status");
  const list = document.getElementById("node-list");
  const detail = document.getElementById("node-detail");
  const nodes = new Map();
  const edges = new Map();
  let capped = false;
  let edgesCapped = false;
  let cy = null;

  const colour = (community) => community === null || community === undefined
    ? "#9aa5ae" : `hsl(${(community * 137.508) % 360}, 62%, 48%)`;
  const kinds = () => Array.from(document.querySelectorAll("#edge-kinds input:checked")).map((box) => box.value);
  const query = (params) => {
    const search = new URLSearchParams(params);
    for (const kind of kinds()) { search.append("kind", kind); }
    return search.toString();
  };

  function el(tag, text, attrs = {}) {
    const made = document.createElement(tag);
    if (text !== undefined) { made.textContent = text; }
    for (const [key, value] of Object.entries(attrs)) { made.setAttribute(key, value); }
    return made;
  }

  function say() {
    const shown = Array.from(edges.values()).filter((e) => kinds().includes(e.kind)).length;
    status.textContent = `${nodes.size} nodes, ${shown} edges shown` +
      (capped ? " — capped: more nodes exist than are drawn; expand a node or filter edge types" : "") +
      (edgesCapped ? " — only the strongest edges are drawn" : "");
  }

  function personUrl(node) {
    if (node.person_id) { return `${caseUrl}/persons/${node.person_id}`; }
    if (node.account_id) { return `${caseUrl}/conversations?account=${node.account_id}`; }
    return null;
  }

  function select(key) {
    const node = nodes.get(key);
    if (!node) { return; }
    detail.replaceChildren();
    detail.append(el("h2", node.label, { id: "selected-node" }));
    const facts = `${node.node_key} · community ${node.community ?? "—"} · ${node.role || "member"}` +
      ` · degree ${node.degree}` + (node.seized_owner ? " · seized exhibit owner" : "");
    detail.append(el("p", facts, { class: "muted" }));
    const target = personUrl(node);
    if (target) {
      detail.append(el("a", node.person_id ? "Open person" : "Open conversations", { href: target, id: "open-node" }));
    }
    const expand = el("button", "Expand", { type: "button", id: "expand-node" });
    expand.addEventListener("click", () => load({ node: key, cap: EXPAND_CAP }, `${api}/neighbourhood`, key));
    detail.append(" ", expand);
    if (cy) { cy.elements().unselect(); cy.getElementById(key).select(); }
  }

  function redrawList() {
    list.replaceChildren();
    const sorted = Array.from(nodes.values()).sort((a, b) => b.weighted_degree - a.weighted_degree);
    for (const node of sorted) {
      const button = el("button", node.label, { type: "button", class: "link", "data-key": node.node_key });
      button.style.borderLeftColor = colour(node.community);
      button.addEventListener("click", () => select(node.node_key));
      const item = el("li");
      item.append(button);
      list.append(item);
    }
  }

  function draw(added) {
    if (typeof window.cytoscape !== "function") { return; }
    if (!cy) {
      cy = window.cytoscape({
        container: graphBox,
        wheelSensitivity: 0.3,
        style: [
          { selector: "node", style: { label: "data(label)", "font-size": 9, "background-color": "data(colour)",
            width: "data(size)", height: "data(size)" } },
          { selector: "node:selected", style: { "border-width": 3, "border-color": "#111" } },
          { selector: "edge", style: { width: "data(width)", "line-color": "#b8c2ca", "curve-style": "bezier",
            "target-arrow-shape": "data(arrow)", "target-arrow-color": "#b8c2ca" } },
          { selector: "edge.hidden-kind", style: { display: "none" } },
        ],
      });
      cy.on("tap", "node", (event) => select(event.target.id()));
      cy.on("dbltap", "node", (event) => load({ node: event.target.id(), cap: EXPAND_CAP }, `${api}/neighbourhood`));
    }
    cy.add(added);
    cy.edges().forEach((edge) => { edge.toggleClass("hidden-kind", !kinds().includes(edge.data("kind"))); });
    cy.layout({ name: "cose", animate: false, randomize: false, nodeDimensionsIncludeLabels: true }).run();
  }

  function absorb(graph) {
    const added = [];
    for (const node of graph.nodes) {
      if (nodes.has(node.node_key)) { continue; }
      nodes.set(node.node_key, node);
      added.push({ group: "nodes", data: { id: node.node_key, label: node.label, colour: colour(node.community),
        size: 14 + Math.min(26, Math.sqrt(node.weighted_degree)) } });
    }
    for (const edge of graph.edges) {
      if (edges.has(edge.id)) { continue; }
      edges.set(edge.id, edge);
      added.push({ group: "edges", data: { id: `e${edge.id}`, source: edge.source_key, target: edge.target_key,
        kind: edge.kind, width: 1 + Math.min(6, Math.log2(1 + edge.weight)), arrow: edge.directed ? "triangle" : "none" } });
    }
    capped = capped || graph.capped;
    edgesCapped = edgesCapped || graph.edges_capped;
    return added;
  }

  async function load(params, url, reselect) {
    status.textContent = "loading…";
    try {
      const answer = await fetch(`${url}?${query(params)}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!answer.ok) { status.textContent = `could not load the graph (${answer.status})`; return; }
      const added = absorb(await answer.json());
      redrawList();
      draw(added);
      say();
      if (reselect) { select(reselect); }
    } catch (error) {
      status.textContent = `could not load the graph: ${error}`;
    }
  }

  function start() {
    if (graphBox.dataset.node) {
      load({ node: graphBox.dataset.node, cap: graphBox.dataset.cap }, `${api}/neighbourhood`, graphBox.dataset.node);
    } else if (graphBox.dataset.community !== "") {
      load({ cap: graphBox.dataset.cap }, `${api}/communities/${encodeURIComponent(graphBox.dataset.community)}`);
    }
  }

  document.querySelectorAll("#edge-kinds input").forEach((box) => box.addEventListener("change", () => {
    if (cy) { cy.edges().forEach((edge) => { edge.toggleClass("hidden-kind", !kinds().includes(edge.data("kind"))); }); }
    say();
  }));
  document.addEventListener("DOMContentLoaded", start);
})();
