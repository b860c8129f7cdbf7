// backstop workspace: the only script. Asks for confirmation on forms marked data-confirm.
document.addEventListener("submit", function (ev) {
  var msg = ev.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { ev.preventDefault(); }
});

// run pages: poll the run's JSON until it is finished, then reload to show the files (no CDN, no framework)
(function () {
  var box = document.getElementById("run-status");
  if (!box || ["queued", "running"].indexOf(box.getAttribute("data-status")) < 0) { return; }
  function tick() {
    fetch(box.getAttribute("data-poll"), {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (run) {
      document.getElementById("run-state").textContent = run.status;
      document.getElementById("run-progress").textContent = run.progress;
      if (run.error) { var e = document.getElementById("run-error"); e.textContent = run.error; e.hidden = false; }
      if (run.status === "queued" || run.status === "running") { setTimeout(tick, 1000); } else { window.location.reload(); }
    }).catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 500);
})();
