// The fast meeting log, enhanced: type-ahead pickers with chips and "Create “…”",
// follow-up rows added in place, and the event filling in the place and time zone.
// Without this file the same form works: names are typed and matched when saving.
(() => {
  "use strict";

  const form = document.getElementById("meeting-form");
  if (!form) return;

  const fill = (template, value) => (template || "").replace("%s", value);
  // Close to the server's fold(): NFKC, case-insensitive, trimmed.
  const fold = (text) => (text || "").normalize("NFKC").toLocaleLowerCase().trim();
  const DEBOUNCE_MS = 150;

  function element(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "className") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  }

  function nameParts(label, local) {
    const parts = [element("span", { className: "name-latin", text: label })];
    if (local && local !== label) {
      parts.push(" ", element("span", { className: "name-local text-body-secondary", lang: "und", text: local }));
    }
    return parts;
  }

  // --- pickers --------------------------------------------------------------------------

  function setUpPicker(root) {
    const textarea = root.querySelector("textarea.picker-text");
    const chips = root.querySelector(".picker-chips");
    if (!textarea || !chips) return;
    const { idsName, newName, lookupUrl } = root.dataset;
    const listId = `${textarea.id}-listbox`;
    let options = [];
    let active = -1;
    let timer = null;
    let controller = null;

    // The text box becomes a one-line combobox with the same id, name and label; text
    // left in it is still matched by name when the form is saved.
    const input = element("input", {
      type: "text", id: textarea.id, name: textarea.name, className: textarea.className,
      placeholder: textarea.getAttribute("placeholder"), autocomplete: "off",
      autocapitalize: "words", spellcheck: "false", enterkeyhint: "search",
      role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
      "aria-controls": listId, "aria-describedby": textarea.getAttribute("aria-describedby"),
      "aria-invalid": textarea.getAttribute("aria-invalid"),
    });
    input.value = textarea.value.split(/\n+/).map((s) => s.trim()).filter(Boolean).join(", ");
    const list = element("ul", { id: listId, className: "picker-list", role: "listbox", "aria-label": root.dataset.listLabel });
    list.hidden = true;
    const status = element("div", { className: "visually-hidden", role: "status", "aria-live": "polite" });
    textarea.replaceWith(element("div", { className: "picker-box" }, input, list));
    root.append(status);
    const help = root.querySelector(".form-text[data-js-text]");
    if (help) help.textContent = help.dataset.jsText;

    function removeButton(name, chip) {
      const button = element("button", {
        type: "button", className: "chip-remove", "aria-label": fill(root.dataset.removeLabel, name),
      }, "×");
      button.addEventListener("click", () => {
        chip.remove();
        status.textContent = fill(root.dataset.removeLabel, name);
        input.focus();
      });
      return button;
    }

    function addChip(fieldName, value, label, local, isNew) {
      const chip = element("li", { className: `chip has-remove${isNew ? " chip-new" : ""}` });
      const text = element("span", { className: "chip-text" }, ...nameParts(label, local));
      if (isNew) text.append(" ", element("span", { className: "badge chip-badge", text: root.dataset.newBadge }));
      chip.append(text, element("input", { type: "hidden", name: fieldName, value: String(value) }),
        removeButton(label, chip));
      chips.append(chip);
      status.textContent = label;
    }

    // Chips the page came with (checkboxes without JavaScript) get a remove button.
    for (const chip of [...chips.querySelectorAll("li.chip")]) {
      const box = chip.querySelector("input[type=checkbox]");
      const label = chip.querySelector("label");
      if (!box || !box.checked) { chip.remove(); continue; }
      const text = element("span", { className: "chip-text" }, ...label.childNodes);
      const name = text.querySelector(".name-latin")?.textContent || text.textContent.trim();
      chip.classList.add("has-remove");
      chip.replaceChildren(text, element("input", { type: "hidden", name: box.name, value: box.value }),
        removeButton(name, chip));
    }
    // Names typed in the "new" box without JavaScript become "new" chips.
    const newBox = root.querySelector(".picker-new");
    if (newBox) {
      const lines = newBox.querySelector("textarea").value.split("\n").map((s) => s.trim()).filter(Boolean);
      newBox.remove();
      lines.forEach((line) => addChip(newName, line, line, null, true));
    }

    const pickedIds = () => new Set([...chips.querySelectorAll(`input[name="${idsName}"]`)].map((i) => i.value));
    const pickedNew = () => new Set([...chips.querySelectorAll(`input[name="${newName}"]`)].map((i) => fold(i.value)));

    function close() {
      list.hidden = true;
      list.replaceChildren();
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      options.forEach((option, i) => option.node.setAttribute("aria-selected", i === index ? "true" : "false"));
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].node.id);
        options[index].node.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(query, results) {
      const taken = pickedIds();
      const fresh = results.filter((r) => !taken.has(String(r.id)));
      const q = fold(query);
      const exact = results.some((r) => r.exact || fold(r.label) === q || fold(r.local_name) === q);
      const entries = fresh.map((r) => ({ kind: "record", record: r }));
      if (newName && !exact && !pickedNew().has(q)) entries.push({ kind: "create", name: query.trim() });
      list.replaceChildren();
      options = [];
      entries.forEach((entry, i) => {
        const node = element("li", { id: `${listId}-${i}`, role: "option", "aria-selected": "false" });
        if (entry.kind === "record") {
          node.className = "picker-option";
          node.append(element("span", {}, ...nameParts(entry.record.label, entry.record.local_name)));
          if (entry.record.hint) node.append(element("span", { className: "option-hint", text: entry.record.hint }));
        } else {
          node.className = "picker-option picker-create";
          node.textContent = fill(root.dataset.createLabel, entry.name);
        }
        node.addEventListener("click", () => choose(i));
        list.append(node);
        options.push({ ...entry, node });
      });
      if (!options.length) {
        list.append(element("li", { className: "picker-option", role: "option", "aria-disabled": "true", "aria-selected": "false", text: root.dataset.noneLabel }));
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(options.length ? 0 : -1);
      status.textContent = options.length ? `${options.length}` : root.dataset.noneLabel;
    }

    function choose(index) {
      const entry = options[index];
      if (!entry) return;
      if (entry.kind === "record") {
        addChip(idsName, entry.record.id, entry.record.label, entry.record.local_name, false);
      } else {
        addChip(newName, entry.name, entry.name, null, true);
      }
      input.value = "";
      input.setAttribute("aria-invalid", "false");
      close();
      input.focus();
    }

    async function search() {
      const query = input.value.trim();
      if (!query) { close(); return; }
      if (controller) controller.abort();
      controller = new AbortController();
      let results;
      try {
        const response = await fetch(`${lookupUrl}?q=${encodeURIComponent(query)}`, {
          headers: { Accept: "application/json" }, credentials: "same-origin", signal: controller.signal,
        });
        if (!response.ok) throw new Error(String(response.status));
        results = await response.json();
      } catch (error) {
        if (error.name === "AbortError") return;
        // Offline or a hiccup: "Create" still works, and typed names are matched on save.
        results = [];
        status.textContent = root.dataset.offlineLabel;
      }
      if (input.value.trim() === query && document.activeElement === input) show(query, results);
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      if (!input.value.trim()) { close(); return; }
      timer = setTimeout(search, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { search(); return; }
        if (!options.length) return;
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if (event.key === "Enter") {
        event.preventDefault(); // never save the meeting from the search box
        if (!list.hidden && active >= 0) choose(active);
        else if (input.value.trim()) { clearTimeout(timer); search(); }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
      } else if (event.key === "Tab") {
        close();
      }
    });
    // Keep the focus in the box while an option is tapped; close when leaving it.
    list.addEventListener("pointerdown", (event) => event.preventDefault());
    input.addEventListener("blur", () => setTimeout(() => { if (document.activeElement !== input) close(); }, 150));
  }

  form.querySelectorAll("[data-picker]").forEach(setUpPicker);

  // --- follow-up rows -------------------------------------------------------------------

  const rows = form.querySelector("[data-follow-up-rows]");
  const template = document.getElementById("follow-up-template");
  const addButton = form.querySelector("[data-add-follow-up]");
  const MAX_ROWS = 20;
  let nextIndex = rows ? Number(rows.dataset.nextIndex || rows.children.length) : 0;

  function enableRemove(row) {
    const button = row.querySelector("[data-remove-row]");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const stored = row.querySelector('input[type=hidden][name$="-id"]');
      if (stored && stored.value) {
        // A stored follow-up: saving with an empty text removes it.
        row.querySelector('input[name$="-description"]').value = "";
        row.hidden = true;
      } else {
        row.remove();
      }
      if (addButton) addButton.hidden = false;
      addButton?.focus();
    });
  }

  if (rows && template && addButton) {
    rows.querySelectorAll("[data-follow-up]").forEach(enableRemove);
    addButton.addEventListener("click", (event) => {
      event.preventDefault();
      const html = template.innerHTML.replaceAll("__index__", String(nextIndex))
        .replaceAll("__number__", String(nextIndex + 1));
      nextIndex += 1;
      rows.insertAdjacentHTML("beforeend", html);
      const row = rows.lastElementChild;
      enableRemove(row);
      row.querySelector('input[name$="-description"]')?.focus();
      if (rows.querySelectorAll("[data-follow-up]:not([hidden])").length >= MAX_ROWS) addButton.hidden = true;
    });
  }

  // --- when and where -------------------------------------------------------------------

  const eventSelect = form.querySelector("#event_id");
  const place = form.querySelector("#location");
  const zone = form.querySelector("#timezone");
  const when = form.querySelector("#occurred_at");
  const context = {
    event: form.querySelector('[data-context="event"]'),
    when: form.querySelector('[data-context="when"]'),
    where: form.querySelector('[data-context="where"]'),
  };
  let lastVenue = eventSelect?.selectedOptions[0]?.dataset.venue || "";

  // Minutes `zoneName` is ahead of UTC at the instant `ms`.
  function zoneOffset(zoneName, ms) {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zoneName, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(new Date(ms));
    const part = (type) => Number(parts.find((p) => p.type === type).value);
    return (Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"),
      part("second")) - ms) / 60000;
  }

  // A datetime-local value on the clock of `from`, as the same moment on the clock of `to`.
  function shiftZone(value, from, to) {
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
    if (!match) return value;
    try {
      const wall = Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5]);
      const instant = wall - zoneOffset(from, wall) * 60000;
      const shifted = new Date(instant + zoneOffset(to, instant) * 60000);
      return shifted.toISOString().slice(0, 16);
    } catch (error) {
      return value; // an unknown zone: leave the clock as typed
    }
  }

  // The page's language for dates ("2 Dec 2026, 10:00" in English, as the server writes it).
  const pageLanguage = document.documentElement.lang;
  const dateLanguage = pageLanguage === "en" ? "en-GB" : pageLanguage;

  function describeWhen() {
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(when?.value || "");
    const city = (zone?.value || "UTC").split("/").pop().replaceAll("_", " ");
    if (!match) return city;
    const wall = new Date(Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5]));
    let text;
    try {
      text = new Intl.DateTimeFormat(dateLanguage, {
        dateStyle: "medium", timeStyle: "short", hourCycle: "h23", timeZone: "UTC",
      }).format(wall);
    } catch (error) {
      text = when.value.replace("T", " ");
    }
    return `${text} · ${city}`;
  }

  function refreshContext() {
    if (context.event && eventSelect) context.event.textContent = eventSelect.selectedOptions[0]?.textContent || "";
    if (context.when) context.when.textContent = describeWhen();
    if (context.where && place) context.where.textContent = place.value;
  }

  eventSelect?.addEventListener("change", () => {
    const option = eventSelect.selectedOptions[0];
    const venue = option?.dataset.venue || "";
    if (place && (!place.value.trim() || place.value === lastVenue)) place.value = venue;
    lastVenue = venue;
    if (zone && option?.dataset.timezone && option.dataset.timezone !== zone.value) {
      // Another event, another zone: the same moment, shown on the new local clock.
      if (when?.value) when.value = shiftZone(when.value, zone.value, option.dataset.timezone);
      zone.value = option.dataset.timezone;
    }
    refreshContext();
  });
  [when, zone, place].forEach((field) => field?.addEventListener("change", refreshContext));

  // --- saving ---------------------------------------------------------------------------

  // Enter in a one-line box does not save a half-written meeting; the buttons do.
  form.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.key === "Enter" && target instanceof HTMLInputElement &&
        !["submit", "button", "checkbox", "radio"].includes(target.type)) {
      event.preventDefault();
    }
  });
  // One tap saves once, even on a slow festival network.
  form.addEventListener("submit", (event) => {
    if (form.dataset.submitting) { event.preventDefault(); return; }
    const submitter = event.submitter;
    if (submitter && submitter.name === "add_follow_up") return;
    form.dataset.submitting = "1";
    setTimeout(() => { delete form.dataset.submitting; }, 8000);
  });
})();
