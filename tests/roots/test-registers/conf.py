extensions = ["myst_parser", "sphinxcontrib.bibtex", "editorial"]
bibtex_bibfiles: list[str] = []
project = "Registers test"
edition_anchor_lockfile = ""
edition_seed_manifest = "manifest.toml"
edition_registers = "registers.toml"
