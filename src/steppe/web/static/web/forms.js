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
