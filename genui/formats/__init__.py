"""Adapters between genui's spec format and other generative-UI formats.

Each adapter turns a foreign document into a genui spec (which :func:`genui.validate`
then checks and cleans exactly like one written by hand), with errors whose JSON
Pointers point into the *source* document, and back out again where the format allows:

* :mod:`genui.formats.a2ui` — A2UI v0.9 message streams (``createSurface``,
  ``updateComponents``, ``updateDataModel``, ``deleteSurface``) in, applied one message at
  a time per surface; a genui spec out as A2UI messages.
* :mod:`genui.formats.assistant_ui` — assistant-ui's flat ``$type`` IR out of a genui
  spec, and back.
* :mod:`genui.formats.json_render` — json-render specs (``{root, elements, state}``, a
  flat map of elements) in and out.
"""
