/* Canopy chat: enhances the server-rendered chat block (community/blocks/chat_room_block.html).
 *
 * Bodies are plain text: they only ever reach the page through text nodes,
 * web addresses become <a rel="nofollow ugc noopener">. The socket reconnects
 * with backoff and catches up through the history API (?after=) without
 * duplicates (messages are keyed by id) or gaps (it pages until has_more is false).
 */
(function () {
  "use strict";

  var URL_PATTERN = /https?:\/\/[^\s<>"']+/gi;
  var TRAILING = /[.,;:!?)\]}'"]+$/;
  var FINAL_CLOSE_CODES = { 4401: "Sign in to read this room.", 4403: "You can no longer take part in this room.", 4404: "This chat room does not exist." };

  function textWithLinks(parent, text) {
    var position = 0;
    text.replace(URL_PATTERN, function (match, offset) {
      var url = match.replace(TRAILING, "");
      parent.appendChild(document.createTextNode(text.slice(position, offset)));
      var link = document.createElement("a");
      link.href = url;
      link.rel = "nofollow ugc noopener";
      link.target = "_blank";
      link.textContent = url;
      parent.appendChild(link);
      position = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(position)));
  }

  function formatTime(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) return "";
    return date.toLocaleString(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  function ChatRoom(root) {
    this.root = root;
    this.slug = root.dataset.chatRoom;
    this.socketPath = root.dataset.chatSocket;
    this.historyUrl = root.dataset.chatHistory;
    // Who the viewer is comes with the first room frame (the page itself is
    // the same for everyone and may be cached).
    this.signedIn = false;
    this.isModerator = false;
    this.username = "";
    this.signIn = root.querySelector("[data-chat-sign-in]");
    this.log = root.querySelector("[data-chat-log]");
    this.list = root.querySelector("[data-chat-messages]");
    this.more = root.querySelector("[data-chat-more]");
    this.online = root.querySelector("[data-chat-online]");
    this.status = root.querySelector("[data-chat-status]");
    this.composer = root.querySelector("[data-chat-composer]");
    this.moderation = root.querySelector("[data-chat-moderation]");
    this.elements = new Map(); // message id -> <li>
    this.hasMore = Boolean(this.more);
    this.loadingOlder = false;
    this.connectedOnce = false;
    this.attempt = 0;
    this.finished = false;
    this.room = null;

    this.error = document.createElement("p");
    this.error.className = "chat-block__error";
    this.error.setAttribute("role", "alert");
    this.log.insertAdjacentElement("afterend", this.error);

    var height = parseInt(this.log.dataset.chatHeight, 10);
    if (height >= 120 && height <= 2000) this.log.style.height = height + "px";

    this.adoptServerRendered();
    this.bindComposer();
    this.bindModeration();
    this.log.addEventListener("scroll", this.onScroll.bind(this));
    this.scrollToBottom();
    this.connect();
  }

  ChatRoom.prototype.adoptServerRendered = function () {
    var self = this;
    this.list.querySelectorAll("li.chat-message").forEach(function (item) {
      var author = item.querySelector(".chat-message__author");
      var time = item.querySelector("time");
      var body = item.querySelector(".chat-message__body");
      var message = {
        id: item.dataset.id,
        author: {
          username: (author.getAttribute("title") || "").replace(/^@/, ""),
          display_name: author.textContent,
          is_moderator: author.classList.contains("chat-message__author--moderator"),
        },
        body: body.textContent,
        created: time.getAttribute("datetime"),
      };
      var fresh = self.render(message);
      item.replaceWith(fresh);
    });
  };

  // --- rendering -----------------------------------------------------------------
  ChatRoom.prototype.render = function (message) {
    var item = document.createElement("li");
    item.className = "chat-message";
    item.dataset.id = message.id;
    item.dataset.created = message.created;
    item.chatMessage = message;
    var author = document.createElement("span");
    author.className = "chat-message__author" + (message.author.is_moderator ? " chat-message__author--moderator" : "");
    author.title = "@" + message.author.username;
    author.textContent = message.author.display_name;
    var time = document.createElement("time");
    time.className = "chat-message__time";
    time.dateTime = message.created;
    time.textContent = formatTime(message.created);
    var body = document.createElement("p");
    body.className = "chat-message__body";
    textWithLinks(body, message.body);
    item.append(author, time);
    var actions = this.actionsFor(message);
    if (actions) item.appendChild(actions);
    item.appendChild(body);
    if (message.held) {
      item.classList.add("chat-message--pending");
      var note = document.createElement("p");
      note.className = "chat-block__notice";
      note.textContent = message.detail || "Waiting for a moderator's review.";
      item.appendChild(note);
    } else {
      this.elements.set(message.id, item);
    }
    return item;
  };

  ChatRoom.prototype.button = function (label, handler) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", handler);
    return button;
  };

  ChatRoom.prototype.actionsFor = function (message) {
    if (!this.signedIn || message.held) return null;
    var self = this;
    var own = message.author.username === this.username;
    var actions = document.createElement("span");
    actions.className = "chat-message__actions";
    if (this.isModerator) {
      actions.appendChild(this.button("Delete", function () {
        self.send({ type: "delete", id: message.id });
      }));
      if (!own) {
        actions.appendChild(this.button("Mute 10 min", function () {
          self.send({ type: "mute", user: message.author.username, minutes: 10 });
        }));
        actions.appendChild(this.button("Ban", function () {
          if (window.confirm("Ban " + message.author.display_name + " from this room?")) {
            self.send({ type: "ban", user: message.author.username });
          }
        }));
      }
    } else if (!own) {
      actions.appendChild(this.button("Report", function (event) {
        var reason = window.prompt("Why should a moderator look at this message?", "");
        if (reason === null) return;
        self.send({ type: "report", id: message.id, reason: reason });
        event.target.disabled = true;
        event.target.textContent = "Reported";
      }));
    }
    return actions.childElementCount ? actions : null;
  };

  ChatRoom.prototype.isNearBottom = function () {
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 80;
  };

  ChatRoom.prototype.scrollToBottom = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  /* Insert in time order; an id already shown is never added twice. */
  ChatRoom.prototype.add = function (message) {
    if (this.elements.has(message.id)) return false;
    var empty = this.list.querySelector("[data-chat-empty]");
    if (empty) empty.remove();
    var item = this.render(message);
    var next = null;
    var children = this.list.children;
    for (var i = children.length - 1; i >= 0; i--) {
      var created = children[i].dataset.created;
      if (created && created <= message.created) break;
      if (created) next = children[i];
    }
    this.list.insertBefore(item, next);
    return true;
  };

  ChatRoom.prototype.remove = function (id) {
    var item = this.elements.get(id);
    if (item) {
      item.remove();
      this.elements.delete(id);
    }
  };

  ChatRoom.prototype.newestId = function () {
    var items = this.list.querySelectorAll("li.chat-message[data-created]:not(.chat-message--pending)");
    return items.length ? items[items.length - 1].dataset.id : null;
  };

  ChatRoom.prototype.oldestId = function () {
    var item = this.list.querySelector("li.chat-message[data-created]:not(.chat-message--pending)");
    return item ? item.dataset.id : null;
  };

  // --- history API ---------------------------------------------------------------
  ChatRoom.prototype.fetchPage = function (params) {
    var url = this.historyUrl + "?" + new URLSearchParams(params).toString();
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error((body.error && body.error.detail) || "History is unavailable.");
        return body;
      });
    });
  };

  /* After a reconnect: page forward from the newest message shown until the
     server says there is nothing newer, so nothing posted meanwhile is missed. */
  ChatRoom.prototype.catchUp = function (afterId) {
    var self = this;
    return this.fetchPage({ after: afterId, limit: 100 }).then(function (page) {
      var stick = self.isNearBottom();
      page.messages.forEach(function (message) { self.add(message); });
      if (stick) self.scrollToBottom();
      if (page.has_more && page.messages.length) {
        return self.catchUp(page.messages[page.messages.length - 1].id);
      }
      return null;
    });
  };

  ChatRoom.prototype.onScroll = function () {
    if (this.log.scrollTop > 40 || !this.hasMore || this.loadingOlder) return;
    var oldest = this.oldestId();
    if (!oldest) return;
    var self = this;
    this.loadingOlder = true;
    var previousHeight = this.log.scrollHeight;
    this.fetchPage({ before: oldest, limit: 50 }).then(function (page) {
      page.messages.forEach(function (message) { self.add(message); });
      self.hasMore = page.has_more;
      if (self.more) self.more.hidden = !page.has_more;
      // Keep the reader's place while older messages appear above.
      self.log.scrollTop += self.log.scrollHeight - previousHeight;
    }).catch(function (error) {
      self.showError(error.message);
    }).then(function () {
      self.loadingOlder = false;
    });
  };

  // --- socket ----------------------------------------------------------------------
  ChatRoom.prototype.connect = function () {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + this.socketPath);
    this.socket = socket;
    socket.addEventListener("message", this.onFrame.bind(this));
    socket.addEventListener("open", (function () {
      this.attempt = 0;
      this.root.dataset.chatConnected = "true";
    }).bind(this));
    socket.addEventListener("close", this.onClose.bind(this));
  };

  ChatRoom.prototype.onClose = function (event) {
    this.root.dataset.chatConnected = "false";
    if (this.composer) this.composer.hidden = true;
    if (FINAL_CLOSE_CODES[event.code]) {
      this.finished = true;
      this.showError(FINAL_CLOSE_CODES[event.code]);
      return;
    }
    this.attempt += 1;
    var delay = Math.min(30000, 1000 * Math.pow(2, this.attempt - 1));
    delay = delay / 2 + Math.random() * delay / 2; // jitter: no thundering herd
    this.setStatus("Reconnecting…");
    window.setTimeout(this.connect.bind(this), delay);
  };

  ChatRoom.prototype.send = function (frame) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
      this.showError("Not connected; retrying.");
      return false;
    }
    this.socket.send(JSON.stringify(frame));
    return true;
  };

  ChatRoom.prototype.onFrame = function (event) {
    var frame;
    try {
      frame = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    var handler = this["on_" + frame.type];
    if (handler) handler.call(this, frame);
  };

  ChatRoom.prototype.on_history = function (frame) {
    var self = this;
    var note = this.root.querySelector("[data-chat-members-note]");
    if (note) note.remove();
    var stick = this.isNearBottom();
    var newest = this.newestId();
    var reconnecting = this.connectedOnce;
    this.connectedOnce = true;
    if (frame.messages.length) {
      // Messages deleted while we were away: inside the history window, what
      // the server no longer has goes.
      var ids = new Set(frame.messages.map(function (m) { return m.id; }));
      var since = frame.messages[0].created;
      Array.from(this.elements.values()).forEach(function (item) {
        if (item.dataset.created >= since && !ids.has(item.dataset.id)) self.remove(item.dataset.id);
      });
    }
    frame.messages.forEach(function (message) { self.add(message); });
    if (!reconnecting) {
      this.hasMore = frame.has_more;
      if (this.more) this.more.hidden = !frame.has_more;
    }
    if (stick) this.scrollToBottom();
    var covered = frame.messages.some(function (m) { return m.id === newest; });
    if (reconnecting && newest && !covered && frame.has_more) {
      this.catchUp(newest).catch(function (error) { self.showError(error.message); });
    }
    this.showError("");
  };

  ChatRoom.prototype.setViewer = function (viewer) {
    var changed = viewer.username !== this.username || viewer.is_moderator !== this.isModerator;
    this.signedIn = Boolean(viewer.signed_in);
    this.isModerator = Boolean(viewer.is_moderator);
    this.username = viewer.username || "";
    if (this.signIn) this.signIn.hidden = this.signedIn;
    if (!changed) return;
    var self = this;
    this.elements.forEach(function (item) {
      var old = item.querySelector(".chat-message__actions");
      if (old) old.remove();
      var actions = self.actionsFor(item.chatMessage);
      if (actions) item.insertBefore(actions, item.querySelector(".chat-message__body"));
    });
  };

  ChatRoom.prototype.on_room = function (frame) {
    if (frame.viewer) this.setViewer(frame.viewer);
    this.room = frame;
    if (this.composer) this.composer.hidden = !this.signedIn || (frame.locked && !this.isModerator);
    if (this.moderation) this.moderation.hidden = !this.isModerator;
    var topic = this.root.querySelector("[data-chat-topic]");
    if (topic && frame.topic !== undefined) topic.textContent = frame.topic;
    this.online.textContent = frame.online;
    var notes = [];
    if (frame.locked) notes.push("This room is locked: only moderators can post.");
    if (frame.slow_mode) notes.push("Slow mode: one message every " + frame.slow_mode + " s.");
    this.setStatus(notes.join(" "));
    if (this.moderation) {
      this.moderation.querySelector("[data-chat-lock]").textContent = frame.locked ? "Unlock room" : "Lock room";
      var slow = this.moderation.querySelector("[data-chat-slow-mode]");
      if (document.activeElement !== slow) slow.value = frame.slow_mode;
    }
  };

  ChatRoom.prototype.on_presence = function (frame) {
    this.online.textContent = frame.online;
  };

  ChatRoom.prototype.on_message = function (frame) {
    var stick = this.isNearBottom() || frame.author.username === this.username;
    if (frame.held) {
      this.list.appendChild(this.render(frame));
    } else {
      this.add(frame);
    }
    if (stick) this.scrollToBottom();
  };

  ChatRoom.prototype.on_deleted = function (frame) {
    this.remove(frame.id);
  };

  ChatRoom.prototype.on_error = function (frame) {
    var text = frame.detail || frame.code;
    if (frame.retry_after) text += " (try again in " + Math.ceil(frame.retry_after) + " s)";
    this.showError(text);
  };

  ChatRoom.prototype.showError = function (text) {
    this.error.textContent = text;
  };

  ChatRoom.prototype.setStatus = function (text) {
    if (this.status) this.status.textContent = text;
  };

  // --- controls ----------------------------------------------------------------------
  ChatRoom.prototype.bindComposer = function () {
    if (!this.composer) return;
    var self = this;
    var textarea = this.composer.querySelector("textarea");
    this.composer.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = textarea.value.trim();
      if (!body) return;
      if (self.send({ type: "message", body: body })) {
        textarea.value = "";
        self.showError("");
      }
    });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        self.composer.requestSubmit();
      }
    });
  };

  ChatRoom.prototype.bindModeration = function () {
    if (!this.moderation) return;
    var self = this;
    this.moderation.querySelector("[data-chat-lock]").addEventListener("click", function () {
      self.send({ type: "lock", locked: !(self.room && self.room.locked) });
    });
    this.moderation.querySelector("[data-chat-slow-mode]").addEventListener("change", function (event) {
      var seconds = parseInt(event.target.value, 10);
      if (!isNaN(seconds)) self.send({ type: "slow_mode", seconds: seconds });
    });
  };

  function start() {
    document.querySelectorAll("[data-chat-room]").forEach(function (root) {
      if (root.dataset.chatReady) return; // several blocks load this file
      root.dataset.chatReady = "true";
      root.chatRoom = new ChatRoom(root);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
