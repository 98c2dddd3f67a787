"""Tests of the demo server (``examples/server``): over HTTP, and in headless Chromium."""
