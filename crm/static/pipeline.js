// Drag a card to another column of the pipeline board; a dialog asks for an optional
// note and posts the same form as the no-JavaScript "Move…" page.
(() => {
  const boardEl = document.querySelector(".board");
  const dialog = document.getElementById("move-dialog");
  if (!boardEl || boardEl.dataset.moveEnabled !== "true" || !dialog || !dialog.showModal) return;
  const form = document.getElementById("move-dialog-form");
  const stageInput = document.getElementById("move-dialog-stage");
  const text = document.getElementById("move-dialog-text");
  let dragged = null;

  boardEl.addEventListener("dragstart", (event) => {
    dragged = event.target.closest(".board-card");
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.projectId);
    dragged.classList.add("dragging");
  });
  boardEl.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    boardEl.querySelectorAll(".drop-target").forEach((c) => c.classList.remove("drop-target"));
  });
  boardEl.addEventListener("dragover", (event) => {
    const column = event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    boardEl.querySelectorAll(".drop-target").forEach((c) => c !== column && c.classList.remove("drop-target"));
    column.classList.add("drop-target");
  });
  boardEl.addEventListener("drop", (event) => {
    const column = event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("drop-target");
    if (dragged.closest(".board-column") === column) return;
    const title = dragged.querySelector("a").textContent.trim();
    form.action = dragged.dataset.moveUrl;
    stageInput.value = column.dataset.stageId;
    text.textContent = `“${title}” → ${column.dataset.stageName}`;
    dialog.showModal();
    document.getElementById("move-dialog-note").focus();
  });
  document.getElementById("move-dialog-cancel").addEventListener("click", () => dialog.close());
})();
