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

async function withChart(elementId, build) {
  try {
    await build();
    document.getElementById(elementId).dataset.drawn = "true";
  } catch (error) {
    showError(elementId, error);
  }
}
