extensions = ["myst_parser", "sphinxcontrib.bibtex", "editorial"]
bibtex_bibfiles: list[str] = []
project = "Colophon test"
release = "9.9.9"
edition_anchor_lockfile = ""
edition_seed_manifest = "manifest.toml"
