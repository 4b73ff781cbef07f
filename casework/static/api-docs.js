// Starts Swagger UI on the API docs page (kept out of the page so the CSP can forbid inline scripts).
(function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.specUrl, domNode: root, deepLinking: true });
})();
