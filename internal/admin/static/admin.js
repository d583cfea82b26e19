// Keeps the dashboard current without a reload: every data-refresh seconds
// it fetches the same page and swaps in the new main content. The page is
// complete without this script; it only saves pressing reload.
"use strict";
(function () {
  const secs = Number(document.body.dataset.refresh || 0);
  const main = document.getElementById("main");
  const live = document.getElementById("live");
  if (!secs || !main || !window.fetch || !window.DOMParser) {
    return;
  }
  let busy = false;
  async function refresh() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    try {
      const res = await fetch(location.href, { credentials: "same-origin", cache: "no-store" });
      if (!res.ok || res.redirected) {
        if (live) live.textContent = "Could not refresh (" + (res.redirected ? "signed out" : res.status) + ").";
        return;
      }
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const next = doc.getElementById("main");
      // Leave the page alone while someone is working in it.
      if (next && next.innerHTML !== main.innerHTML && !main.contains(document.activeElement)) {
        main.innerHTML = next.innerHTML;
        // Announced only when something changed, not on every poll.
        if (live) live.textContent = "Updated " + new Date().toLocaleTimeString() + ".";
      }
    } catch (e) {
      if (live) live.textContent = "Could not refresh; retrying.";
    } finally {
      busy = false;
    }
  }
  setInterval(refresh, secs * 1000);
  document.addEventListener("visibilitychange", refresh);
})();
