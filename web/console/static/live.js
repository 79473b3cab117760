// Loa console: the few lines of script that make two pages live. Every
// page works without them: the FAQ editor has its Preview button, the
// import page its refresh link.
(function () {
  "use strict";
  // FAQ editor: the bot's answer previewed as the curator types.
  var form = document.getElementById("faq-form");
  var out = document.getElementById("preview");
  if (form && out) {
    var timer = null;
    var update = function () {
      var body = new URLSearchParams(new FormData(form));
      fetch(form.dataset.preview, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { out.innerHTML = html; })
        .catch(function () { /* the Preview button still works */ });
    };
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 250);
    });
  }
  // Member import: follow the import until it is done.
  var status = document.getElementById("import-status");
  if (status && status.dataset.running) {
    var poll = function () {
      fetch(location.href, { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var next = new DOMParser().parseFromString(html, "text/html").getElementById("import-status");
          if (!next) { return; }
          status.replaceWith(next);
          status = next;
          if (next.dataset.running) { setTimeout(poll, 700); }
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 500);
  }
})();
