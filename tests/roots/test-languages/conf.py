extensions = ["myst_parser", "editorial.languages"]
project = "Language of parts test"
language = "en"
