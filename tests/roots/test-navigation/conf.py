# As the edition: editorial.theme spares the theme its first rendering of the sidebar.
extensions = ["myst_parser", "editorial.theme", "editorial.navigation"]
html_theme = "sphinx_book_theme"
html_sidebars = {"**": ["sbt-sidebar-nav.html"]}
