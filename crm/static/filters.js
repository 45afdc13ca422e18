// Suggestions for the typed filters (organization, project): an <input list=…> whose
// data-lookup-url answers [{label, local_name}] for ?q=. Without JavaScript the typed
// text is simply sent and the server matches names containing it.
(() => {
  document.querySelectorAll("input[data-lookup-url][list]").forEach((input) => {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    let timer = null;
    let asked = "";
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2 || q === asked) return;
      timer = setTimeout(async () => {
        asked = q;
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
  });
})();
