/* genui.js: progressive enhancement for genui fragments. No inline handlers, no eval:
 * works under a strict Content-Security-Policy (script-src 'self').
 *
 * - [data-genui-stream="URL"]: subscribe to a genui SSE stream and apply its updates
 *   (replace / append / reset) to the element. EventSource resumes with Last-Event-ID.
 * - [data-genui-copy]: copy buttons (shown only when this script runs).
 * - [data-genui-event]: buttons that dispatch an app-named CustomEvent (image regenerate).
 */
(function () {
  "use strict";

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function applyUpdate(container, update) {
    if (update.op === "reset") {
      container.replaceChildren(fragment(update.html));
    } else if (update.op === "append") {
      container.appendChild(fragment(update.html));
    } else if (update.op === "replace") {
      var selector = '[data-genui-path="' + CSS.escape(update.target) + '"]';
      var element = container.querySelector(selector);
      if (!element) return false;
      element.replaceWith(fragment(update.html));
    }
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
      batch.updates.forEach(function (update) { applyUpdate(container, update); });
      container.setAttribute("data-genui-version", String(batch.version));
      container.dispatchEvent(new CustomEvent("genui:update", { detail: batch }));
      enhance(container);
    });
    source.addEventListener("genui-end", function () {
      source.close();
      container.removeAttribute("aria-busy");
      container.dispatchEvent(new CustomEvent("genui:end"));
    });
  }

  function enableCopy(button) {
    if (button.genuiCopy) return;
    button.genuiCopy = true;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-genui-copy") || "";
      var done = function () { button.setAttribute("data-genui-copied", "true"); };
      var source = button.getAttribute("data-genui-copy-image");
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

  function enhance(root) {
    root.querySelectorAll("[data-genui-copy], [data-genui-copy-image]").forEach(enableCopy);
    root.querySelectorAll("[data-genui-event]").forEach(enableEvent);
    root.querySelectorAll("[data-genui-stream]").forEach(subscribe);
  }

  window.genui = { applyUpdate: applyUpdate, enhance: enhance };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
