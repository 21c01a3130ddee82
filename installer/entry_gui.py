"""The bundled program's ``bbc-desktop`` (PyInstaller's entry script)."""

import sys

from bbc_desktop.gui.app import main

sys.exit(main())
