"""The deployment files (deploy/): the Kubernetes manifests as `kubectl kustomize` renders them, the Dockerfiles and
the compose file, checked against what the servers really need (their health paths, the variables Rasa expands,
the secrets the generator makes)."""

from __future__ import annotations

import ast
import fnmatch
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.tools.deploy_files import (  # noqa: E402
    DEPLOY,
    EVERY_INTERFACE,
    PORTS,
    SECRET_NAME,
    SECRET_VALUE,
    SERVICES,
    TMP,
    dockerfile_env,
    dockerfile_instructions,
    variables_rasa_expands,
)
from tools import deploy_secrets  # noqa: E402
from tools.stack import HEALTH_PATHS  # noqa: E402

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


def kustomize(folder: Path) -> list[dict]:
    rendered = subprocess.run([KUBECTL, "kustomize", str(folder)], capture_output=True, text=True, check=True)
    return [document for document in yaml.safe_load_all(rendered.stdout) if document]


def of_kind(documents: list[dict], kind: str) -> dict[str, dict]:
    return {document["metadata"]["name"]: document for document in documents if document["kind"] == kind}


@pytest.fixture(scope="module")
def base() -> list[dict]:
    if KUBECTL is None:
        pytest.skip("kubectl is not installed")
    return kustomize(DEPLOY / "k8s" / "base")


@needs_kubectl
def test_every_service_runs_twice_with_probes_on_its_health_path_and_requests(base: list[dict]) -> None:
    deployments = of_kind(base, "Deployment")
    assert set(deployments) == set(SERVICES)
    for name, deployment in deployments.items():
        assert deployment["spec"]["replicas"] == 2, name
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["image"] == f"onthaal-{name}:0.1.0", "named and tagged (an overlay sets its registry)"
        assert container["ports"] == [{"name": "http", "containerPort": PORTS[name]}]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            # The paths tools/stack.py waits on: what each server answers without authentication.
            assert container[probe]["httpGet"] == {"path": HEALTH_PATHS[name], "port": "http"}, (name, probe)
        requests = container["resources"]["requests"]
        assert requests["cpu"] and requests["memory"], name
        assert container["resources"]["limits"]["memory"], name
    rasa = deployments["rasa"]["spec"]["template"]["spec"]["containers"][0]
    assert rasa["resources"]["requests"]["memory"] == "1536Mi"


