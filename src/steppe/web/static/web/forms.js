// Behaviour that would otherwise be inline event handlers, which the Content-Security-Policy
// forbids: <select data-autosubmit> submits its form when changed; <form data-goto="PREFIX">
// goes to PREFIX + the value of its first <select> + "/" instead of submitting.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
    if (el.form.hasAttribute("data-goto")) {
      window.location.href = el.form.getAttribute("data-goto") + encodeURIComponent(el.value) + "/";
    } else {
      el.form.submit();
    }
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.hasAttribute && form.hasAttribute("data-goto")) {
    event.preventDefault();
    var select = form.querySelector("select");
    if (select) window.location.href = form.getAttribute("data-goto") + encodeURIComponent(select.value) + "/";
  }
});
// A sign-up's fields that belong to one kind (data-signup-kind="agency": the broker) show only
// while that kind is chosen; without script they all show, and the server checks them by kind.
(function () {
  function sync() {
    var kind = document.querySelector("select[name=kind]");
    if (!kind) return;
    document.querySelectorAll("[data-signup-kind]").forEach(function (input) {
      var box = input.closest(".field") || input;
      box.hidden = input.getAttribute("data-signup-kind") !== kind.value;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[name=kind]")) sync();
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", sync); else sync();
})();
