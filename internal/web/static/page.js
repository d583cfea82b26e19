// Live updates for the public status page. The page is complete without
// this file; it only saves the visitor a reload. It listens to the page's
// Server-Sent Events stream and, when the version changes, fetches the page
// and swaps in the new <main>, keeping the focus where it can.
(function () {
  "use strict";
  var body = document.body;
  var url = body && body.getAttribute("data-events");
  if (!url || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var current = body.getAttribute("data-version");
  var loading = false;
  var again = false;
  var delay = 5000;

  function announce(text) {
    var live = document.getElementById("live");
    if (live) {
      live.textContent = text;
    }
  }

  function refresh() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    fetch(window.location.href, { headers: { Accept: "text/html" }, cache: "no-store" })
      .then(function (res) {
        if (!res.ok) {
          throw new Error("status " + res.status);
        }
        return res.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var next = doc.getElementById("content");
        var now = document.getElementById("content");
        if (!next || !now) {
          window.location.reload();
          return;
        }
        var focusedId = document.activeElement && document.activeElement.id;
        now.replaceWith(document.importNode(next, true));
        current = doc.body.getAttribute("data-version") || current;
        body.setAttribute("data-version", current);
        document.title = doc.title;
        if (focusedId) {
          var el = document.getElementById(focusedId);
          if (el) {
            el.focus();
          }
        }
        announce("Updated " + new Date().toLocaleTimeString());
      })
      .catch(function () {
        announce("Live update failed; reload the page for the latest status.");
      })
      .then(function () {
        loading = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  function connect() {
    var es = new EventSource(url);
    es.addEventListener("version", function (ev) {
      delay = 5000;
      if (ev.data !== current) {
        refresh();
      }
    });
    es.addEventListener("error", function () {
      // EventSource reconnects by itself after a network error, but gives
      // up on an HTTP error such as 503 (too many streams): try again
      // later, backing off up to five minutes.
      if (es.readyState === EventSource.CLOSED) {
        window.setTimeout(connect, delay + Math.random() * delay);
        delay = Math.min(delay * 2, 300000);
      }
    });
  }
  connect();
})();
