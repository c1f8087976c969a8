// The SQL workbench: run a query, page through the rows, download them as CSV, check an exercise's answer.
// Plain DOM code, no library: the page must work offline.
(function () {
  "use strict";
  const root = document.querySelector(".workbench");
  if (!root) return;
  const PAGE_SIZE = 50;
  const exercises = JSON.parse(document.getElementById("wb-exercises-data").textContent);
  const byId = Object.fromEntries(exercises.map((exercise) => [exercise.id, exercise]));
  const editor = document.getElementById("wb-sql");
  const status = document.getElementById("wb-status");
  const verdict = document.getElementById("wb-verdict");
  const resultBox = document.getElementById("wb-result");
  const pager = document.getElementById("wb-pager");
  const csvLink = document.getElementById("wb-csv");
  const checkButton = document.getElementById("wb-check");
  let result = null;
  let page = 0;
  let current = null;
  let hintsShown = 0;
  let csvUrl = null;

  function setStatus(text, isError) {
    status.textContent = text;
    status.classList.toggle("wb-error", Boolean(isError));
  }

  async function call(url, params) {
    const query = new URLSearchParams(params);
    const response = await fetch(`${url}?${query}`, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = body.error || body.detail || Object.values(body).flat().join(" ") || response.statusText;
      throw new Error(detail);
    }
    return body;
  }

  function cellText(value) {
    return value === null ? "NULL" : String(value);
  }

  function renderPage() {
    resultBox.textContent = "";
    if (!result) return;
    const table = document.createElement("table");
    table.className = "rows wb-table";
    const head = table.createTHead().insertRow();
    for (const column of result.columns) {
      const th = document.createElement("th");
      th.textContent = column;
      head.appendChild(th);
    }
    const body = table.createTBody();
    const start = page * PAGE_SIZE;
    for (const row of result.rows.slice(start, start + PAGE_SIZE)) {
      const tr = body.insertRow();
      for (const value of row) {
        const td = tr.insertCell();
        td.textContent = cellText(value);
        if (typeof value === "number") td.className = "num";
        if (value === null) td.classList.add("muted");
      }
    }
    resultBox.appendChild(table);
    const pages = Math.max(1, Math.ceil(result.rows.length / PAGE_SIZE));
    pager.hidden = pages <= 1;
    document.getElementById("wb-page").textContent = `page ${page + 1} of ${pages}`;
    document.getElementById("wb-prev").disabled = page === 0;
    document.getElementById("wb-next").disabled = page >= pages - 1;
  }

  function csvField(value) {
    const text = value === null ? "" : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  function offerCsv() {
    if (csvUrl) URL.revokeObjectURL(csvUrl);
    const lines = [result.columns, ...result.rows].map((row) => row.map(csvField).join(","));
    csvUrl = URL.createObjectURL(new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv" }));
    csvLink.href = csvUrl;
    csvLink.hidden = false;
  }

  async function run() {
    verdict.hidden = true;
    setStatus("running...");
    try {
      result = await call(root.dataset.queryUrl, { sql: editor.value });
      if (result.error) throw new Error(result.error);
    } catch (error) {
      result = null;
      renderPage();
      pager.hidden = true;
      csvLink.hidden = true;
      setStatus(error.message, true);
      return;
    }
    page = 0;
    renderPage();
    offerCsv();
    const more = result.truncated ? ` (cut at ${result.max_rows}; add a LIMIT or aggregate)` : "";
    setStatus(`${result.row_count} row${result.row_count === 1 ? "" : "s"} in ${result.seconds} s${more}`);
  }

  async function check() {
    if (!current) return;
    setStatus("checking...");
    try {
      const answer = await call(root.dataset.checkUrl, { exercise: current.id, sql: editor.value });
      verdict.hidden = false;
      verdict.className = `wb-verdict ${answer.correct ? "wb-correct" : "wb-wrong"}`;
      verdict.textContent = answer.correct ? `${answer.exercise}: correct` : `${answer.exercise}: wrong: ${answer.message}`;
      setStatus("");
    } catch (error) {
      setStatus(error.message, true);
    }
  }

  function pick(id) {
    current = byId[id];
    hintsShown = 0;
    document.getElementById("wb-exercise").hidden = false;
    document.getElementById("wb-exercise-title").textContent = `${current.id}: ${current.title}`;
    document.getElementById("wb-exercise-question").textContent = current.question;
    document.getElementById("wb-exercise-order").textContent = current.ordered
      ? "Row order matters."
      : "Row order does not matter.";
    document.getElementById("wb-hints").textContent = "";
    document.getElementById("wb-hint").hidden = current.hints.length === 0;
    for (const button of document.querySelectorAll(".wb-pick")) {
      button.classList.toggle("wb-active", button.dataset.id === id);
    }
    checkButton.disabled = false;
    verdict.hidden = true;
  }

  function showHint() {
    if (!current || hintsShown >= current.hints.length) return;
    const item = document.createElement("li");
    item.textContent = current.hints[hintsShown];
    document.getElementById("wb-hints").appendChild(item);
    hintsShown += 1;
    document.getElementById("wb-hint").hidden = hintsShown >= current.hints.length;
  }

  function insert(text) {
    const start = editor.selectionStart;
    editor.setRangeText(text, start, editor.selectionEnd, "end");
    editor.focus();
  }

  document.getElementById("wb-run").addEventListener("click", run);
  checkButton.addEventListener("click", check);
  document.getElementById("wb-prev").addEventListener("click", () => { page -= 1; renderPage(); });
  document.getElementById("wb-next").addEventListener("click", () => { page += 1; renderPage(); });
  const hintButton = document.getElementById("wb-hint");
  if (hintButton) hintButton.addEventListener("click", showHint);
  for (const button of document.querySelectorAll(".wb-pick")) {
    button.addEventListener("click", () => pick(button.dataset.id));
  }
  for (const button of document.querySelectorAll(".wb-insert")) {
    button.addEventListener("click", () => insert(button.dataset.text));
  }
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
})();
