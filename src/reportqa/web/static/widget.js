// reportqa widget: a compact chat over the JSON API, for embedding in an iframe.
// Every piece of text from the user, the answer or the report is set with textContent; this file
// never assigns innerHTML. The configuration comes from the JSON block #rq-config (see widget.py).
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("rq-config").textContent);
  var lang = config.explicitLang ? config.lang : browserLanguage(config.lang);
  // The conversation lives for the browser tab: a follow-up is sent with it as its history.
  // A widget scoped to some documents (/widget?doc=NAME) keeps its own thread.
  var THREAD_KEY = "reportqa-widget-thread" + (config.scope.length ? ":" + config.scope.join("|") : "");
  var MAX_TURNS = 20;
  var turns = loadThread(); // {question, answer (API JSON) | null, error | null, rated}
  var busy = false;

  var log = document.getElementById("rq-log");
  var form = document.getElementById("rq-form");
  var input = document.getElementById("rq-input");
  var send = document.getElementById("rq-send");
  var select = document.getElementById("rq-lang");
  var examples = document.getElementById("rq-examples");
  var newButton = document.getElementById("rq-new");

  function loadThread() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(THREAD_KEY) || "[]");
      return Array.isArray(saved) ? saved.filter(function (t) { return t && t.question; }) : [];
    } catch (e) {
      return []; // storage blocked (a sandboxed frame): the thread lasts for the page
    }
  }

  function saveThread() {
    try {
      window.sessionStorage.setItem(THREAD_KEY, JSON.stringify(turns.slice(-MAX_TURNS)));
    } catch (e) { /* storage blocked or full: the thread still lasts for the page */ }
  }

  function history() {
    var out = [];
    turns.forEach(function (turn) {
      if (!turn.answer) return;
      out.push({ role: "user", content: turn.question });
      out.push({ role: "assistant", content: turn.answer.answer, citations: turn.answer.citations });
    });
    return out.slice(-2 * MAX_TURNS);
  }

  function browserLanguage(fallback) {
    var codes = config.languages.map(function (l) { return l.code; });
    var wanted = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i] || "").toLowerCase().split("-")[0];
      if (codes.indexOf(code) !== -1) return code;
    }
    return fallback;
  }

  function s(key, values) {
    var text = (config.strings[lang] || config.strings.ru)[key] || key;
    if (values) {
      Object.keys(values).forEach(function (name) {
        text = text.split("{" + name + "}").join(String(values[name]));
      });
    }
    return text;
  }

  // The answer's coded notices in the widget's language (the English "notice" when uncoded).
  function noticeTexts(answer) {
    if (!answer.notices) return answer.notice ? [answer.notice] : [];
    return answer.notices.map(function (notice) {
      if (notice.texts && notice.texts[lang]) return notice.texts[lang];
      var template = (config.notices[lang] || {})[notice.code];
      if (!template) return notice.text;
      Object.keys(notice.params || {}).forEach(function (name) {
        template = template.split("{" + name + "}").join(String(notice.params[name]));
      });
      return template;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function reportHref(doc, paragraph, start, end) {
    var params = new URLSearchParams({ doc: doc });
    if (typeof start === "number" && typeof end === "number" && start >= 0 && start < end) {
      params.set("hl", start + "-" + end);
    }
    return "report?" + params.toString() + "#p" + paragraph;
  }

  function absolute(href) {
    return new URL(href, window.location.href).href;
  }

  // Mirrors export.reference_text in Python; a browser test checks that both agree.
  function referenceText(citation, url) {
    var doc = config.documents[citation.document] || {};
    var q = config.quotes[lang] || config.quotes.ru;
    var head = [doc.source || "", q[0] + citation.title + q[1], doc.date || "",
      s("paragraph", { n: citation.paragraph })].filter(function (part) { return part; });
    return (head.join(", ") + ": " + q[0] + citation.quote + q[1] + " " + (url || "")).trim();
  }

  function copyText(text, button) {
    window.reportqaCopy(text, button, function () {
      var label = button.textContent;
      button.textContent = s("copied");
      button.classList.add("rq-done");
      setTimeout(function () { button.textContent = label; button.classList.remove("rq-done"); }, 1500);
    });
  }

  function marker(n, numbers, index) {
    if (!numbers[n]) return document.createTextNode("[" + n + "]");
    var link = el("a", "rq-marker", "[" + n + "]");
    link.href = "#rq-c-" + index + "-" + n;
    link.setAttribute("data-target", "rq-c-" + index + "-" + n);
    return link;
  }

  // The answer text, or what follows its short answer ("372 тысячи шин — «…» [1]" shows «…» [1]
  // under the bold span); as render.answer_body in Python.
  function answerBody(answer) {
    var short = answer.short_answer;
    var text = answer.answer;
    if (!short || !short.text || text.indexOf(short.text) !== 0) return text;
    var rest = text.slice(short.text.length);
    var separator = /^\s+[\u2014\u2013-]\s+/.exec(rest);
    if (!separator || !rest.slice(separator[0].length).trim()) return text;
    return rest.slice(separator[0].length);
  }

  function answerText(text, numbers, index, node) {
    var pattern = /\[(\d{1,3})\]/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      node.appendChild(document.createTextNode(text.slice(last, match.index)));
      node.appendChild(marker(Number(match[1]), numbers, index));
      last = match.index + match[0].length;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  // The exact span that answers, in bold, with the marker of the quote it stands in.
  function shortAnswer(short, numbers, index) {
    var line = el("p", "rq-short-line");
    var strong = el("strong", "rq-short", short.text.trim());
    strong.setAttribute("data-citation", String(short.citation));
    line.appendChild(strong);
    line.appendChild(document.createTextNode(" "));
    line.appendChild(marker(short.citation, numbers, index));
    return line;
  }

  function citationItem(c, index) {
    var item = el("li", "rq-cite");
    item.id = "rq-c-" + index + "-" + c.n;
    item.appendChild(el("span", "rq-n", "[" + c.n + "]"));
    item.appendChild(el("q", "rq-quote", c.quote));
    var href = reportHref(c.document, c.paragraph, c.start, c.end);
    var where = el("div", "rq-where");
    var link = el("a", "rq-para", s("paragraph", { n: c.paragraph }));
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener";
    link.title = c.title;
    where.appendChild(link);
    where.appendChild(el("span", "rq-doc", " · " + c.title));
    item.appendChild(where);
    var copy = el("button", "rq-copy", s("copy_citation"));
    copy.type = "button";
    copy.addEventListener("click", function () { copyText(referenceText(c, absolute(href)), copy); });
    item.appendChild(copy);
    return item;
  }

  // An inline icon rather than an emoji: not every system has a colour emoji font.
  function thumb(down) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41" +
      "-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54" +
      "-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z");
    if (down) path.setAttribute("transform", "rotate(180 12 12)");
    svg.appendChild(path);
    return svg;
  }

  function feedbackBar(turn) {
    var bar = el("div", "rq-rate");
    if (turn.rated) {
      bar.appendChild(el("span", "rq-thanks", s("thanks")));
      return bar;
    }
    [["up", "helpful"], ["down", "not_helpful"]].forEach(function (spec) {
      var button = el("button", "rq-rate-" + spec[0]);
      button.appendChild(thumb(spec[0] === "down"));
      button.type = "button";
      button.title = s(spec[1]);
      button.setAttribute("aria-label", s(spec[1]));
      button.addEventListener("click", function () { rate(turn, spec[0]); });
      bar.appendChild(button);
    });
    return bar;
  }

  function botMessage(turn, index) {
    var box = el("div", "rq-msg rq-bot");
    if (turn.error) {
      box.classList.add("rq-error");
      box.appendChild(el("strong", null, s("error")));
      box.appendChild(el("p", null, turn.error));
      return box;
    }
    if (!turn.answer) {
      box.classList.add("rq-pending");
      box.appendChild(el("p", null, s("searching")));
      return box;
    }
    var answer = turn.answer;
    if (answer.interpreted_as) {
      box.appendChild(el("p", "rq-interpreted", s("interpreted_as") + " " + answer.interpreted_as));
    }
    if (answer.refused) {
      box.classList.add("rq-refused");
      box.appendChild(el("p", "rq-banner", "⚠️ " + answer.answer));
      if (answer.see_also && answer.see_also.length) {
        var also = el("p", "rq-see-also", s("see_also") + ": ");
        answer.see_also.forEach(function (item, i) {
          if (i) also.appendChild(document.createTextNode(", "));
          var link = el("a", "rq-para", s("paragraph", { n: item.paragraph }));
          link.href = reportHref(item.document, item.paragraph);
          link.target = "_blank";
          link.rel = "noopener";
          link.title = item.text;
          also.appendChild(link);
        });
        box.appendChild(also);
      }
    } else {
      var numbers = {};
      answer.citations.forEach(function (c) { numbers[c.n] = true; });
      var short = answer.short_answer;
      if (short && short.text && short.text.trim()) {
        box.appendChild(shortAnswer(short, numbers, index));
      }
      var text = el("p", "rq-text");
      answerText(answerBody(answer), numbers, index, text);
      box.appendChild(text);
      if (answer.citations.length) {
        var list = el("ol", "rq-cites");
        answer.citations.forEach(function (c) { list.appendChild(citationItem(c, index)); });
        box.appendChild(list);
      }
    }
    (answer.unsupported || []).forEach(function (u) {
      box.appendChild(el("p", "rq-notice", s("unsupported") + ": " + u.text));
    });
    noticeTexts(answer).forEach(function (text) { box.appendChild(el("p", "rq-notice", text)); });
    box.appendChild(feedbackBar(turn));
    return box;
  }

  function render() {
    while (log.firstChild) log.removeChild(log.firstChild);
    if (!turns.length) log.appendChild(el("p", "rq-intro", s("intro")));
    turns.forEach(function (turn, index) {
      log.appendChild(el("div", "rq-msg rq-user", turn.question));
      log.appendChild(botMessage(turn, index + 1));
    });
    log.scrollTop = log.scrollHeight;
    renderExamples();
  }

  function renderExamples() {
    while (examples.firstChild) examples.removeChild(examples.firstChild);
    var list = (config.examples[lang] || []);
    examples.hidden = turns.length > 0 || !list.length;
    list.forEach(function (question) {
      var chip = el("button", "rq-example", question);
      chip.type = "button";
      chip.addEventListener("click", function () { ask(question); });
      examples.appendChild(chip);
    });
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.title = s("title");
    document.getElementById("rq-title").textContent = s("title");
    document.getElementById("rq-input-label").textContent = s("question");
    input.placeholder = s("placeholder");
    send.textContent = s("ask");
    newButton.textContent = s("new_conversation");
    select.setAttribute("aria-label", s("language"));
    select.value = lang;
    render();
  }

  // What a failed question says, in the widget's language where the server's words are not
  // the user's to act on: a rate limit, a server error, no server at all, no answer in time.
  function errorMessage(response, body) {
    if (response.status === 429) {
      return s("error_rate_limited", { seconds: response.headers.get("Retry-After") || "60" });
    }
    if (response.status >= 500) return s("error_server", { status: response.status });
    if (body && typeof body.message === "string") return body.message;
    return s("error_server", { status: response.status });
  }

  function askBody(question, thread) {
    var body = { question: question };
    if (thread.length) body.history = thread;
    if (config.scope.length) body.documents = config.scope;
    return body;
  }

  // How long a question may wait for its answer: the server bounds an LLM's answer and its
  // rewrite of a follow-up (REPORTQA_LLM_TIMEOUT each), so this is only for a server that hangs.
  var ANSWER_TIMEOUT_SECONDS = config.answerTimeoutSeconds;
  var pending = null; // the AbortController of the question under way

  function ask(question) {
    question = String(question || "").trim();
    if (!question || busy) return;
    busy = true;
    send.disabled = true;
    var turn = { question: question, answer: null, error: null, rated: false };
    var thread = history();
    turns.push(turn);
    input.value = "";
    render();
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timedOut = false;
    var timer = setTimeout(function () {
      timedOut = true;
      if (controller) controller.abort();
    }, ANSWER_TIMEOUT_SECONDS * 1000);
    pending = controller;
    fetch("api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(askBody(question, thread)),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (!response.ok || !body) {
          var failed = new Error(errorMessage(response, body));
          failed.answered = true;
          throw failed;
        }
        turn.answer = body;
      });
    }).catch(function (error) {
      if (pending !== controller) return; // dropped with its conversation
      if (error && error.answered) turn.error = error.message;
      else if (timedOut) turn.error = s("error_timeout", { seconds: ANSWER_TIMEOUT_SECONDS });
      else turn.error = s("error_unreachable"); // the browser's own words ("Failed to fetch")
      if (!input.value) input.value = question; // to ask again without typing it again
    }).then(function () {
      clearTimeout(timer);
      if (pending !== controller) return; // a new conversation took its place
      pending = null;
      busy = false;
      send.disabled = false;
      saveThread();
      render();
      input.focus();
    });
  }

  function rate(turn, rating) {
    var answer = turn.answer;
    turn.rated = true;
    saveThread();
    render();
    fetch("api/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        rating: rating,
        channel: "widget",
        question: answer.question,
        answer: answer.answer,
        refused: answer.refused,
        citations: answer.citations
      })
    }).catch(function () { /* a lost rating is not worth an error message */ });
  }

  config.languages.forEach(function (l) {
    var option = el("option", null, l.name);
    option.value = l.code;
    select.appendChild(option);
  });
  select.addEventListener("change", function () { lang = select.value; applyLanguage(); });
  newButton.addEventListener("click", function () {
    if (busy) { // the question under way is dropped with its conversation
      if (pending) pending.abort();
      pending = null;
      busy = false;
      send.disabled = false;
      input.value = "";
    }
    turns = [];
    saveThread();
    render();
    input.focus();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); ask(input.value); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ask(input.value);
    }
  });
  log.addEventListener("click", function (event) {
    var marker = event.target.closest ? event.target.closest("a.rq-marker") : null;
    if (!marker) return;
    event.preventDefault();
    var target = document.getElementById(marker.getAttribute("data-target"));
    if (!target) return;
    target.scrollIntoView({ block: "nearest", behavior: "smooth" });
    target.classList.remove("rq-flash");
    void target.offsetWidth; // restart the animation
    target.classList.add("rq-flash");
  });
  applyLanguage();
})();