@needs_kubectl
def test_pods_run_as_a_user_on_a_read_only_root_with_a_writable_tmp(base: list[dict]) -> None:
    for name, deployment in of_kind(base, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] == 10001, name
        (container,) = pod["containers"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"], name
        mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        assert "emptyDir" in volumes[mounts[TMP]], name


@needs_kubectl
def test_secrets_come_only_from_the_secret_and_no_value_looks_like_one(base: list[dict]) -> None:
    assert not of_kind(base, "Secret"), "the base must not carry a Secret"
    (config,) = of_kind(base, "ConfigMap").values()
    for key, value in config["data"].items():
        assert not SECRET_NAME.search(key), key
        assert not SECRET_VALUE.search(value), key
    generated = deploy_secrets.generate()
    for name, deployment in of_kind(base, "Deployment").items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        for variable in container["env"]:
            if SECRET_NAME.search(variable["name"]):
                assert "value" not in variable, f"{name}: {variable['name']} is written in the manifest"
                reference = variable["valueFrom"]["secretKeyRef"]
                assert reference["name"] == "onthaal-secrets"
                # Every key a pod needs is one the generator makes (the channels' may be left out).
                assert reference["key"] in generated, reference["key"]
                assert reference.get("optional", False) == (reference["key"] in deploy_secrets.CHANNEL_SECRETS)
            else:
                assert not SECRET_VALUE.search(variable.get("value", "")), variable["name"]


@needs_kubectl
def test_rasa_gets_every_variable_its_endpoints_and_credentials_expand(base: list[dict]) -> None:
    (config,) = of_kind(base, "ConfigMap").values()
    rasa = of_kind(base, "Deployment")["rasa"]["spec"]["template"]["spec"]["containers"][0]
    given = set(config["data"]) | {variable["name"] for variable in rasa["env"]}
    optional = set(dockerfile_env("rasa")["ONTHAAL_OPTIONAL_VARIABLES"].split(","))
    # bot/server.py puts ONTHAAL_ACTION_SECRET into Rasa's environment itself; the rest must be given.
    assert variables_rasa_expands() - given - optional == set()
    assert {"ONTHAAL_BOT_DATABASE_URL", "ONTHAAL_REDIS_URL"} <= given


@needs_kubectl
def test_services_reach_the_pods_and_the_stores_are_outside(base: list[dict]) -> None:
    services = of_kind(base, "Service")
    for name in SERVICES:
        assert services[name]["spec"]["selector"] == {"app.kubernetes.io/name": name}
        assert services[name]["spec"]["ports"][0]["port"] == PORTS[name]
    for store in ("postgres", "redis"):
        assert services[store]["spec"]["type"] == "ExternalName"
        assert "selector" not in services[store]["spec"]
    (ingress,) = of_kind(base, "Ingress").values()
    paths = {path["path"]: path["backend"]["service"]["name"] for path in ingress["spec"]["rules"][0]["http"]["paths"]}
    assert paths == {"/webhooks/": "rasa", "/": "coach"}


@needs_kubectl
def test_the_example_overlay_renders_with_a_generated_secret_file(tmp_path: Path) -> None:
    shutil.copytree(DEPLOY / "k8s", tmp_path / "k8s")
    overlay = tmp_path / "k8s" / "overlays" / "example"
    deploy_secrets.write_env(overlay / "secrets.env", deploy_secrets.generate())
    documents = kustomize(overlay)
    (secret,) = of_kind(documents, "Secret").values()
    assert all(document["metadata"].get("namespace") in (None, "onthaal") for document in documents)
    for name, deployment in of_kind(documents, "Deployment").items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["image"] == f"registry.example.org/onthaal/{name}:0.1.0"
        for variable in container["env"]:
            reference = variable.get("valueFrom", {}).get("secretKeyRef")
            if reference:
                assert reference["name"] == secret["metadata"]["name"]  # the generated name, with its hash
                assert reference["key"] in secret["data"] or reference.get("optional"), reference["key"]
    assert of_kind(documents, "Service")["postgres"]["spec"]["externalName"] == "pg.database.gent.example.org"


@pytest.mark.parametrize("service", SERVICES)
def test_images_run_as_a_fixed_user_without_secrets_and_install_from_the_hashed_lock(service: str) -> None:
    everything = dockerfile_instructions(service, final_stage_only=False)
    final = dockerfile_instructions(service)
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", final[0][1]), "the base is pinned by version"
    assert ("USER", "10001:10001") in final
    for keyword, arguments in everything:
        if keyword in ("ENV", "ARG"):
            for pair in arguments.split():
                name, _, value = pair.partition("=")
                assert not SECRET_NAME.search(name), (keyword, name)
                assert not SECRET_VALUE.search(value), (keyword, name)
        if keyword == "COPY" and "--from" not in arguments:
            for source in arguments.split()[:-1]:
                assert (ROOT / source).exists(), source
                assert not re.search(r"\.env|var/|tests|secrets", source), source
    installs = [arguments for keyword, arguments in everything if keyword == "RUN" and "pip install" in arguments]
    (install,) = installs
    lock = "bot.lock" if service in ("rasa", "actions") else "coach.lock"
    assert "--require-hashes" in install and f"-r /tmp/{lock}" in install
    if lock == "bot.lock":  # exactly as the Makefile installs .venv-bot
        assert "--no-deps --ignore-requires-python" in install
    assert ("COPY", f"requirements/{lock} /tmp/{lock}") in everything


def test_images_start_the_servers_as_the_stack_does_but_on_every_interface() -> None:
    commands = {service: yaml.safe_load(dict(dockerfile_instructions(service))["CMD"]) for service in SERVICES}
    assert commands["rasa"][:3] == ["python", "-m", "bot.server"]
    assert commands["rasa"][commands["rasa"].index("--interface") + 1] == EVERY_INTERFACE
    assert commands["actions"][:3] == ["python", "-m", "bot.action_server"]
    assert dockerfile_env("actions")["ONTHAAL_ACTIONS_HOST"] == EVERY_INTERFACE
    assert commands["coach"][:2] == ["uvicorn", "coach.main:app"]
    assert commands["coach"][commands["coach"].index("--host") + 1] == EVERY_INTERFACE
    for service in SERVICES:
        instructions = dict(dockerfile_instructions(service))
        port = PORTS[service]
        assert commands[service][commands[service].index("--port") + 1] == str(port)
        assert instructions["EXPOSE"] == str(port)
        assert f"http://127.0.0.1:{port}{HEALTH_PATHS[service]}'" in instructions["HEALTHCHECK"]
        assert yaml.safe_load(instructions["ENTRYPOINT"]) == ["python", "/usr/local/bin/onthaal-entrypoint"]
    for service in ("rasa", "actions"):
        assert dockerfile_env(service)["RASA_TELEMETRY_ENABLED"] == "false"


def ignored_by(path: str, rules: list[str]) -> list[str]:
    """The .dockerignore rules that leave `path` or one of its folders out of the build context."""
    parts = Path(path).parts
    prefixes = ["/".join(parts[: depth + 1]) for depth in range(len(parts))]
    return [rule for rule in rules for prefix in prefixes if fnmatch.fnmatch(prefix, rule.rstrip("/"))]


def test_the_build_context_leaves_out_secrets_state_environments_and_tests_but_not_what_images_copy() -> None:
    ignored = [line for line in (ROOT / ".dockerignore").read_text().split() if not line.startswith("#")]
    for pattern in (".env", "var/", ".venv*", "tests/", "bot/models/", "deploy/secrets/"):
        assert pattern in ignored, pattern
    for service in SERVICES:
        for keyword, arguments in dockerfile_instructions(service, final_stage_only=False):
            if keyword == "COPY" and "--from" not in arguments:
                for source in arguments.split()[:-1]:
                    assert not ignored_by(source, ignored), f"{service}: .dockerignore leaves {source} out"
    git_ignored = (ROOT / ".gitignore").read_text().split()
    assert "deploy/secrets/" in git_ignored and "deploy/k8s/overlays/*/secrets.env" in git_ignored


def copied_sources(service: str) -> list[str]:
    """What an image copies from the repository into /app (not its lock or entrypoint script)."""
    sources = []
    for keyword, arguments in dockerfile_instructions(service):
        if keyword == "COPY" and "--from" not in arguments:
            *from_repo, target = arguments.split()
            if not target.startswith("/"):
                sources += from_repo
    return sources


def repository_imports(path: Path) -> set[Path]:
    """The repository's own modules that a Python file imports (absolute imports of its top-level packages)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            for candidate in (ROOT / f"{name.replace('.', '/')}.py", ROOT / name.replace(".", "/") / "__init__.py"):
                if candidate.is_file() and (ROOT / name.split(".")[0]).is_dir():
                    found.add(candidate)
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_images_copy_every_module_their_code_imports(service: str) -> None:
    sources = copied_sources(service)

    def copied(path: Path) -> bool:
        relative = path.relative_to(ROOT).as_posix()
        return any(relative == source or relative.startswith(source.rstrip("/") + "/") for source in sources)

    to_read = [path for source in sources for path in ([ROOT / source] if source.endswith(".py") else [])]
    to_read += [path for source in sources if (ROOT / source).is_dir() for path in (ROOT / source).rglob("*.py")]
    seen: set[Path] = set()
    while to_read:
        path = to_read.pop()
        if path in seen:
            continue
        seen.add(path)
        for imported in repository_imports(path):
            assert copied(imported), f"{service}: {path.relative_to(ROOT)} imports {imported.relative_to(ROOT)}"
            to_read.append(imported)
    assert len(seen) > 5  # the image's own code was read
