extensions = ["myst_parser", "editorial.theme"]
html_theme = "sphinx_book_theme"
html_theme_options = {"show_toc_level": 2}
html_sidebars = {"**": ["navbar-logo.html", "sbt-sidebar-nav.html"]}
