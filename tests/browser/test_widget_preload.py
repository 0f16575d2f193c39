"""The widget's pages preload every module of the widget's first render, and nothing that is loaded later.

A module of the first render that a page does not preload is fetched only once the module importing it has
arrived: one more round trip before the first buttons on a slow phone (english.js was missed this way). Modules
loaded later (read-aloud; the reception desk's, on the full page) must not compete with the first render for the
connection. Two pages: the full page (web_widget/index.html) and the reception desk (coach/templates/reception.html).
The full page carries the English words itself (coach/widget_page.py), so english.js is not on its first render;
the desk's page does not, so there strings.js imports it at once.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIDGET_DIR = ROOT / "web_widget"
RECEPTION_PAGE = ROOT / "coach" / "templates" / "reception.html"
# What widget.js imports for every page: itself, then chat.js and strings.js; at the desk reception.js and the
# English words too.
FIRST_RENDER_ROOTS = ("widget.js", "chat.js", "strings.js")
DESK_ROOTS = (*FIRST_RENDER_ROOTS, "reception.js", "english.js")
LOADED_LATER = {"speech.js"}
NOT_ON_THE_FULL_PAGE = {"english.js"}
DESK_ONLY = {"reception.js", "staff_panel.js"}
STATIC_IMPORT = re.compile(r'^(?:import|export)\s[^;]*?\sfrom\s+"\./([\w.]+\.js)";', re.MULTILINE | re.DOTALL)
DYNAMIC_IMPORT = re.compile(r'\bimport\("\./([\w.]+\.js)"\)')


def static_imports(name: str) -> set[str]:
    return set(STATIC_IMPORT.findall((WIDGET_DIR / name).read_text("utf-8")))


def first_render_modules(roots: tuple[str, ...] = FIRST_RENDER_ROOTS) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(static_imports(name))
    return seen


def preloaded(page: Path = WIDGET_DIR / "index.html") -> set[str]:
    html = page.read_text("utf-8")
    return set(re.findall(r'<link rel="modulepreload" href="/widget/([\w.]+\.js)"', html))


def test_the_import_graph_is_read_correctly() -> None:
    # Guards the two helpers above: a regex that finds nothing would make the next tests pass on nothing.
    assert static_imports("chat.js") >= {"outbox.js", "render.js", "parse.js"}
    assert static_imports("strings.js") == set()
    assert set(DYNAMIC_IMPORT.findall((WIDGET_DIR / "strings.js").read_text("utf-8"))) == {"english.js"}
    assert static_imports("reception.js") == {"staff_panel.js", "strings.js"}
    assert set(DYNAMIC_IMPORT.findall((WIDGET_DIR / "widget.js").read_text("utf-8"))) == {
        "chat.js",
        "strings.js",
        "reception.js",
    }
    assert len(preloaded()) >= 10 and len(preloaded(RECEPTION_PAGE)) >= 10


def test_every_module_of_the_first_render_is_preloaded() -> None:
    assert first_render_modules() - preloaded() == set()


def test_modules_loaded_later_are_not_preloaded_nor_on_the_first_render() -> None:
    assert (LOADED_LATER | DESK_ONLY | NOT_ON_THE_FULL_PAGE) & preloaded() == set()
    assert (LOADED_LATER | DESK_ONLY | NOT_ON_THE_FULL_PAGE) & first_render_modules() == set()
    assert preloaded() <= {path.name for path in WIDGET_DIR.glob("*.js")}


def test_the_reception_desk_preloads_its_first_render_and_its_stylesheet() -> None:
    desk = first_render_modules(DESK_ROOTS)
    assert desk >= DESK_ONLY
    assert preloaded(RECEPTION_PAGE) == desk
    assert LOADED_LATER & desk == set()
    # Linked in the head: fetched with the modules, not after widget.js has run and found it missing.
    assert '<link rel="stylesheet" href="/widget/widget.css">' in RECEPTION_PAGE.read_text("utf-8")
