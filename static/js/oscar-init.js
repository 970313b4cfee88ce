// Starts Oscar's storefront behaviour from a file instead of the inline
// `{% block onbodyload %}` script Oscar's templates use (the site's CSP allows no
// inline script). Each page initialiser runs only where its markup is present.
(function ($, oscar) {
  "use strict";
  if (!$ || !oscar) {
    return;
  }
  $(function () {
    oscar.init();

    if ($("#basket_formset, #saved_basket_formset, #voucher_form_link").length) {
      var basketURL = document.body.getAttribute("data-basket-url");
      oscar.basket.init(basketURL ? { basketURL: basketURL } : undefined);
    }
    if ($("#id_sort_by, .facet_checkbox").length) {
      oscar.search.init();
    }
    if ($("form input[name=options]").length && $("#id_password").length) {
      oscar.checkout.gateway.init();
    }
    if ($(".clipboard-item").length) {
      oscar.customer.wishlists.init();
    }
    if ($('a[data-behaviours~="archive"], a[data-behaviours~="delete"]').length) {
      oscar.notifications.init();
    }
  });
})(window.jQuery, window.oscar);
