// Memorandum form: "Add a party" / "Add a term" append a row in place instead of
// reloading the page. Without this file the same buttons post the form, which comes
// back with one more row and everything typed kept.
(() => {
  "use strict";

  const renumber = (row, list, index) => {
    const pattern = new RegExp(`^${list}-\\d+-`);
    const replacement = `${list}-${index}-`;
    row.querySelectorAll("[name], [id], label[for], [list], [aria-describedby]").forEach((el) => {
      for (const attr of ["name", "id", "for", "list"]) {
        const value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(pattern, replacement));
      }
      const described = el.getAttribute("aria-describedby");
      if (described) {
        const kept = described.split(/\s+/).filter((id) => !id.endsWith("-error"))
          .map((id) => id.replace(pattern, replacement)).join(" ");
        if (kept) el.setAttribute("aria-describedby", kept);
        else el.removeAttribute("aria-describedby");
      }
    });
  };

  const clear = (row) => {
    row.querySelectorAll(".invalid-feedback").forEach((el) => el.remove());
    row.querySelectorAll(".is-invalid").forEach((el) => el.classList.remove("is-invalid"));
    row.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    row.querySelectorAll("input, textarea").forEach((el) => { el.value = ""; });
    row.querySelectorAll("datalist").forEach((el) => el.replaceChildren());
    row.querySelectorAll("select").forEach((el) => {
      el.querySelectorAll("option[selected]").forEach((o) => o.removeAttribute("selected"));
      el.selectedIndex = 0;
    });
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-add-row], input[data-add-row]");
    if (!button) return;
    const list = button.dataset.addRow;
    const container = document.querySelector(`[data-rows="${list}"]`);
    const rows = container ? container.querySelectorAll("[data-row]") : [];
    if (!rows.length) return; // let the form post: the server adds the row
    event.preventDefault();
    const row = rows[rows.length - 1].cloneNode(true);
    renumber(row, list, rows.length);
    clear(row);
    const legend = row.querySelector("[data-row-legend]");
    if (legend) legend.textContent = `${container.dataset.legend} ${rows.length + 1}`;
    container.appendChild(row);
    const first = row.querySelector("select, input, textarea");
    if (first) first.focus();
  });
})();
