"""The wheel's build hook: a validated, data-only cache of every shipped topic.

When the wheel is built (``pip install .`` builds one too), each topic in
``data/topics`` is validated with soreadvisor's own validator and written as
the cache ``soreadvisor.kb.cache`` reads, into the wheel beside the topics, so
the first run after an install reads no YAML and imports no pydantic. A topic
that does not validate stops the build. Without pydantic or PyYAML (a build
without isolation in an environment that lacks them) the wheel is built without
the cache, and the first run validates as any run without a cache does.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# Where pyproject.toml's force-include puts data/ inside the wheel.
DATA_IN_WHEEL = "soreadvisor/data"


class ShippedCacheHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":  # the source tree is read in place; nothing to ship
            return
        root = Path(self.root)
        self._out = Path(tempfile.mkdtemp(prefix="soreadvisor-cache-"))
        sys.path.insert(0, str(root))
        try:
            from soreadvisor.kb import cache
            from soreadvisor.kb.store import KnowledgeError

            try:
                written = cache.write_shipped(root / "data" / "topics", self._out)
            except KnowledgeError as exc:
                found = "\n".join(str(p) for p in exc.problems)
                self.app.abort(f"a shipped topic does not validate:\n{found}")
                return
        except ModuleNotFoundError as exc:
            self.app.display_warning(
                f"soreadvisor: no topic cache in the wheel ({exc.name} is not installed "
                "where it is built); the first run will validate the topics"
            )
            return
        finally:
            sys.path.remove(str(root))
        for path in written:
            inside = f"{DATA_IN_WHEEL}/{path.relative_to(self._out).as_posix()}"
            build_data["force_include"][str(path)] = inside
        self.app.display_info(f"soreadvisor: {len(written)} validated topic cache(s) in the wheel")

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        out = getattr(self, "_out", None)
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)
