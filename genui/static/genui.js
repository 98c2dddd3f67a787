/* genui.js: progressive enhancement for genui fragments. No inline handlers, no eval:
 * works under a strict Content-Security-Policy (script-src 'self').
 *
 * - [data-genui-stream="URL"]: subscribe to a genui SSE stream and apply its updates
 *   (replace / append / after / reset / insert / remove / shell: see genui.stream) to the
 *   element. EventSource resumes with Last-Event-ID;
 *   a genui-error event shows its alert, clears aria-busy and stops reconnecting.
 * - [data-genui-copy]: copy buttons (shown only when this script runs).
 * - [data-genui-image-src]: an Image's zoomed image and download link whose URL the server
 *   wrote once, in the thumbnail's src: they get that src (the link is shown then).
 * - [data-genui-event]: buttons that dispatch an app-named CustomEvent (image regenerate).
 * - form[data-genui-action]: action forms (genui.starlette's endpoint) submitted with fetch
 *   and answered in place: updates applied, inline errors, refusals in the form's summary.
 */
(function () {
  "use strict";

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  /* The element reached from element by "at": element-child indices joined by "." */
  function slotOf(element, at) {
    var parts = at ? String(at).split(".") : [];
    for (var i = 0; i < parts.length && element; i += 1) {
      element = element.children[parseInt(parts[i], 10)] || null;
    }
    return element;
  }

  function applyUpdate(container, update) {
    if (update.op === "reset") {
      container.replaceChildren(fragment(update.html));
    } else if (update.op === "append") {
      container.appendChild(fragment(update.html));
    } else {
      var selector = '[data-genui-path="' + CSS.escape(update.target) + '"]';
      var element = container.querySelector(selector);
      if (!element) return false;
      if (update.op === "replace") {
        element.replaceWith(fragment(update.html));
      } else if (update.op === "after") {
        element.after(fragment(update.html));
      } else if (update.op === "remove") {
        element.remove();
      } else if (update.op === "insert") {
        var slot = slotOf(element, update.at);
        if (!slot) return false;
        slot.appendChild(fragment(update.html));
      } else if (update.op === "shell") {
        /* the new element, its children slot empty; the shown children move into it */
        var shell = fragment(update.html);
        var into = slotOf(shell.firstElementChild, update.at);
        var from = slotOf(element, update.at);
        if (!into || !from) return false;
        while (from.firstChild) into.appendChild(from.firstChild);
        element.replaceWith(shell);
      } else {
        return false;
      }
    }
    return true;
  }

  /* A batch the container shows already (an action's answer applied it first) is skipped.
   * A batch without a version is not part of the stream's history: always applied. */
  function isNew(container, version) {
    if (typeof version !== "number") return true;
    var current = parseInt(container.getAttribute("data-genui-version"), 10);
    return isNaN(current) || version > current;
  }

  function applyBatch(container, batch) {
    if (!isNew(container, batch.version)) return false;
    batch.updates.forEach(function (update) { applyUpdate(container, update); });
    if (typeof batch.version === "number") {
      container.setAttribute("data-genui-version", String(batch.version));
    }
    enhance(container);
    return true;
  }

  function subscribe(container) {
    var url = container.getAttribute("data-genui-stream");
    if (!url || container.genuiSource) return;
    var source = new EventSource(url);
    container.genuiSource = source;
    container.setAttribute("aria-busy", "true");
    source.addEventListener("genui", function (event) {
      var batch = JSON.parse(event.data);
      if (applyBatch(container, batch)) {
        container.dispatchEvent(new CustomEvent("genui:update", { detail: batch }));
      }
    });
    source.addEventListener("genui-end", function () {
      source.close();
      container.removeAttribute("aria-busy");
      container.dispatchEvent(new CustomEvent("genui:end"));
    });
    /* The stream failed: show genui's alert after the last good HTML, stop reconnecting. */
    source.addEventListener("genui-error", function (event) {
      source.close();
      var detail = JSON.parse(event.data);
      if (typeof detail.html === "string" && detail.html) {
        container.appendChild(fragment(detail.html));
      }
      container.setAttribute("data-genui-error", String(detail.code || "stream_failed"));
      container.removeAttribute("aria-busy");
      container.dispatchEvent(new CustomEvent("genui:error", { detail: detail }));
    });
  }

  /* The src attribute of the thumbnail of the Image figure holding element, or null. A large
   * image URL (a data: URL, or one over 1,024 characters) is written once, there. */
  function thumbnailSource(element) {
    var figure = element.closest("figure.genui-image");
    var thumbnail = figure && figure.querySelector(".genui-image__zoom > img.genui-image__img");
    return thumbnail ? thumbnail.getAttribute("src") : null;
  }

  /* [data-genui-image-src]: the zoomed image gets the thumbnail's src; so does the download
   * link, which is then shown. The server writes the marker on a link only when it offers
   * that very URL as the download (ImagePart.download_url; the file name is the server's
   * download attribute), so nothing else ever becomes a download. */
  function enableImageSource(element) {
    if (element.genuiImageSource) return;
    var source = thumbnailSource(element);
    if (!source) return;
    element.genuiImageSource = true;
    if (element.matches("img.genui-image__zoomed")) {
      element.setAttribute("src", source);
    } else if (element.matches("a.genui-image__download[download]")) {
      element.setAttribute("href", source);
      element.hidden = false;
    }
  }

  function enableCopy(button) {
    if (button.genuiCopy) return;
    button.genuiCopy = true;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-genui-copy") || "";
      var done = function () { button.setAttribute("data-genui-copied", "true"); };
      /* an empty data-genui-copy-image: the image's URL is the thumbnail's src */
      var source = button.hasAttribute("data-genui-copy-image")
        ? button.getAttribute("data-genui-copy-image") || thumbnailSource(button)
        : null;
      if (source && window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
        fetch(source).then(function (response) { return response.blob(); }).then(function (blob) {
          var item = {};
          item[blob.type] = blob;
          return navigator.clipboard.write([new ClipboardItem(item)]);
        }).then(done, function () {});
      } else if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {});
      }
    });
  }

  /* Event buttons (the Image component's regenerate): on click, dispatch a bubbling,
   * cancelable CustomEvent named by data-genui-event, with detail {path, key, action} taken
   * from the closest genui element. Inside a form, preventDefault() on that event stops the
   * submission; a button outside a form is hidden until this script reveals it. */
  function enableEvent(button) {
    if (button.genuiEvent) return;
    button.genuiEvent = true;
    button.hidden = false;
    button.addEventListener("click", function (click) {
      var owner = button.closest("[data-genui-path]");
      var event = new CustomEvent(button.getAttribute("data-genui-event"), {
        bubbles: true,
        cancelable: true,
        detail: {
          path: owner ? owner.getAttribute("data-genui-path") : null,
          key: owner ? owner.getAttribute("data-genui-key") : null,
          action: button.getAttribute("data-genui-action")
        }
      });
      if (!button.dispatchEvent(event)) click.preventDefault();
    });
  }

  /* Action forms. A field's name can shadow a form's own properties (a field named
   * "getAttribute" or "action" is form.getAttribute / form.action), so a form is only ever
   * used through the prototypes' methods. Field names starting with "genui" are refused by
   * the server, so the genui* expandos are safe. */
  var element = Element.prototype;
  var NOT_SENT = "The action could not be sent. Check your connection and try again.";
  var NOT_DONE = "The server could not complete the action. Try again later.";

  function attribute(form, name) { return element.getAttribute.call(form, name); }
  function within(form, selector) { return element.querySelectorAll.call(form, selector); }

  function errorNote(form, control) {
    var ids = (control.getAttribute("aria-describedby") || "").split(/\s+/);
    for (var i = 0; i < ids.length; i += 1) {
      if (ids[i].slice(-6) === "-error") {
        return element.querySelector.call(form, "#" + CSS.escape(ids[i]));
      }
    }
    return null;
  }

  function summaryOf(form) {
    var summary = element.querySelector.call(form, ".genui-form__summary");
    if (!summary) {  /* a Button's form has none: the message goes after the button */
      summary = document.createElement("div");
      summary.className = "genui-form__summary";
      summary.setAttribute("role", "alert");
      element.append.call(form, summary);
    }
    return summary;
  }

  function showSummary(form, message) {
    var summary = summaryOf(form);
    summary.textContent = message;
    summary.hidden = false;
  }

  function hideSummary(form) {
    within(form, ".genui-form__summary").forEach(function (summary) {
      summary.textContent = "";
      summary.hidden = true;
    });
  }

  /* Mark each named field invalid or valid again; return the first invalid control. */
  function markFields(form, errors) {
    var messages = new Map();
    errors.forEach(function (error) {
      if (!messages.has(error.field)) messages.set(error.field, error.message);
    });
    var first = null;
    var shown = new Set();
    within(form, "input, select, textarea").forEach(function (control) {
      if (!control.name || control.type === "hidden") return;
      var note = errorNote(form, control);
      if (!messages.has(control.name)) {
        control.removeAttribute("aria-invalid");
        if (note) { note.textContent = ""; note.hidden = true; }
        return;
      }
      shown.add(control.name);
      control.setAttribute("aria-invalid", "true");
      if (note) { note.textContent = messages.get(control.name); note.hidden = false; }
      if (!first) first = control;
    });
    var unmatched = [];
    messages.forEach(function (message, name) { if (!shown.has(name)) unmatched.push(message); });
    return { first: first, unmatched: unmatched };
  }

  function fieldsSummary(count, unmatched) {
    var text = count === 1 ? "1 field needs attention." : count + " fields need attention.";
    return [text].concat(unmatched).join(" ");
  }

  function setBusy(form, busy) {
    if (busy) element.setAttribute.call(form, "aria-busy", "true");
    else element.removeAttribute.call(form, "aria-busy");
    within(form, "button[type=submit], button:not([type]), input[type=submit]").forEach(
      function (button) { button.disabled = busy; }
    );
  }

  function answered(form, container, body) {
    var target = document.contains(form) ? form : (container || document);
    if (body.ok) {
      markFields(form, []);
      hideSummary(form);
      if (container) applyBatch(container, body);
      target = document.contains(form) ? form : (container || document);
    } else if (body.code === "invalid_input") {
      var marked = markFields(form, body.errors || []);
      showSummary(form, fieldsSummary((body.errors || []).length, marked.unmatched));
      if (marked.first) marked.first.focus();
    } else {
      markFields(form, []);
      showSummary(form, body.message || NOT_DONE);
    }
    var event = new CustomEvent("genui:action", { bubbles: true, detail: body });
    EventTarget.prototype.dispatchEvent.call(target, event);
    if (body.ok && body.redirect) window.location.assign(body.redirect);
  }

  function submitAction(form, submit) {
    submit.preventDefault();
    if (form.genuiBusy) return;
    var container = element.closest.call(form, "[data-genui-stream]");
    var version = container ? container.getAttribute("data-genui-version") : null;
    var body = new URLSearchParams(new FormData(form, submit.submitter || null));
    form.genuiBusy = true;
    setBusy(form, true);
    fetch(attribute(form, "action"), {
      method: "POST",
      body: body,
      headers: { "Accept": "application/json", "GenUI-Version": version || "0" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, code: "unreadable", message: NOT_DONE, errors: [] };
      });
    }, function () {
      return { ok: false, code: "network", message: NOT_SENT, errors: [] };
    }).then(function (answer) {
      form.genuiBusy = false;
      setBusy(form, false);
      answered(form, container, answer);
    });
  }

  function enableAction(form) {
    if (form.genuiAction) return;
    form.genuiAction = true;
    EventTarget.prototype.addEventListener.call(form, "submit", function (submit) {
      submitAction(form, submit);
    });
  }

  function enhance(root) {
    root.querySelectorAll("[data-genui-image-src]").forEach(enableImageSource);
    root.querySelectorAll("[data-genui-copy], [data-genui-copy-image]").forEach(enableCopy);
    root.querySelectorAll("[data-genui-event]").forEach(enableEvent);
    root.querySelectorAll("form[data-genui-action]").forEach(enableAction);
    root.querySelectorAll("[data-genui-stream]").forEach(subscribe);
  }

  window.genui = { applyUpdate: applyUpdate, enhance: enhance };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
