// Copying a citation, shared by the chat page and the widget: the Clipboard API in a secure
// context, otherwise (plain http, or the API refused) a hidden textarea and execCommand. The
// text copied is also left in the button's data-copied attribute. ``done`` runs once copied.
window.reportqaCopy = window.reportqaCopy || function (text, button, done) {
  "use strict";
  var fallback = function () {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.left = "-9999px";
    area.style.top = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
    done();
  };
  button.setAttribute("data-copied", text);
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, fallback);
  } else {
    fallback();
  }
};
