// Loa console, broadcast pages: progressive enhancement only. Every form
// works without this file; with it, the previews and the audience count
// follow what the editor types, the recipients are counted on the
// broadcast page, and the run page's live part refreshes itself.
(function () {
  "use strict";
  function debounce(fn, ms) {
    var t;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }
  function text(r) {
    if (!r.ok) { throw new Error("HTTP " + r.status); }
    return r.text();
  }
  function post(url, form) {
    return fetch(url, { method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin" }).then(text);
  }

  var form = document.getElementById("bc-form");
  if (form) {
    var previews = document.getElementById("previews");
    var count = document.getElementById("count");
    var preview = debounce(function () {
      post(form.dataset.preview, form).then(function (h) { previews.innerHTML = h; }).catch(function () {});
    }, 300);
    var recount = debounce(function () {
      count.setAttribute("aria-busy", "true");
      post(form.dataset.count, form).then(function (h) { count.innerHTML = h; })
        .catch(function () {}).then(function () { count.removeAttribute("aria-busy"); });
    }, 250);
    form.addEventListener("input", function (e) {
      if (e.target.hasAttribute("data-preview-input")) { preview(); }
    });
    form.addEventListener("change", function (e) {
      if (e.target.hasAttribute("data-count-input")) { recount(); }
      if (e.target.hasAttribute("data-preview-input")) { preview(); }
    });
    document.documentElement.classList.add("js");
    recount();
  }

  var link = document.getElementById("count-link");
  if (link) {
    var load = function () {
      fetch(link.dataset.countUrl, { credentials: "same-origin" }).then(text)
        .then(function (h) { document.getElementById("count").innerHTML = h; }).catch(function () {});
    };
    link.addEventListener("click", function (e) { e.preventDefault(); load(); });
    load();
  }

  var live = document.getElementById("live");
  if (live && live.dataset.live) {
    var url = live.dataset.live;
    var timer = setInterval(function () {
      fetch(url, { credentials: "same-origin" }).then(text).then(function (h) {
        live.innerHTML = h;
        var s = live.querySelector(".run-status");
        if (s && (s.dataset.status === "done" || s.dataset.status === "cancelled")) { clearInterval(timer); }
      }).catch(function () {});
    }, 2000);
  }
})();
