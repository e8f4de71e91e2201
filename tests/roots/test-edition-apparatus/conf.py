# Two chapters with notes and dated events, a list of notes and a chronology: the apparatus rules.
extensions = ["myst_parser", "sphinxcontrib.bibtex", "editorial"]
edition_seed_manifest = "seeds/manifest.toml"
exclude_patterns = ["seeds"]
smartquotes = False
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
edition_anchor_lockfile = ""
