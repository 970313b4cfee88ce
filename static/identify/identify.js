// Identification block: upload with per-photo organs, live progress over the
// websocket (polling status_url when sockets fail), then result cards.
// Without this script the form posts to a plain page that refreshes itself.
(function () {
  "use strict";
  if (window.canopyIdentifyLoaded) return; // the block may appear twice on a page
  window.canopyIdentifyLoaded = true;

  var ORGANS = [
    ["auto", "Not sure"], ["leaf", "Leaves"], ["flower", "Flowers"],
    ["fruit", "Fruit"], ["bark", "Bark or stem"], ["habit", "The whole plant"]
  ];
  var HEADLINES = {
    identified: "Our best match",
    uncertain: "We are not sure. These are the closest matches",
    not_a_plant: "That does not look like a plant. Try a closer photo of the leaves or flowers.",
    no_match: "We could not match this plant. Try another photo in good light."
  };
  var STAGES = { queued: "Waiting for a free identifier…", started: "Looking at your photos…",
    combining: "Comparing the answers…", local: "Compared with our plant library",
    plantnet: "Pl@ntNet answered", plantid: "Plant.id answered" };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function Identify(root) {
    this.root = root;
    this.form = root.querySelector("[data-identify-form]");
    this.input = root.querySelector("[data-identify-input]");
    this.thumbs = root.querySelector("[data-identify-thumbs]");
    this.organAll = root.querySelector("[data-identify-organ-all]");
    this.progress = root.querySelector("[data-identify-progress]");
    this.bar = root.querySelector("[data-identify-bar]");
    this.stage = root.querySelector("[data-identify-stage]");
    this.error = root.querySelector("[data-identify-error]");
    this.results = root.querySelector("[data-identify-results]");
    this.submit = root.querySelector("[data-identify-submit]");
    this.apiUrl = root.getAttribute("data-api-url");
    this.finished = false;
    this.socket = null;
    this.pollTimer = null;
    this.input.addEventListener("change", this.previews.bind(this));
    this.form.addEventListener("submit", this.send.bind(this));
    var dropzone = root.querySelector("[data-identify-dropzone]");
    if (dropzone) {
      dropzone.addEventListener("dragover", function () { dropzone.classList.add("is-dragover"); });
      dropzone.addEventListener("dragleave", function () { dropzone.classList.remove("is-dragover"); });
      dropzone.addEventListener("drop", function () { dropzone.classList.remove("is-dragover"); });
    }
  }

  // One organ choice per photo once the visitor has picked several.
  Identify.prototype.previews = function () {
    var files = Array.prototype.slice.call(this.input.files || [], 0, 5);
    this.thumbs.textContent = "";
    this.thumbs.hidden = files.length === 0;
    this.organAll.hidden = files.length > 1;
    files.forEach(function (file, index) {
      var item = el("li", "thumbs__item");
      if (window.URL && file.type.indexOf("image/") === 0 && file.type !== "image/heic") {
        var img = el("img");
        img.alt = "Photo " + (index + 1);
        img.src = URL.createObjectURL(file);
        img.width = 96;
        item.appendChild(img);
      }
      if (files.length > 1) {
        var label = el("label", "field__label", "Photo " + (index + 1) + " shows");
        var select = el("select");
        select.setAttribute("data-identify-organ", "");
        select.id = "identify-organ-" + index + "-" + Math.random().toString(36).slice(2, 7);
        label.htmlFor = select.id;
        ORGANS.forEach(function (pair) {
          var option = el("option", null, pair[1]);
          option.value = pair[0];
          select.appendChild(option);
        });
        item.appendChild(label);
        item.appendChild(select);
      }
      this.thumbs.appendChild(item);
    }, this);
  };

  Identify.prototype.send = function (event) {
    if (!window.fetch || !window.FormData) return; // the plain form post still works
    event.preventDefault();
    var files = Array.prototype.slice.call(this.input.files || []);
    if (!files.length) return this.fail("Choose a photo first.");
    if (files.length > 5) return this.fail("Send at most 5 photos of the same plant.");
    var data = new FormData();
    var perPhoto = this.thumbs.querySelectorAll("[data-identify-organ]");
    var single = this.form.querySelector("select[name=organ]");
    files.forEach(function (file, index) {
      data.append("image", file, file.name);
      data.append("organ", perPhoto.length ? perPhoto[index].value : single.value);
    });
    this.reset();
    this.show(0, "Uploading…");
    var self = this;
    fetch(this.apiUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(this.form), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 200) return self.done(body);
        if (response.status === 202) return self.follow(body);
        var detail = body && body.error ? body.error.detail : "Something went wrong (" + response.status + ").";
        self.fail(detail);
      });
    }).catch(function () { self.fail("The upload failed. Check your connection and try again."); });
  };

  Identify.prototype.reset = function () {
    this.finished = false;
    this.error.hidden = true;
    this.results.textContent = "";
    this.submit.disabled = true;
    if (this.socket) { this.socket.close(); this.socket = null; }
    if (this.pollTimer) { clearTimeout(this.pollTimer); this.pollTimer = null; }
  };

  Identify.prototype.show = function (value, text) {
    this.progress.hidden = false;
    this.bar.value = value;
    this.bar.textContent = value + "%";
    this.stage.textContent = text;
  };

  Identify.prototype.follow = function (accepted) {
    this.statusUrl = accepted.status_url;
    this.show(5, STAGES.queued);
    if (!window.WebSocket) return this.poll();
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var self = this;
    var socket = new WebSocket(scheme + window.location.host + accepted.ws_url);
    this.socket = socket;
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "progress") {
        self.show(frame.progress, STAGES[frame.stage] || STAGES[frame.status] || "Working…");
      } else if (frame.type === "result") {
        self.done(frame);
      } else if (frame.type === "error") {
        self.fail(frame.detail);
      }
    });
    socket.addEventListener("close", function () {
      self.socket = null;
      if (!self.finished) self.poll();
    });
  };

  Identify.prototype.poll = function () {
    var self = this;
    if (this.finished || this.pollTimer) return;
    fetch(this.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (body.error && !body.status) return self.fail(body.error.detail);
        if (body.status === "done") return self.done(body);
        if (body.status === "failed") return self.fail(body.error ? body.error.detail : "The identification failed.");
        self.show(body.progress, STAGES[body.status] || "Working…");
        self.pollTimer = setTimeout(function () { self.pollTimer = null; self.poll(); }, 1500);
      })
      .catch(function () {
        self.pollTimer = setTimeout(function () { self.pollTimer = null; self.poll(); }, 3000);
      });
  };

  Identify.prototype.fail = function (detail) {
    this.finished = true;
    this.submit.disabled = false;
    this.progress.hidden = true;
    this.error.textContent = detail;
    this.error.hidden = false;
  };

  Identify.prototype.done = function (result) {
    if (this.finished) return;
    this.finished = true;
    this.submit.disabled = false;
    this.show(100, "Done");
    this.results.textContent = "";
    var candidates = result.candidates || [];
    var visualOnly = candidates.length > 0 && candidates.every(function (c) { return c.basis === "visual_match"; });
    var headline = visualOnly && result.verdict !== "no_match" && result.verdict !== "not_a_plant"
      ? "Looks like these plants from our shop" : HEADLINES[result.verdict] || "Results";
    this.results.appendChild(el("h3", "identify__headline", headline));
    if (visualOnly) {
      this.results.appendChild(el("p", "muted", "Matched by how your photo looks against our own plant photos, not a botanical identification."));
    }
    var list = el("ul", "grid list-plain identify__results");
    candidates.slice(0, 5).forEach(function (candidate) { list.appendChild(card(candidate)); });
    this.results.appendChild(list);
    if (result.backends) {
      var failed = Object.keys(result.backends).filter(function (name) { return result.backends[name].outcome === "failed"; });
      if (failed.length) {
        this.results.appendChild(el("p", "muted", "Not every identifier answered (" + failed.join(", ") + "); results may be incomplete."));
      }
    }
  };

  function card(candidate) {
    var item = el("li", "card identify-result");
    item.setAttribute("data-identify-result", "");
    var body = el("div", "card__body");
    body.appendChild(el("h4", "card__title", candidate.common_names && candidate.common_names.length ? capitalise(candidate.common_names[0]) : candidate.scientific_name));
    var latin = el("p", "card__meta");
    latin.appendChild(el("em", null, candidate.scientific_name));
    body.appendChild(latin);
    if (candidate.common_names && candidate.common_names.length > 1) {
      body.appendChild(el("p", "muted", "Also called " + candidate.common_names.slice(1, 4).join(", ")));
    }
    var percent = Math.round(candidate.score * 100);
    var label = el("p", "progress-label", (candidate.basis === "visual_match" ? "Similarity " : "Confidence ") + percent + "%");
    body.appendChild(label);
    var meter = el("meter", "score");
    meter.min = 0; meter.max = 1; meter.value = candidate.score;
    meter.textContent = percent + "%";
    body.appendChild(meter);
    var links = el("div", "cluster");
    if (candidate.care_guide_url) {
      var guide = el("a", "button button--secondary button--small", "Care guide");
      guide.href = candidate.care_guide_url;
      links.appendChild(guide);
    }
    body.appendChild(links);
    (candidate.products || []).slice(0, 2).forEach(function (product) {
      var row = el("p", "identify-result__product");
      var link = el("a", null, "Shop this plant: " + product.title);
      link.href = product.url;
      row.appendChild(link);
      row.appendChild(document.createTextNode(" "));
      row.appendChild(el("span", "price", formatPrice(product.price, product.currency)));
      row.appendChild(document.createTextNode(" "));
      row.appendChild(el("span", "badge " + (product.in_stock ? "badge--in-stock" : "badge--out-of-stock"), product.in_stock ? "In stock" : "Out of stock"));
      body.appendChild(row);
    });
    item.appendChild(body);
    return item;
  }

  function capitalise(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

  function formatPrice(amount, currency) {
    try {
      return new Intl.NumberFormat("en-GB", { style: "currency", currency: currency }).format(Number(amount));
    } catch (e) { return amount + " " + currency; }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-identify]"), function (root) {
      if (root.querySelector("[data-identify-form]")) new Identify(root);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
