"""The XSS detection hooks: the init script every frame runs before any page script.

It hooks ``alert`` / ``confirm`` / ``prompt`` / ``print`` (never blocking, so several tabs can
be in flight and autofocus keeps working), ``document.write`` / ``writeln`` / ``open`` and
``document.title``, notices a title that differs from the parsed one when the page is left,
and in batched documents counts the separators and autofocus elements.

Reports go out through a captured native ``console.debug`` with a marker prefix: the DevTools
protocol delivers it without help from any page global, without a round-trip, and a payload
that later replaces ``console``, ``JSON`` or ``Reflect`` cannot silence it.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MARK", "MAX_CALLS_PER_DOCUMENT", "SEPARATOR", "init_script", "parse_report"]

#: The prefix of every report on the console.
MARK = "\u2063genui-oracle\u2063"

#: Stop reporting (and throw) after this many hooked calls in one document: breaks
#: ``for(;;)alert(1)`` loops, which would otherwise never end because the hooks never block.
MAX_CALLS_PER_DOCUMENT = 16

#: What ends every fragment in a batched document (``{n}``: the fragment's index). The init
#: script counts the ones the parser kept as direct ``<body>`` children.
SEPARATOR = '<template data-genui-oracle-sep="{n}"></template>'

_INIT_SCRIPT = r"""
(() => {
  const MARK = %(mark)s, MAX = %(max)d;
  const apply = Reflect.apply, define = Object.defineProperty, String_ = String;
  const getDesc = Object.getOwnPropertyDescriptor, stringify = JSON.stringify;
  const con = console, debug = console.debug;
  let docId = "";
  try { docId = String_(location.href); } catch (e) {}
  if (window !== window.top) {
    try { const p = window.parent.__genuiOracleDoc; if (typeof p === "string") docId = p; }
    catch (e) {}
  }
  try { define(window, "__genuiOracleDoc", {value: docId, writable: false, configurable: false}); }
  catch (e) {}
  const emit = (kind, text) => {
    try { apply(debug, con, [MARK + apply(stringify, null, [[docId, kind, text]])]); } catch (e) {}
  };
  let calls = 0;
  const send = (kind, detail) => {
    calls += 1;
    if (calls > MAX) throw new Error("genui oracle: too many calls");
    let text = "";
    try { text = String_(detail).slice(0, 200); } catch (e) { text = "<unprintable>"; }
    emit(kind, text);
  };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    const replacement = {[name](...args) {
      send(name, args.length ? args[0] : "");
      return name === "prompt" ? null : name === "confirm" ? false : undefined;
    }}[name];
    try { window[name] = replacement; } catch (e) {}
  }
  const proto = Document.prototype;
  for (const name of ["write", "writeln", "open"]) {
    const native = proto[name];
    const replacement = {[name](...args) {
      send("document." + name, args.length ? args[0] : "");
      return apply(native, this, args);
    }}[name];
    try { proto[name] = replacement; } catch (e) {}
  }
  const titleDesc = getDesc(proto, "title");
  if (titleDesc && titleDesc.set) {
    const nativeSet = titleDesc.set, nativeGet = titleDesc.get;
    define(proto, "title", {
      configurable: true, enumerable: titleDesc.enumerable, get: nativeGet,
      set(value) { send("document.title", value); return apply(nativeSet, this, [value]); },
    });
    const doc = document;
    let parsedTitle = null, titleReported = false;
    const readTitle = () => {
      try { return apply(nativeGet, doc, []); } catch (e) { return null; }
    };
    const checkTitle = () => {
      if (parsedTitle === null || titleReported) return;
      const now = readTitle();
      if (now !== null && now !== parsedTitle) {
        titleReported = true;
        const text = String_(parsedTitle).slice(0, 90) + " -> " + String_(now).slice(0, 90);
        emit("title-changed", text);
      }
    };
    const setTimeout_ = window.setTimeout;
    doc.addEventListener("DOMContentLoaded", () => { parsedTitle = readTitle(); }, true);
    window.addEventListener("load", () => { apply(setTimeout_, window, [checkTitle, 0]); }, true);
    window.addEventListener("pagehide", checkTitle, true);
  }
  // Batched documents (BrowserOracle.screen) end every fragment with a separator; count the
  // ones the parser made direct <template> children of <body>, and the autofocus elements.
  const SEP = "template[data-genui-oracle-sep]", querySelectorAll = proto.querySelectorAll;
  const Template = HTMLTemplateElement;
  document.addEventListener("DOMContentLoaded", () => {
    const all = apply(querySelectorAll, document, [SEP]);
    if (!all.length) return;
    let good = 0;
    for (const el of all) {
      if (el instanceof Template && el.parentNode === document.body) good += 1;
    }
    emit("separators", String_(good));
    // Only the first autofocus candidate gets focus: several in one batch could mask each other.
    emit("autofocus", String_(apply(querySelectorAll, document, ["[autofocus]"]).length));
  }, true);
})();
"""


def init_script() -> str:
    """The init script, with the marker and the call limit filled in."""
    return _INIT_SCRIPT % {"mark": json.dumps(MARK), "max": MAX_CALLS_PER_DOCUMENT}


def parse_report(text: str) -> tuple[str, Any, Any] | None:
    """``(document id, kind, detail)`` of a console message starting with :data:`MARK`.

    ``None`` when the rest is not such a report.
    """
    try:
        doc_id, kind, detail = json.loads(text[len(MARK) :])
    except (ValueError, TypeError):
        return None
    return str(doc_id), kind, detail
