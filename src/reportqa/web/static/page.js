// reportqa chat page: citation markers open their card in the sources panel, and "copy
// citation" copies the formatted reference with an absolute link. Loaded in the page's <head>;
// it only reads attributes the server escaped and writes with textContent or attributes.
//
// It also puts the page's language on what Gradio words in the browser's language: the header
// (chrome.py) carries the labels in data-rq-ui, read again whenever Gradio re-renders.
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

  // Opening a citation: its section unfolds, the card scrolls into view and takes the focus, so
  // that the next Tab reaches its paragraph link and its "copy citation" button.
  function openCard(card) {
    var section = card.closest("details");
    if (section) section.open = true;
    if (!card.hasAttribute("tabindex")) card.setAttribute("tabindex", "-1");
    card.scrollIntoView({ block: "center", behavior: "smooth" });
    card.focus({ preventScroll: true });
    flash(card);
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
      openCard(card);
      return;
    }
    var button = target.closest("button.rq-copy");
    if (button) {
      var link = button.parentElement && button.parentElement.querySelector("a.rq-para");
      var text = (button.getAttribute("data-ref") || "") + (link ? " " + link.href : "");
      copy(text.trim(), button);
    }
  }, true);

  // --- the page's language on Gradio's own controls ---------------------------------------

  function labels() {
    var header = document.querySelector("[data-rq-ui]");
    if (!header) return null;
    try { return JSON.parse(header.getAttribute("data-rq-ui")); } catch (e) { return null; }
  }

  function setAttr(node, name, value) {
    if (node && value && node.getAttribute(name) !== value) node.setAttribute(name, value);
  }

  function name(node, value) {
    setAttr(node, "aria-label", value);
    if (node && node.hasAttribute("title")) setAttr(node, "title", value);
  }

  function relabel() {
    var ui = labels();
    if (!ui) return;
    setAttr(document.documentElement, "lang", ui.lang);
    var switcher = document.getElementById("rq-lang");
    name(switcher, ui.language);
    var chat = document.getElementById("rq-chat");
    if (chat) {
      name(chat.querySelector(".top-panel button"), ui.clear);
      name(chat.querySelector('[role="log"]'), ui.chat);
      // Gradio names each message "user's message: <raw Markdown>": the text itself is better.
      chat.querySelectorAll('[data-testid="user"][aria-label], [data-testid="bot"][aria-label]')
        .forEach(function (node) { node.removeAttribute("aria-label"); });
      chat.querySelectorAll(".message-buttons").forEach(function (bar) {
        var buttons = bar.querySelectorAll("button");
        if (buttons.length !== 2) return; // dislike, then like (feedback_options in page.py)
        [[buttons[0], ui.dislike], [buttons[1], ui.like]].forEach(function (pair) {
          name(pair[0], pair[1]);
          // Gradio shows a rating by colouring its button with the accent.
          var on = (pair[0].getAttribute("style") || "").indexOf("color-accent") !== -1;
          setAttr(pair[0], "aria-pressed", on ? "true" : "false");
        });
      });
      chat.querySelectorAll('a[href^="#src-"]').forEach(function (marker) {
        var n = (marker.textContent || "").replace(/[^0-9]/g, "");
        setAttr(marker, "aria-label", ui.source + " " + n);
      });
    }
    name(document.querySelector('#rq-tabs button[aria-label]:not([role="tab"])'), ui.more_tabs);
    document.querySelectorAll('[data-testid="toast-close"]').forEach(function (button) {
      name(button, ui.close);
    });
    // A toast's title is its kind ("Info"), which Gradio words itself.
    document.querySelectorAll(".toast-title").forEach(function (title) {
      var kind = ["info", "warning", "error"].filter(function (k) {
        return title.classList.contains(k);
      })[0];
      var text = title.firstChild;
      if (kind && ui[kind] && text && text.nodeType === 3 && text.data.trim() !== ui[kind]) {
        text.data = ui[kind] + " ";
      }
    });
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; relabel(); });
  }

  function watch() {
    new MutationObserver(schedule).observe(document.body, {
      subtree: true, childList: true, attributes: true,
      attributeFilter: ["aria-label", "title", "style", "data-rq-ui"]
    });
    relabel();
  }

  if (document.body) watch();
  else document.addEventListener("DOMContentLoaded", watch);
})();
