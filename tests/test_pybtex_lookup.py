"""The cache around pybtex's plugin lookup: each lookup scans the installed packages once, and a
plugin registered at run time is still found, whether it was registered before or after a lookup."""

from __future__ import annotations

import importlib.metadata

import pybtex.plugin
import pytest
from pybtex.backends.plaintext import Backend as PlaintextBackend
from pybtex.style.labels import BaseLabelStyle

from editorial import pybtex_lookup


@pytest.fixture
def scans(monkeypatch) -> list[dict]:
    """The installed packages' entry-point scans made from now on, with the cache emptied first."""
    made: list[dict] = []
    real = importlib.metadata.entry_points

    def counting(**selection):
        made.append(selection)
        return real(**selection)

    pybtex_lookup.install()
    pybtex_lookup.cached_entry_points.cache_clear()
    monkeypatch.setattr(importlib.metadata, "entry_points", counting)
    # The plugins a test registers at run time go when it ends: a plaintext backend left registered
    # would answer the next test's lookup before any scan, and the tests would pass by their order.
    monkeypatch.setattr(pybtex.plugin, "_RUNTIME_PLUGINS",
                        {group: dict(plugins) for group, plugins in pybtex.plugin._RUNTIME_PLUGINS.items()})
    yield made
    pybtex_lookup.cached_entry_points.cache_clear()


def test_the_lookup_of_every_citation_scans_the_packages_once(scans):
    # What sphinxcontrib-bibtex's resolve_xref does for every citation.
    found = [pybtex.plugin.find_plugin("pybtex.backends", "plaintext") for _ in range(50)]
    assert set(found) == {PlaintextBackend}
    assert scans == [{"group": "pybtex.backends", "name": "plaintext"}]


@pytest.mark.sphinx("html", testroot="edition-basic")
def test_the_edition_installs_the_cache(app_params, make_app):
    pybtex.plugin.entry_points = importlib.metadata.entry_points  # as pybtex ships it
    args, kwargs = app_params
    make_app(*args, **kwargs)
    assert pybtex.plugin.entry_points is pybtex_lookup.cached_entry_points


class EditionLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        return (f"E{number}" for number, _ in enumerate(sorted_entries, start=1))


def test_a_plugin_registered_after_a_lookup_is_found(scans):
    group, name = "pybtex.style.labels", "edition-test-after-lookup"
    with pytest.raises(pybtex.plugin.PluginNotFound):
        pybtex.plugin.find_plugin(group, name)  # the empty answer is now cached
    assert pybtex.plugin.register_plugin(group, name, EditionLabels)
    assert pybtex.plugin.find_plugin(group, name) is EditionLabels


def test_a_plugin_registered_over_an_installed_one_wins(scans):
    group, name = "pybtex.backends", "plaintext"
    assert pybtex.plugin.find_plugin(group, name) is PlaintextBackend  # cached from the entry points

    class EditionPlaintext(PlaintextBackend):
        pass

    try:
        assert pybtex.plugin.register_plugin(group, name, EditionPlaintext, force=True)
        assert pybtex.plugin.find_plugin(group, name) is EditionPlaintext
    finally:
        pybtex.plugin.register_plugin(group, name, PlaintextBackend, force=True)
    assert pybtex.plugin.find_plugin(group, name) is PlaintextBackend
