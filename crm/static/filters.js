// Suggestions for the typed names (organization, person, project): an <input list=…>
// whose data-lookup-url answers [{label, local_name}] for ?q=. Without JavaScript the
// typed text is simply sent and the server matches names. One listener for the whole
// page, so rows added later (the memorandum form's "Add a party") get suggestions too.
(() => {
  const state = new WeakMap();
  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.matches("input[data-lookup-url][list]")) return;
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    const seen = state.get(input) || { timer: null, asked: "" };
    state.set(input, seen);
    clearTimeout(seen.timer);
    const q = input.value.trim();
    if (q.length < 2 || q === seen.asked) return;
    seen.timer = setTimeout(async () => {
      seen.asked = q;
      try {
        const url = new URL(input.dataset.lookupUrl, window.location.href);
        url.searchParams.set("q", q);
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const rows = await response.json();
        list.replaceChildren(...rows.map((row) => {
          const option = document.createElement("option");
          option.value = row.label;
          if (row.local_name) option.label = `${row.label} (${row.local_name})`;
          return option;
        }));
      } catch (_error) { /* suggestions are a convenience: typing still works */ }
    }, 200);
  });
})();
