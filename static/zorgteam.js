/* Progressive enhancement only: every page works without this file. */
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  });
});
/* The main menu on a phone: folded behind "Menu" so the page itself starts near the top (CSS does the folding,
   only below 48rem and only once this has run). */
document.querySelectorAll(".menu-toggle").forEach(function (toggle) {
  var menu = document.getElementById(toggle.getAttribute("aria-controls"));
  if (!menu) { return; }
  toggle.hidden = false;
  document.documentElement.classList.add("menu-folds");
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  });
});
