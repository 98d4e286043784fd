// Behaviour of Reach's pages that would otherwise be inline event handlers, which the
// content-security policy refuses: this file is the only script besides htmx.

// A select marked data-submit-on-change (the language chooser) submits its form when changed.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-submit-on-change]");
  if (select && select.form) {
    select.form.submit();
  }
});
