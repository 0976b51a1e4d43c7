// reportqa chat page: citation markers open their card in the sources panel, and "copy
// citation" copies the formatted reference with an absolute link. Loaded in the page's <head>;
// it only reads attributes the server escaped and writes with textContent.
(function () {
  "use strict";

  function flash(node) {
    node.classList.remove("rq-flash");
    void node.offsetWidth; // restart the animation
    node.classList.add("rq-flash");
  }

  function copy(text, button) {
    window.reportqaCopy(text, button, function () {
      button.textContent = button.getAttribute("data-done") || button.textContent;
      // The label is read again later: the panel may have been re-rendered in another language.
      setTimeout(function () { button.textContent = button.getAttribute("data-label"); }, 1500);
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) return;
    var marker = target.closest('a[href^="#src-"]');
    if (marker) {
      var card = document.getElementById(marker.getAttribute("href").slice(1));
      if (!card) return;
      event.preventDefault();
      event.stopPropagation();
      var section = card.closest("details");
      if (section) section.open = true;
      card.scrollIntoView({ block: "center", behavior: "smooth" });
      flash(card);
      return;
    }
    var button = target.closest("button.rq-copy");
    if (button) {
      var link = button.parentElement && button.parentElement.querySelector("a.rq-para");
      var text = (button.getAttribute("data-ref") || "") + (link ? " " + link.href : "");
      copy(text.trim(), button);
    }
  }, true);
})();
