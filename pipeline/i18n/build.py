"""The build step that compiles the catalogues into the wheel (pyproject: tool.setuptools.cmdclass)."""

from __future__ import annotations

from pathlib import Path

from setuptools.command.build_py import build_py


class BuildPy(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            # an editable install reads the checkout, whose catalogues make compiles (and koko
            # itself into its cache when they are missing or older than the .po files); the
            # package cannot be imported from here then, which printed a traceback
            return
        from .compile import compile_all

        source = Path(__file__).resolve().parent / "locale"
        compile_all(source, Path(self.build_lib) / "pipeline" / "i18n" / "locale")
