// The facets of /cari/ (search.html): a disclosure closed on phones until the shopper opens it, always open in
// the sidebar of the wide layout (the breakpoint of catalogue.css). Without JavaScript catalogue.css shows the
// facets on wide screens anyway; this keeps the disclosure's `open` state, which assistive technology
// announces, in step with what is shown.
(function () {
  var facets = document.querySelector("details[data-search-facets]");
  if (!facets || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 1024px)");
  function follow() { facets.open = wide.matches; }
  follow();
  wide.addEventListener("change", follow);
  facets.addEventListener("toggle", function () { if (wide.matches && !facets.open) facets.open = true; });
})();
