// Confirms the order's PaymentIntent with Stripe's Payment Element; the
// webhook, not this page, marks the order paid.
(function () {
  "use strict";
  function start() {
    var form = document.getElementById("stripe-payment-form");
    if (!form || typeof window.Stripe !== "function") return;
    var stripe = window.Stripe(form.dataset.publishableKey);
    var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
    elements.create("payment").mount("#stripe-payment-element");
    var errorBox = document.getElementById("stripe-payment-error");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      stripe
        .confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
        .then(function (result) {
          if (result.error) {
            errorBox.textContent = result.error.message;
            errorBox.hidden = false;
            button.disabled = false;
          }
        });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
