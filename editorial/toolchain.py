"""The TeX toolchain check: a PDF build without TeX stops at once, saying what to install.

Without it, a machine that lacks xelatex fails deep inside ``make`` with a message about a missing
program that a reader of the README cannot act on.  The packages are listed in pyproject.toml
(``[tool.edition.system-packages]``) and passed here by docs/conf.py.
"""

from __future__ import annotations

import shutil
import subprocess

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Programs the LaTeX build runs, and the font family the PDF is set in.
REQUIRED_PROGRAMS = ("xelatex", "latexmk", "make", "xindy")
REQUIRED_FONT = "FreeSerif"


def missing_tools() -> list[str]:
    missing = [program for program in REQUIRED_PROGRAMS if shutil.which(program) is None]
    if shutil.which("fc-list") is not None:
        fonts = subprocess.run(["fc-list", REQUIRED_FONT], capture_output=True, text=True).stdout
        if not fonts.strip():
            missing.append(f"the {REQUIRED_FONT} font")
    return missing


def check_tex(app: Sphinx) -> None:
    if app.builder.format != "latex" or not app.config.edition_check_tex:
        return
    missing = missing_tools()
    if missing:
        packages = " ".join(app.config.edition_tex_packages)
        logger.error(
            f"the PDF cannot be built: {', '.join(missing)} not found. Install TeX with:\n"
            f"  sudo apt-get install -y --no-install-recommends {packages}\n"
            f"(or run ./edition build, which does it for you)",
            type="edition", subtype="toolchain",
        )


def setup(app: Sphinx) -> None:
    app.add_config_value("edition_check_tex", True, "", bool)
    app.add_config_value("edition_tex_packages", [], "", list)
    app.connect("builder-inited", check_tex)
