"""The full page preloads every module of the widget's first render, and nothing that is loaded later.

A module of the first render that index.html does not preload is fetched only once the module importing it has
arrived: one more round trip before the first buttons on a slow phone (english.js was missed this way). Modules
loaded later (read-aloud, the reception desk) must not compete with the first render for the connection.
"""

import re
from pathlib import Path

WIDGET_DIR = Path(__file__).resolve().parents[2] / "web_widget"
# What widget.js imports for every page: itself, then chat.js and strings.js (reception.js only at the desk).
FIRST_RENDER_ROOTS = ("widget.js", "chat.js", "strings.js")
LOADED_LATER = {"speech.js", "reception.js", "staff_panel.js"}
STATIC_IMPORT = re.compile(r'^(?:import|export)\s[^;]*?\sfrom\s+"\./([\w.]+\.js)";', re.MULTILINE | re.DOTALL)
DYNAMIC_IMPORT = re.compile(r'\bimport\("\./([\w.]+\.js)"\)')


def static_imports(name: str) -> set[str]:
    return set(STATIC_IMPORT.findall((WIDGET_DIR / name).read_text("utf-8")))


def first_render_modules() -> set[str]:
    seen: set[str] = set()
    todo = list(FIRST_RENDER_ROOTS)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(static_imports(name))
    return seen


def preloaded() -> set[str]:
    html = (WIDGET_DIR / "index.html").read_text("utf-8")
    return set(re.findall(r'<link rel="modulepreload" href="/widget/([\w.]+\.js)"', html))


def test_the_import_graph_is_read_correctly() -> None:
    # Guards the two helpers above: a regex that finds nothing would make the next tests pass on nothing.
    assert static_imports("chat.js") >= {"outbox.js", "render.js", "parse.js"}
    assert static_imports("strings.js") == {"english.js"}
    assert set(DYNAMIC_IMPORT.findall((WIDGET_DIR / "widget.js").read_text("utf-8"))) == {
        "chat.js",
        "strings.js",
        "reception.js",
    }


def test_every_module_of_the_first_render_is_preloaded() -> None:
    assert first_render_modules() - preloaded() == set()


def test_modules_loaded_later_are_not_preloaded_nor_on_the_first_render() -> None:
    assert LOADED_LATER & preloaded() == set()
    assert LOADED_LATER & first_render_modules() == set()
    assert preloaded() <= {path.name for path in WIDGET_DIR.glob("*.js")}
