// Shared helpers for the dashboards: fetch JSON from the API and draw with the locally served plotly.js.
"use strict";

async function fetchJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    throw new Error(`${url}: HTTP ${response.status}`);
  }
  return response.json();
}

// Every row of a paginated list endpoint (follows `next`); plain lists are returned as they are.
async function fetchAll(url) {
  let page = await fetchJson(url);
  if (Array.isArray(page)) {
    return page;
  }
  const rows = [...page.results];
  while (page.next) {
    page = await fetchJson(page.next);
    rows.push(...page.results);
  }
  return rows;
}

function withParams(url, params) {
  const query = new URLSearchParams(params).toString();
  return query ? `${url}${url.includes("?") ? "&" : "?"}${query}` : url;
}

function drawChart(elementId, traces, layout) {
  // A second y axis on the right needs room for its tick labels and title inside the chart's box.
  const rightAxis = Boolean(layout.yaxis2 && layout.yaxis2.side === "right");
  const base = { margin: { t: 64, r: rightAxis ? 80 : 16, b: 64, l: 64 }, font: { family: "system-ui, sans-serif" } };
  for (const axis of ["xaxis", "yaxis"]) {
    // Long or rotated tick labels grow the margin instead of being cut off at the chart's edge.
    layout[axis] = Object.assign({ automargin: true }, layout[axis]);
    if (layout[axis].type === "log" && hasNonPositive(traces, axis[0])) {
      // A log axis drops zeros silently and misleads; values with zeros get a linear axis.
      layout[axis].type = "linear";
      if (layout[axis].title && layout[axis].title.text) {
        layout[axis].title.text = layout[axis].title.text.replace(" (log scale)", "");
      }
    }
    if (layout[axis].type === "log") {
      // Label 1, 2 and 5 of each decade rather than every digit, which crowds a short axis.
      layout[axis] = Object.assign({ dtick: "D2" }, layout[axis]);
    }
  }
  if (rightAxis) {
    // plotly syncs an overlaying axis's ticks to the left axis's grid by default, which gives ticks such as 19.99
    // and a stray zero line; let it choose round ticks from zero, without a second grid.
    layout.yaxis2 = Object.assign({ tickmode: "auto", rangemode: "tozero", showgrid: false, zeroline: false }, layout.yaxis2);
  }
  if (layout.title) {
    layout.title = Object.assign({ x: 0.02, xanchor: "left" }, layout.title);  // clear of the mode bar
  }
  return Plotly.newPlot(elementId, traces, Object.assign(base, layout), { responsive: true, displaylogo: false, displayModeBar: "hover" });
}

function showError(elementId, error) {
  const element = document.getElementById(elementId);
  element.textContent = `Could not load this chart: ${error.message}`;
  element.classList.add("muted");
}

// One colour per category for every chart of a page: a category keeps its colour whichever chart shows it.
// Twelve colours that stay apart from each other (and from the page's blue accent for the first).
// Series that are not categories (a revenue line over category bars) are drawn in black, which is not among them.
const PALETTE = ["#2f6fdf", "#e8590c", "#1f8a4c", "#c2255c", "#7048e8", "#b7791f", "#0b7285", "#868e96",
  "#fab005", "#82c91e", "#7f4f24", "#e599f7"];
const categoryColours = new Map();

// Give the categories of `order` their colours in that order (call once per page with each natural order).
function assignColours(order) {
  for (const category of order) {
    if (!categoryColours.has(category)) {
      categoryColours.set(category, PALETTE[categoryColours.size % PALETTE.length]);
    }
  }
}

function colourOf(category) {
  assignColours([category]);
  return categoryColours.get(category);
}

// Values in a natural order (plans, segments, buckets); values the order does not name come after, sorted.
function inOrder(values, order) {
  const rank = v => (order.indexOf(v) === -1 ? order.length : order.indexOf(v));
  return [...values].sort((a, b) => rank(a) - rank(b) || String(a).localeCompare(String(b)));
}

// `30_days` -> `30 days`, `90_days_plus` -> `90+ days`, `super_loyal` -> `super loyal`.
function readable(code) {
  return String(code).replace(/_days_plus$/, "+ days").replace(/_/g, " ");
}

// A heatmap trace that prints its value in every cell.
function heatmap(trace, format = "%{z}") {
  return Object.assign({ texttemplate: format, textfont: { size: 11 } }, trace);
}

function hasNonPositive(traces, axis) {
  return traces.some(trace => (trace[axis] || []).some(value => value !== null && Number(value) <= 0));
}

async function withChart(elementId, build) {
  const element = document.getElementById(elementId);
  element.classList.add("loading");
  element.setAttribute("aria-busy", "true");
  try {
    await build();
    element.dataset.drawn = "true";
  } catch (error) {
    showError(elementId, error);
  } finally {
    element.classList.remove("loading");
    element.removeAttribute("aria-busy");
  }
}
