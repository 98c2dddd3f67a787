"""A Python stand-in for a page that receives genui streaming updates.

:class:`Container` applies ``replace`` / ``append`` / ``after`` / ``reset`` updates (and
``insert`` / ``remove`` / ``shell``, see :mod:`genui.stream`) to a DOM
(html5lib's minidom tree builder) exactly as ``genui.js`` does in a browser, so tests
can check that the updates a stream emits turn the previous HTML into the new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.dom import minidom

import html5lib
from html5lib import serializer, treewalkers

from genui.stream import Update


class Container:
    """An element holding a stream's fragment, updated like genui.js updates it."""

    def __init__(self, html: str = "") -> None:
        self.document = minidom.Document()
        self.root = self.document.createElement("div")
        self.document.appendChild(self.root)
        if html:
            self.apply({"op": "reset", "target": "", "html": html})

    @staticmethod
    def _fragment(html: str) -> list[Any]:
        parsed = html5lib.parseFragment(html, treebuilder="dom", namespaceHTMLElements=False)
        return list(parsed.childNodes)

    def _find(self, node: Any, path: str) -> Any:
        for child in node.childNodes:
            if child.nodeType == child.ELEMENT_NODE:
                if child.getAttribute("data-genui-path") == path:
                    return child
                found = self._find(child, path)
                if found is not None:
                    return found
        return None

    @staticmethod
    def _slot(element: Any, at: str) -> Any:
        """The element reached from ``element`` by ``at``'s element-child indices."""
        for index in at.split(".") if at else ():
            kids = [c for c in element.childNodes if c.nodeType == c.ELEMENT_NODE]
            assert int(index) < len(kids), f"no slot at {at}"
            element = kids[int(index)]
        return element

    def apply(self, update: Update | Mapping[str, str]) -> None:
        """Apply one update (an :class:`~genui.Update` or its ``to_dict()`` form)."""
        op: str
        if isinstance(update, Update):
            op, target, html, at = update.op, update.target, str(update.html), update.at
        else:
            op, target, html = update["op"], update["target"], update["html"]
            at = update.get("at", "")
        if op == "reset":
            for child in list(self.root.childNodes):
                self.root.removeChild(child)
        if op in ("reset", "append"):
            for node in self._fragment(html):
                self.root.appendChild(self.document.importNode(node, True))
            return
        assert op in ("replace", "after", "insert", "remove", "shell"), op
        element = self._find(self.root, target)
        assert element is not None, f"no element at {target}"
        parent: Any = element.parentNode
        if op == "remove":
            parent.removeChild(element)
            return
        if op == "insert":
            slot = self._slot(element, at)
            for node in self._fragment(html):
                slot.appendChild(self.document.importNode(node, True))
            return
        if op == "shell":
            [fresh] = [self.document.importNode(node, True) for node in self._fragment(html)]
            into, source = self._slot(fresh, at), self._slot(element, at)
            for child in list(source.childNodes):
                into.appendChild(child)
            parent.replaceChild(fresh, element)
            return
        anchor = element if op == "replace" else element.nextSibling
        for node in self._fragment(html):
            parent.insertBefore(self.document.importNode(node, True), anchor)
        if op == "replace":
            parent.removeChild(element)

    def html(self) -> str:
        """The container's content (not the container itself), serialized."""
        walker = treewalkers.getTreeWalker("dom")
        out = serializer.HTMLSerializer(quote_attr_values="always", omit_optional_tags=False)
        return "".join(str(out.render(walker(child))) for child in self.root.childNodes)


def normalized(html: str) -> str:
    """``html`` parsed and serialized the way :class:`Container` serializes its content."""
    return Container(html).html()
