"""Widget serving: index with the Rasa URL filled in, static files, language packs as JSON, health."""

import base64
import hashlib
import json
import re

import yaml

from coach.settings import REPO_ROOT
from coach.widget_page import inline_english, style_source, widget_page

from_repo = REPO_ROOT / "languages"


def test_index_gets_the_rasa_url(client, settings):
    response = client.get("/")

    assert response.status_code == 200
    assert "{{RASA_URL}}" not in response.text
    assert response.text.count(settings.rasa_public_url) == 2
    assert 'data-rasa="https://rasa.example.test:5005"' in response.text


def test_index_missing_is_404(client, settings):
    (settings.widget_dir / "index.html").unlink()

    assert client.get("/").status_code == 404


def test_widget_static_files_are_served_and_confined(client, settings, tmp_path):
    (tmp_path / "secret.txt").write_text("not for the widget", encoding="utf-8")
    (settings.widget_dir / ".hidden").write_text("hidden", encoding="utf-8")

    response = client.get("/widget/widget.js")
    assert response.status_code == 200
    assert "console.log('widget')" in response.text

    assert client.get("/widget/missing.js").status_code == 404
    assert client.get("/widget/.hidden").status_code == 404
    for escape in ("/widget/..%2Fsecret.txt", "/widget/%2E%2E/secret.txt", "/widget/..%2F..%2Fetc%2Fpasswd"):
        response = client.get(escape)
        assert response.status_code == 404, escape
        assert "not for the widget" not in response.text


def test_language_pack_as_json(client):
    for code in ("nl", "en"):
        response = client.get(f"/widget/languages/{code}.json")
        assert response.status_code == 200
        pack = yaml.safe_load((from_repo / f"{code}.yml").read_text(encoding="utf-8"))
        assert response.json() == {
            "code": code,
            "name": pack["name"],
            "direction": pack["direction"],
            "texts": pack["texts"],
        }


def test_language_pack_of_an_unknown_code_is_404(client):
    for code in ("fr", "NL", "..%2Fconfig%2Fneeds", "nl.yml", ""):
        assert client.get(f"/widget/languages/{code}.json").status_code == 404, code


def test_language_pack_not_written_yet_is_404(client, settings, tmp_path):
    languages = tmp_path / "only-dutch"
    languages.mkdir()
    (languages / "nl.yml").write_text(
        "code: nl\nname: Nederlands\ndirection: ltr\ntexts: {widget_send: Stuur}\n", encoding="utf-8"
    )
    client.app.dependency_overrides[next(iter(client.app.dependency_overrides))] = lambda: settings.model_copy(
        update={"languages_dir": languages}
    )

    assert client.get("/widget/languages/nl.json").json()["texts"] == {"widget_send": "Stuur"}
    assert client.get("/widget/languages/bg.json").status_code == 404


def test_health(client):
    assert client.get("/api/v1/health").json() == {"status": "ok"}


def test_index_carries_the_stylesheet_inline_allowed_by_its_hash_only(client, settings):
    css = ".onthaal { color: #1b1b1b; }\n"
    (settings.widget_dir / "widget.css").write_text(css, encoding="utf-8")
    (settings.widget_dir / "index.html").write_text(
        '<!doctype html><html><head><link rel="stylesheet" href="/widget/widget.css"></head><body></body></html>',
        encoding="utf-8",
    )

    response = client.get("/")

    assert f"<style data-onthaal-style>{css}</style>" in response.text
    assert 'rel="stylesheet"' not in response.text  # no request of its own on the first render
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    policy = response.headers["content-security-policy"]
    assert f"style-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy and "script-src" not in policy  # scripts: files of its own only


def test_the_real_widget_page_inlines_the_real_stylesheet_and_english_words():
    widget_dir = REPO_ROOT / "web_widget"
    html, source = widget_page(widget_dir, from_repo, "http://rasa.test")

    css = (widget_dir / "widget.css").read_text("utf-8")
    assert f"<style data-onthaal-style>{css}</style>" in html
    assert source == style_source(css)
    assert "/widget/widget.css" not in html and 'data-server="http://rasa.test"' in html
    block = re.search(r'<script type="application/json" id="onthaal-english">(.*?)</script>', html, re.DOTALL)
    english = yaml.safe_load((from_repo / "en.yml").read_text("utf-8"))
    assert block and json.loads(block.group(1)) == {
        "code": "en",
        "name": english["name"],
        "direction": "ltr",
        "texts": {key: value for key, value in english["texts"].items() if key.startswith("widget_")},
    }
    assert html.index("onthaal-english") < html.index("</head>")


def test_english_words_cannot_end_their_block_early():
    html = inline_english(
        "<head></head>", {"code": "en", "name": "English", "direction": "ltr", "texts": {"widget_x": "a</script>b"}}
    )
    block = html.removeprefix('<head><script type="application/json" id="onthaal-english">').split("</script>")[0]
    assert json.loads(block)["texts"]["widget_x"] == "a</script>b"
