#!/usr/bin/env python3
"""Static checks of CareLoop's deployment files against the code, the configuration reference and the
integration contract. Nothing is started or contacted: there is no Docker engine or Kafka here.

    python3 deploy/validate.py

Sources of truth: Package.swift (executable products), Shared/CareLoopRuntime/RuntimeSettings.swift
(service names, schemas, default ports), the settings the Swift code reads, docs/configuration.md (the
settings table) and docs/integration-contract.md (topic names). Checked against them: docker-compose.yml,
deploy/Dockerfile, deploy/kafka/create-topics.sh, deploy/postgres/init.sh, deploy/config/*.json and
deploy/kubernetes/*.yaml. Prints one line per check and exits 1 if any fails. Needs PyYAML only.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "kubernetes"
COMPOSE = ROOT / "docker-compose.yml"
CONFIG_DOC = ROOT / "docs" / "configuration.md"
CONTRACT = ROOT / "docs" / "integration-contract.md"

# Settings a service cannot run without in a deployment: the defaults point at 127.0.0.1 or need a value.
REQUIRED_ENV = [
    "CARELOOP_KAFKA_BOOTSTRAP_SERVERS",
    "CARELOOP_DATABASE_HOST",
    "CARELOOP_DATABASE_USER",
    "CARELOOP_DATABASE_NAME",
    "CARELOOP_DATABASE_SCHEMA",
    "CARELOOP_DATABASE_PASSWORD",
]
K8S_REPLICAS = {"intake": 2, "routing": 2}  # every other service: 1
SECRET_TEMPLATE = "secret.template.yaml"  # parsed and checked, deliberately not in kustomization.yaml
TOPIC_PATTERN = re.compile(r"\bcareloop\.[a-z_]+\.v1(?:\.dlt)?\b")


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def run(self, name: str, function) -> None:
        """Runs one check; it returns a list of problems (empty = pass) or raises."""
        try:
            problems = function() or []
        except Exception as error:  # a file that cannot be read or parsed fails its check, not the run
            problems = [f"{type(error).__name__}: {error}"]
        if problems:
            self.failed += 1
            print(f"FAIL  {name}: " + "; ".join(problems))
        else:
            self.passed += 1
            print(f"ok    {name}")


# ---------------------------------------------------------------- sources of truth


# Secrets a service must be given in production (its built-in values are public development keys).
REQUIRED_SECRETS = {"intake": ["CARELOOP_INTAKE_PII_KEYS", "CARELOOP_INTAKE_PII_LOOKUP_KEY"]}


def environment_variable(key: str) -> str:
    """Same rule as SettingsReader.environmentVariable(for:)."""
    name = "CARELOOP"
    for component in key.split("."):
        name += "_"
        previous_lowercase = False
        for character in component:
            if character.isupper() and previous_lowercase:
                name += "_"
            name += character.upper() if character.isalnum() else "_"
            previous_lowercase = character.islower()
    return name


def executable_products() -> set[str]:
    text = (ROOT / "Package.swift").read_text()
    services = set(re.findall(r'\(\s*"\w+"\s*,\s*"(careloop-[a-z-]+)"\s*\)', text))
    extra = set(re.findall(r'\.executable\(\s*name:\s*"(careloop-[a-z-]+)"', text))
    if not services:
        raise ValueError("no service executables found in Package.swift")
    return services | extra


def service_executables() -> set[str]:
    text = (ROOT / "Package.swift").read_text()
    return set(re.findall(r'\(\s*"\w+"\s*,\s*"(careloop-[a-z-]+)"\s*\)', text))


def identities() -> dict[str, dict]:
    """name -> {schema, http, admin} from the ServiceIdentity constants."""
    text = (ROOT / "Shared/CareLoopRuntime/RuntimeSettings.swift").read_text()
    found = re.findall(
        r'ServiceIdentity\(\s*name:\s*"([a-z-]+)",\s*schema:\s*"([a-z_]+)",\s*'
        r"defaultHTTPPort:\s*(\d+),\s*defaultAdminPort:\s*(\d+)\)",
        text,
    )
    if len(found) < 5:
        raise ValueError(f"expected 5 ServiceIdentity constants, found {len(found)}")
    return {name: {"schema": schema, "http": int(http), "admin": int(admin)} for name, schema, http, admin in found}


def settings_read_by_code() -> set[str]:
    """Every key the Swift code reads through SettingsReader or names in an InvalidSettingError."""
    getter = re.compile(
        r"settings\.(?:string|int|bool|milliseconds|choice|properties|optionalString|requiredString)\(\s*\"([^\"]+)\""
    )
    error = re.compile(r'InvalidSettingError\(key:\s*"([^"]+)"')
    keys: set[str] = set()
    for directory in ("Shared", "Services"):
        for path in (ROOT / directory).rglob("*.swift"):
            text = path.read_text()
            keys.update(getter.findall(text))
            keys.update(error.findall(text))
    return keys


def config_table() -> dict[str, dict]:
    """key -> {env, type, default, meaning} from the one settings table of docs/configuration.md."""
    rows: dict[str, dict] = {}
    in_table = False
    for line in CONFIG_DOC.read_text().splitlines():
        if line.startswith("| Key | Environment variable |"):
            in_table = True
            continue
        if in_table and not line.startswith("|"):
            break
        if in_table and line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) != 5:
                raise ValueError(f"table row with {len(cells)} columns: {line[:60]}")
            key, env = cells[0].strip("`"), cells[1].strip("`")
            if key in rows:
                raise ValueError(f"{key} listed twice")
            rows[key] = {"env": env, "type": cells[2], "default": cells[3], "meaning": cells[4]}
    if not rows:
        raise ValueError("no settings table found in docs/configuration.md")
    return rows


def documented_variables() -> set[str]:
    return {row["env"] for row in config_table().values()}


def contract_topics() -> set[str]:
    topics = {t for t in TOPIC_PATTERN.findall(CONTRACT.read_text()) if not t.endswith(".dlt")}
    if not topics:
        raise ValueError("no careloop.*.v1 topics in docs/integration-contract.md")
    return topics


def script_topic_partitions() -> dict[str, int]:
    text = (DEPLOY / "kafka/create-topics.sh").read_text()
    match = re.search(r'TOPIC_PARTITIONS=\$\{TOPIC_PARTITIONS:-"([^"]+)"\}', text)
    if not match:
        raise ValueError("TOPIC_PARTITIONS default not found in create-topics.sh")
    result = {}
    for entry in match.group(1).split():
        topic, _, count = entry.partition("=")
        result[topic] = int(count)
    return result


def subscribed_topics() -> dict[str, set[str]]:
    """service name -> topics it consumes, from EventSubscription(topics: [Topic.x…]) in Services/."""
    constants = dict(
        re.findall(r'static let (\w+): Topic = "([^"]+)"', (ROOT / "Shared/CareLoopContracts/Envelope/Topic.swift").read_text())
    )
    by_directory = {"Intake": "intake", "Routing": "routing", "RepairDispatch": "repair-dispatch",
                    "Survey": "survey", "Notification": "notification"}
    result: dict[str, set[str]] = {}
    for directory, name in by_directory.items():
        topics: set[str] = set()
        for path in (ROOT / "Services" / directory).rglob("*.swift"):
            for listing in re.findall(r"EventSubscription\(\s*topics:\s*\[([^\]]*)\]", path.read_text()):
                topics.update(constants[c] for c in re.findall(r"Topic\.(\w+)", listing) if c in constants)
        result[name] = topics
    return result


# ---------------------------------------------------------------- deployment files


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())  # safe_load resolves the << merge keys compose uses


def compose_services() -> dict[str, dict]:
    services = compose()["services"]
    return {name: spec for name, spec in services.items() if name.startswith("careloop-")}


def environment_of(spec: dict) -> dict[str, str]:
    env = spec.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def k8s_documents() -> dict[str, list[dict]]:
    return {path.name: [d for d in yaml.safe_load_all(path.read_text()) if d] for path in sorted(K8S.glob("*.yaml"))}


def k8s_objects(kind: str) -> list[dict]:
    return [d for docs in k8s_documents().values() for d in docs if d.get("kind") == kind]


def dockerfile_arg(text: str, name: str) -> str:
    match = re.search(rf'^ARG {name}="?([^"\n]*)"?\s*$', text, re.MULTILINE)
    if not match:
        raise ValueError(f"ARG {name} with a default not found in deploy/Dockerfile")
    return match.group(1)


def effective_port(env: dict[str, str], variable: str, default: int) -> int:
    return int(env[variable]) if env.get(variable) else default


# ---------------------------------------------------------------- checks: configuration reference


def check_table_rule() -> list[str]:
    return [f"{key}: {row['env']} should be {environment_variable(key)}"
            for key, row in config_table().items() if row["env"] != environment_variable(key)]


def check_table_complete() -> list[str]:
    documented, read = set(config_table()), settings_read_by_code()
    problems = [f"read by the code, not documented: {key}" for key in sorted(read - documented)]
    problems += [f"documented, never read: {key}" for key in sorted(documented - read)]
    return problems


def check_table_ports() -> list[str]:
    table, problems = config_table(), []
    for key, field in (("admin.port", "admin"), ("http.port", "http")):
        for name, identity in identities().items():
            if f"{name} {identity[field]}" not in table[key]["default"]:
                problems.append(f"{key} default should say '{name} {identity[field]}'")
    return problems


def check_example_json() -> list[str]:
    table, problems = config_table(), []
    for path in sorted((DEPLOY / "config").glob("*.json")):
        def walk(node, prefix=""):
            for key, value in node.items():
                full = f"{prefix}{key}"
                if isinstance(value, dict):
                    walk(value, full + ".")
                elif full not in table:
                    problems.append(f"{path.name}: {full} is not a documented setting")
        walk(json.loads(path.read_text()))
    return problems


# ---------------------------------------------------------------- checks: docker-compose.yml


def check_compose_services() -> list[str]:
    services, problems = compose_services(), []
    expected = {f"careloop-{name}" for name in identities()}
    if set(services) != expected:
        problems.append(f"services {sorted(services)} != {sorted(expected)}")
    for name, spec in services.items():
        command = spec.get("command") or []
        command = command.split() if isinstance(command, str) else command
        if not command or Path(command[0]).name != name:
            problems.append(f"{name}: command {command} does not run {name}")
        build = spec.get("build") or {}
        if (ROOT / build.get("context", ".") / build.get("dockerfile", "Dockerfile")).resolve() != DEPLOY / "Dockerfile":
            problems.append(f"{name}: not built from deploy/Dockerfile")
    return problems


def check_compose_env() -> list[str]:
    problems, ids = [], identities()
    for name, spec in compose_services().items():
        env, identity = environment_of(spec), ids[name.removeprefix("careloop-")]
        problems += [f"{name}: {v} missing" for v in REQUIRED_ENV if not env.get(v)]
        expected = {
            "CARELOOP_DATABASE_SCHEMA": identity["schema"],
            "CARELOOP_DATABASE_USER": f"careloop_{identity['schema']}",
            "CARELOOP_ADMIN_HOST": "0.0.0.0",
            "CARELOOP_HTTP_HOST": "0.0.0.0",
            "CARELOOP_LOG_FORMAT": "json",
        }
        problems += [f"{name}: {k}={env.get(k)!r}, expected {v!r}" for k, v in expected.items() if env.get(k) != v]
        if not re.fullmatch(r"\$\{\w+(:[?-][^}]*)?\}", env.get("CARELOOP_DATABASE_PASSWORD", "")):
            problems.append(f"{name}: CARELOOP_DATABASE_PASSWORD must come from the environment (${{VAR}}), not a literal")
        for variable in REQUIRED_SECRETS.get(name.removeprefix("careloop-"), []):
            # Required (${VAR:?…}): without it the service would run on the public development keys.
            if not re.fullmatch(r"\$\{\w+:\?[^}]*\}", env.get(variable, "")):
                problems.append(f"{name}: {variable} must be a required variable (${{VAR:?…}}), never a literal or a default")
    return problems


def check_compose_variables_documented() -> list[str]:
    documented = documented_variables()
    used = set(re.findall(r"\bCARELOOP_[A-Z0-9_]+", COMPOSE.read_text()))
    return [f"{v} is not in docs/configuration.md" for v in sorted(used - documented)]


def check_compose_healthchecks() -> list[str]:
    problems, ids = [], identities()
    for name, spec in compose_services().items():
        env = environment_of(spec)
        admin = effective_port(env, "CARELOOP_ADMIN_PORT", ids[name.removeprefix("careloop-")]["admin"])
        test = " ".join(map(str, (spec.get("healthcheck") or {}).get("test") or []))
        if not re.search(rf"https?://(127\.0\.0\.1|localhost):{admin}/health/ready\b", test):
            problems.append(f"{name}: healthcheck '{test}' does not probe /health/ready on admin port {admin}")
    for name in ("kafka", "postgres"):
        if not (compose()["services"].get(name) or {}).get("healthcheck"):
            problems.append(f"{name}: no healthcheck (services wait for service_healthy)")
    return problems


def check_compose_depends_on() -> list[str]:
    services, problems = compose()["services"], []
    for name, spec in services.items():
        depends = spec.get("depends_on") or {}
        if isinstance(depends, list):
            problems.append(f"{name}: depends_on without conditions")
            continue
        for target, condition in depends.items():
            if target not in services:
                problems.append(f"{name}: depends on unknown service {target}")
            elif not (condition or {}).get("condition"):
                problems.append(f"{name}: depends_on {target} has no condition")
    wanted = {"postgres": "service_healthy", "kafka-init": "service_completed_successfully"}
    for name, spec in compose_services().items():
        depends = spec.get("depends_on") or {}
        for target, condition in wanted.items():
            if (depends.get(target) or {}).get("condition") != condition:
                problems.append(f"{name}: needs depends_on {target}: {condition}")
    if ((services.get("kafka-init") or {}).get("depends_on") or {}).get("kafka", {}).get("condition") != "service_healthy":
        problems.append("kafka-init: needs depends_on kafka: service_healthy")
    return problems


def check_compose_restart() -> list[str]:
    problems = []
    for name, spec in compose()["services"].items():
        restart = str(spec.get("restart", ""))
        if name == "kafka-init":
            if restart not in ("no", "on-failure"):
                problems.append(f"kafka-init: restart {restart!r} (a one-shot must not restart after success)")
        elif restart not in ("always", "unless-stopped", "on-failure"):
            problems.append(f"{name}: restart policy {restart!r}")
    return problems


# Services serving a public HTTP API (the others only have their admin port).
SERVICES_WITH_API = {"intake", "routing", "repair-dispatch"}


def check_compose_ports() -> list[str]:
    problems, ids = [], identities()
    for name, spec in compose()["services"].items():
        published = set()
        for port in spec.get("ports") or []:
            parts = str(port).split(":")
            if len(parts) < 2:
                problems.append(f"{name}: port {port} without a fixed host port")
                continue
            published.add((parts[0] if len(parts) == 3 else "", int(parts[-2]), int(parts[-1].split("/")[0])))
        if not name.startswith("careloop-"):
            if published:
                problems.append(f"{name}: publishes {sorted(p[1] for p in published)}; only CareLoop's API and admin ports may")
            continue
        short = name.removeprefix("careloop-")
        env = environment_of(spec)
        admin = effective_port(env, "CARELOOP_ADMIN_PORT", ids[short]["admin"])
        http = effective_port(env, "CARELOOP_HTTP_PORT", ids[short]["http"])
        has_api = short in SERVICES_WITH_API
        allowed = {admin} | ({http} if has_api else set())
        for host, host_port, container_port in published:
            if container_port not in allowed:
                problems.append(f"{name}: publishes container port {container_port}; allowed {sorted(allowed)}")
            if container_port == admin and host not in ("127.0.0.1", "::1"):
                problems.append(f"{name}: admin port {admin} published beyond loopback")
        if admin not in {p[2] for p in published}:
            problems.append(f"{name}: admin port {admin} not published")
        if has_api and http not in {p[2] for p in published}:
            problems.append(f"{name}: API port {http} not published")
    return problems


def check_compose_kafka() -> list[str]:
    services, problems = compose()["services"], []
    kafka = services.get("kafka") or {}
    image = str(kafka.get("image", ""))
    if not (image.startswith("apache/kafka:") or image.startswith("bitnami/kafka")):
        problems.append(f"kafka image {image!r}")
    env = environment_of(kafka)
    roles = env.get("KAFKA_PROCESS_ROLES") or env.get("KAFKA_CFG_PROCESS_ROLES", "")
    if "controller" not in roles or "broker" not in roles:
        problems.append("kafka is not a combined KRaft broker,controller")
    if any("ZOOKEEPER" in k for k in env):
        problems.append("kafka mentions ZooKeeper")
    cluster_id = env.get("CLUSTER_ID") or env.get("KAFKA_KRAFT_CLUSTER_ID", "")
    try:
        if len(base64.urlsafe_b64decode(cluster_id + "==")) != 16 or len(cluster_id) != 22:
            raise ValueError
    except (ValueError, binascii.Error):
        problems.append(f"CLUSTER_ID {cluster_id!r} is not a base64url UUID (22 characters)")
    if env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "").lower() != "false":
        problems.append("topic auto-creation is on")
    init = services.get("kafka-init") or {}
    mounts = " ".join(map(str, init.get("volumes") or []))
    run = " ".join(map(str, (init.get("entrypoint") or []) + (init.get("command") or [])))
    if "./deploy/kafka/create-topics.sh:" not in mounts or "create-topics.sh" not in run:
        problems.append("kafka-init does not mount and run deploy/kafka/create-topics.sh")
    if init.get("image") != kafka.get("image"):
        problems.append("kafka-init should use the broker's image (its kafka-topics.sh)")
    return problems


def check_compose_postgres() -> list[str]:
    services, problems = compose()["services"], []
    postgres = services.get("postgres") or {}
    if not str(postgres.get("image", "")).startswith("postgres:15"):
        problems.append(f"postgres image {postgres.get('image')!r}, expected postgres:15")
    mounts = " ".join(map(str, postgres.get("volumes") or []))
    if not re.search(r"\./deploy/postgres/init\.(sh|sql):/docker-entrypoint-initdb\.d/", mounts):
        problems.append("deploy/postgres/init.sh is not mounted into /docker-entrypoint-initdb.d")
    env = environment_of(postgres)
    if env.get("POSTGRES_DB") != "careloop":
        problems.append("POSTGRES_DB is not careloop")
    for name, spec in compose_services().items():
        schema = identities()[name.removeprefix("careloop-")]["schema"]
        variable = f"{schema.upper()}_DB_PASSWORD"
        if variable not in env:
            problems.append(f"postgres: {variable} (for init.sh) missing")
        elif env[variable] != environment_of(spec).get("CARELOOP_DATABASE_PASSWORD"):
            problems.append(f"{name}: CARELOOP_DATABASE_PASSWORD differs from postgres's {variable}")
    return problems


# ---------------------------------------------------------------- checks: topics


def check_topics_created() -> list[str]:
    created, contract = script_topic_partitions(), contract_topics()
    problems = []
    if set(created) != contract:
        problems.append(f"create-topics.sh topics {sorted(created)} != contract {sorted(contract)}")
    problems += [f"{t}: {n} partitions" for t, n in created.items() if n < 1]
    if 'create "$topic.dlt"' not in (DEPLOY / "kafka/create-topics.sh").read_text():
        problems.append("create-topics.sh does not create <topic>.dlt for every topic")
    return problems


def check_topics_mentioned() -> list[str]:
    contract, problems = contract_topics(), []
    files = [COMPOSE, CONFIG_DOC] + [p for p in DEPLOY.rglob("*") if p.is_file() and p.suffix in (".sh", ".yaml", ".yml", ".md", ".json", ".sql")]
    for path in files:
        for topic in set(TOPIC_PATTERN.findall(path.read_text())):
            if topic.removesuffix(".dlt") not in contract:
                problems.append(f"{path.relative_to(ROOT)} names {topic}, not a contract topic")
    return problems


def check_partitions_bound_replicas() -> list[str]:
    partitions, problems = script_topic_partitions(), []
    replicas = {d["metadata"]["name"].removeprefix("careloop-"): d["spec"].get("replicas", 1) for d in k8s_objects("Deployment")}
    for service, topics in subscribed_topics().items():
        for topic in topics:
            if replicas.get(service, 1) > partitions.get(topic, 0):
                problems.append(f"{service}: {replicas[service]} replicas but {topic} has {partitions.get(topic)} partitions")
    return problems


# ---------------------------------------------------------------- checks: Dockerfile and scripts


def check_dockerfile_products() -> list[str]:
    text = (DEPLOY / "Dockerfile").read_text()
    built, products = set(dockerfile_arg(text, "PRODUCTS").split()), executable_products()
    problems = [f"executable product {p} not built" for p in sorted(products - built)]
    problems += [f"{p} is not an executable product of Package.swift" for p in sorted(built - products)]
    if not re.search(r"swift build -c release[^\n]*--product \"?\$\{?product", text):
        problems.append("no `swift build -c release --product` per product")
    return problems


def check_dockerfile_seed_files() -> list[str]:
    """Every file an ENV of the runtime image points at under /etc/careloop is copied there from the repository."""
    text = (ROOT / "deploy" / "Dockerfile").read_text()
    runtime = text[text.rindex("\nFROM "):]
    copies = re.findall(r"^COPY (?!--from)(\S+) (/etc/careloop/\S*)$", runtime, re.M)
    problems, paths = [], re.findall(r"(CARELOOP_\w+)=(/etc/careloop/\S+)", runtime)
    if not paths:
        problems.append("no CARELOOP_* variable points at a file under /etc/careloop")
    for variable, path in paths:
        found = False
        for source, target in copies:
            if path.startswith(target.rstrip("/") + "/"):
                found = found or (ROOT / source / path[len(target.rstrip("/")) + 1:]).is_file()
        if not found:
            problems.append(f"{variable}={path}: no COPY puts a repository file there")
    return problems


def check_dockerfile_images() -> list[str]:
    text, problems = (DEPLOY / "Dockerfile").read_text(), []
    builder, runtime = dockerfile_arg(text, "SWIFT_IMAGE"), dockerfile_arg(text, "RUNTIME_IMAGE")
    if not re.fullmatch(r"swift:6\.\d+-(\w+)", builder):
        problems.append(f"builder {builder!r} is not a swift:6.x-<debian> image")
    if not re.fullmatch(r"debian:\w+-slim", runtime):
        problems.append(f"runtime {runtime!r} is not debian:<release>-slim")
    if builder.rsplit("-", 1)[-1] != runtime.split(":")[1].removesuffix("-slim"):
        problems.append("builder and runtime are different Debian releases (glibc/librdkafka mismatch)")
    stages = re.findall(r"^FROM \$\{(\w+)\}", text, re.MULTILINE)
    if stages != ["SWIFT_IMAGE", "RUNTIME_IMAGE"]:
        problems.append(f"stages {stages}, expected builder then runtime")
    build_part, _, runtime_part = text.partition("FROM ${RUNTIME_IMAGE}")
    for package in ("librdkafka-dev", "libpq-dev"):
        if package not in build_part:
            problems.append(f"builder does not install {package}")
    for package in ("librdkafka1", "libpq5", "ca-certificates", "curl"):  # curl: compose health checks
        if not re.search(rf"apt-get install[^\n]*\b{package}\b", runtime_part):
            problems.append(f"runtime does not install {package}")
    if "COPY --from=build /staging/bin/ /usr/local/bin/" not in runtime_part:
        problems.append("executables not copied to /usr/local/bin")
    if not re.search(r"^USER (?!0\b|root\b)", runtime_part, re.MULTILINE):
        problems.append("runtime runs as root")
    ignore = DEPLOY / "Dockerfile.dockerignore"
    if not ignore.exists() or ".build" not in ignore.read_text():
        problems.append("deploy/Dockerfile.dockerignore missing or not excluding .build")
    return problems


def check_postgres_init() -> list[str]:
    text, problems = (DEPLOY / "postgres/init.sh").read_text(), []
    match = re.search(r'^SCHEMAS="([^"]+)"', text, re.MULTILINE)
    schemas = set(match.group(1).split()) if match else set()
    expected = {identity["schema"] for identity in identities().values()}
    if schemas != expected:
        problems.append(f"init.sh schemas {sorted(schemas)} != {sorted(expected)}")
    for needle in ("role=\"careloop_$schema\"", "CREATE ROLE %I LOGIN", "CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I",
                   "ALTER SCHEMA %I OWNER TO %I", "CREATE DATABASE %I", "_DB_PASSWORD"):
        if needle not in text:
            problems.append(f"init.sh lacks {needle}")
    return problems


def check_shell_syntax() -> list[str]:
    problems = []
    for path in sorted(DEPLOY.rglob("*.sh")):
        result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
        if result.returncode:
            problems.append(f"{path.relative_to(ROOT)}: {result.stderr.strip()}")
        if not path.stat().st_mode & 0o111:
            problems.append(f"{path.relative_to(ROOT)} is not executable")
    return problems


# ---------------------------------------------------------------- checks: Kubernetes


def check_k8s_parse_and_kustomization() -> list[str]:
    documents, problems = k8s_documents(), []
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization.get("resources") or [])
    manifests = {name for name in documents if name != "kustomization.yaml"}
    problems += [f"{r} listed but missing" for r in sorted(listed - manifests)]
    problems += [f"{m} not listed in kustomization.yaml" for m in sorted(manifests - listed - {SECRET_TEMPLATE})]
    if SECRET_TEMPLATE in listed:
        problems.append(f"{SECRET_TEMPLATE} must not be applied with the rest (placeholders would overwrite real secrets)")
    if kustomization.get("namespace") != "careloop":
        problems.append("kustomization namespace is not careloop")
    for name, docs in documents.items():
        for doc in docs:
            if name == "kustomization.yaml":
                continue
            if not doc.get("apiVersion") or not doc.get("kind") or not doc.get("metadata", {}).get("name"):
                problems.append(f"{name}: object without apiVersion/kind/metadata.name")
            elif doc["kind"] != "Namespace" and doc["metadata"].get("namespace") != "careloop":
                problems.append(f"{name}: {doc['kind']}/{doc['metadata']['name']} not in namespace careloop")
    if not k8s_objects("Namespace"):
        problems.append("no Namespace")
    return problems


def check_k8s_secret_template() -> list[str]:
    secrets = [s for s in k8s_objects("Secret") if s["metadata"]["name"] == "careloop-secrets"]
    if len(secrets) != 1:
        return ["secret careloop-secrets template missing"]
    data = secrets[0].get("stringData") or {}
    problems = [f"{k} holds a value; the template keeps placeholders only" for k, v in data.items() if v not in ("", "CHANGE_ME")]
    if secrets[0].get("data"):
        problems.append("template has base64 data; use stringData placeholders")
    return problems


def deployment_environment(deployment: dict) -> tuple[dict[str, str], list[str]]:
    """The container's environment with envFrom ConfigMaps resolved; secret-backed values read 'secret:<key>'."""
    configmaps = {c["metadata"]["name"]: c.get("data") or {} for c in k8s_objects("ConfigMap")}
    secrets = {s["metadata"]["name"]: s.get("stringData") or {} for s in k8s_objects("Secret")}
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env, problems = {}, []
    for source in container.get("envFrom") or []:
        name = (source.get("configMapRef") or {}).get("name")
        if name not in configmaps:
            problems.append(f"envFrom ConfigMap {name} not defined")
        env.update({k: str(v) for k, v in configmaps.get(name, {}).items()})
    for item in container.get("env") or []:
        if "value" in item:
            env[item["name"]] = str(item["value"])
        elif "secretKeyRef" in (item.get("valueFrom") or {}):
            ref = item["valueFrom"]["secretKeyRef"]
            if ref.get("name") not in secrets or ref.get("key") not in secrets[ref.get("name")]:
                problems.append(f"{item['name']}: secret {ref.get('name')}/{ref.get('key')} not in the template")
            env[item["name"]] = f"secret:{ref.get('key')}" + (" (optional)" if ref.get("optional") else "")
        else:
            env[item["name"]] = "from:" + json.dumps(item.get("valueFrom"))
    return env, problems


def check_k8s_deployments() -> list[str]:
    deployments = {d["metadata"]["name"]: d for d in k8s_objects("Deployment")}
    ids, products, problems = identities(), executable_products(), []
    expected = {f"careloop-{name}" for name in ids}
    if set(deployments) != expected:
        problems.append(f"deployments {sorted(deployments)} != {sorted(expected)}")
    for name, deployment in deployments.items():
        short = name.removeprefix("careloop-")
        spec, pod = deployment["spec"], deployment["spec"]["template"]
        if spec.get("replicas") != K8S_REPLICAS.get(short, 1):
            problems.append(f"{name}: replicas {spec.get('replicas')}, expected {K8S_REPLICAS.get(short, 1)}")
        if spec["selector"]["matchLabels"].items() - pod["metadata"]["labels"].items():
            problems.append(f"{name}: selector does not match the pod labels")
        container = pod["spec"]["containers"][0]
        command = container.get("command") or container.get("args") or []
        if not command or Path(command[0]).name != name or Path(command[0]).name not in products:
            problems.append(f"{name}: command {command} does not run the {name} executable")
        if pod["spec"].get("terminationGracePeriodSeconds") != 30:
            problems.append(f"{name}: terminationGracePeriodSeconds is not 30")
    return problems


def check_k8s_env() -> list[str]:
    ids, documented, problems = identities(), documented_variables(), []
    for deployment in k8s_objects("Deployment"):
        name = deployment["metadata"]["name"]
        identity = ids[name.removeprefix("careloop-")]
        env, env_problems = deployment_environment(deployment)
        problems += [f"{name}: {p}" for p in env_problems]
        problems += [f"{name}: {v} missing" for v in REQUIRED_ENV if not env.get(v)]
        expected = {
            "CARELOOP_DATABASE_SCHEMA": identity["schema"],
            "CARELOOP_DATABASE_USER": f"careloop_{identity['schema']}",
            "CARELOOP_ADMIN_HOST": "0.0.0.0",
            "CARELOOP_HTTP_HOST": "0.0.0.0",
            "CARELOOP_LOG_FORMAT": "json",
        }
        problems += [f"{name}: {k}={env.get(k)!r}, expected {v!r}" for k, v in expected.items() if env.get(k) != v]
        if not env.get("CARELOOP_DATABASE_PASSWORD", "").startswith("secret:"):
            problems.append(f"{name}: CARELOOP_DATABASE_PASSWORD must come from a Secret")
        for variable in REQUIRED_SECRETS.get(name.removeprefix("careloop-"), []):
            if not env.get(variable, "").startswith("secret:") or env[variable].endswith("(optional)"):
                problems.append(f"{name}: {variable} must come from a Secret key that is not optional")
    used = set()
    for docs in k8s_documents().values():
        used.update(re.findall(r"\bCARELOOP_[A-Z0-9_]+", yaml.safe_dump_all(docs)))
    problems += [f"{v} is not in docs/configuration.md" for v in sorted(used - documented)]
    return problems


def check_k8s_probes_and_ports() -> list[str]:
    ids, problems = identities(), []
    for deployment in k8s_objects("Deployment"):
        name = deployment["metadata"]["name"]
        env, _ = deployment_environment(deployment)
        admin = effective_port(env, "CARELOOP_ADMIN_PORT", ids[name.removeprefix("careloop-")]["admin"])
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        ports = {p.get("name"): p["containerPort"] for p in container.get("ports") or []}
        if ports.get("admin") != admin:
            problems.append(f"{name}: container port 'admin' is {ports.get('admin')}, the service listens on {admin}")

        def resolve(port):
            return ports.get(port) if isinstance(port, str) else port

        for probe, path in (("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live"), ("startupProbe", None)):
            get = (container.get(probe) or {}).get("httpGet")
            if get is None:
                if path:
                    problems.append(f"{name}: no {probe} httpGet")
                continue
            if path and get.get("path") != path:
                problems.append(f"{name}: {probe} path {get.get('path')}, expected {path}")
            if get.get("path") not in ("/health/ready", "/health/live"):
                problems.append(f"{name}: {probe} path {get.get('path')} is not a health endpoint")
            if resolve(get.get("port")) != admin:
                problems.append(f"{name}: {probe} port {get.get('port')} is not the admin port {admin}")
    return problems


def check_k8s_resources_and_scrape() -> list[str]:
    ids, problems = identities(), []
    for deployment in k8s_objects("Deployment"):
        name = deployment["metadata"]["name"]
        env, _ = deployment_environment(deployment)
        admin = effective_port(env, "CARELOOP_ADMIN_PORT", ids[name.removeprefix("careloop-")]["admin"])
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        resources = container.get("resources") or {}
        for section in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                if not (resources.get(section) or {}).get(resource):
                    problems.append(f"{name}: no {section}.{resource}")
        annotations = deployment["spec"]["template"]["metadata"].get("annotations") or {}
        expected = {"prometheus.io/scrape": "true", "prometheus.io/port": str(admin), "prometheus.io/path": "/metrics"}
        problems += [f"{name}: annotation {k}={annotations.get(k)!r}, expected {v!r}"
                     for k, v in expected.items() if str(annotations.get(k)) != v]
    return problems


def check_k8s_services() -> list[str]:
    ids, problems = identities(), []
    services = {s["metadata"]["name"]: s for s in k8s_objects("Service")}
    for deployment in k8s_objects("Deployment"):
        name = deployment["metadata"]["name"]
        service = services.get(name)
        if not service:
            problems.append(f"{name}: no Service")
            continue
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        if service["spec"]["selector"].items() - labels.items():
            problems.append(f"{name}: Service selector does not select the pods")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        ports = {p.get("name"): p["containerPort"] for p in container.get("ports") or []}
        targets = {p["name"]: ports.get(p["targetPort"], p["targetPort"]) for p in service["spec"]["ports"]}
        env, _ = deployment_environment(deployment)
        short = name.removeprefix("careloop-")
        admin = effective_port(env, "CARELOOP_ADMIN_PORT", ids[short]["admin"])
        if targets.get("admin") != admin:
            problems.append(f"{name}: Service 'admin' targets {targets.get('admin')}, not {admin}")
        if short in SERVICES_WITH_API:
            http = effective_port(env, "CARELOOP_HTTP_PORT", ids[short]["http"])
            if targets.get("http") != http:
                problems.append(f"{name}: Service 'http' targets {targets.get('http')}, not the API port {http}")
    return problems


def metrics_emitted_by_code() -> set[str]:
    """Metric names the Swift code creates (swift-metrics labels starting with careloop_)."""
    names: set[str] = set()
    for path in list((ROOT / "Shared").rglob("*.swift")) + list((ROOT / "Services").rglob("*.swift")):
        names.update(re.findall(r'label: "(careloop_[a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    return names


def check_dashboard() -> list[str]:
    path = ROOT / "deploy" / "grafana" / "careloop-dashboard.json"
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    emitted = metrics_emitted_by_code()
    ids = [panel.get("id") for panel in dashboard.get("panels", [])]
    if len(ids) != len(set(ids)):
        problems.append("panel ids are not unique")
    for panel in dashboard.get("panels", []):
        for target in panel.get("targets", []):
            for metric in re.findall(r"\b(careloop_[a-z0-9_]+)", target.get("expr", "")):
                base = re.sub(r"_(bucket|count|sum)$", "", metric)
                if metric not in emitted and base not in emitted:
                    problems.append(f"panel '{panel.get('title')}' uses {metric}, which no Swift code emits")
    return problems


def main() -> int:
    checks = Checks()
    for name, function in [
        ("configuration.md: environment variables follow the naming rule", check_table_rule),
        ("configuration.md: table lists exactly the settings the Swift code reads", check_table_complete),
        ("configuration.md: default ports match ServiceIdentity", check_table_ports),
        ("deploy/config/*.json: every key is a documented setting", check_example_json),
        ("compose: five services, each running its executable from deploy/Dockerfile", check_compose_services),
        ("compose: services have the required settings, schema and role", check_compose_env),
        ("compose: every CARELOOP_* variable is documented", check_compose_variables_documented),
        ("compose: healthchecks probe /health/ready on the admin port", check_compose_healthchecks),
        ("compose: depends_on with conditions", check_compose_depends_on),
        ("compose: restart policies", check_compose_restart),
        ("compose: only the public APIs and the admin ports are published", check_compose_ports),
        ("compose: Kafka in KRaft mode with a topic init container", check_compose_kafka),
        ("compose: PostgreSQL 15 with init.sh and the role passwords", check_compose_postgres),
        ("topics: create-topics.sh creates the contract topics and their .dlt", check_topics_created),
        ("topics: every topic named in the deployment files is a contract topic", check_topics_mentioned),
        ("topics: partitions >= replicas of each consuming service", check_partitions_bound_replicas),
        ("Dockerfile: builds every executable product of Package.swift", check_dockerfile_products),
        ("Dockerfile: builder/runtime images and packages", check_dockerfile_images),
        ("Dockerfile: seed and rules files the image's variables name are copied in", check_dockerfile_seed_files),
        ("postgres/init.sh: a role careloop_<schema> owning each service schema", check_postgres_init),
        ("scripts: bash syntax and executable bit", check_shell_syntax),
        ("kubernetes: manifests parse; kustomization lists them", check_k8s_parse_and_kustomization),
        ("kubernetes: Secret is a template without real values", check_k8s_secret_template),
        ("kubernetes: five Deployments, replicas, commands, grace period", check_k8s_deployments),
        ("kubernetes: required settings, schema and role; variables documented", check_k8s_env),
        ("kubernetes: probes and ports match the admin port", check_k8s_probes_and_ports),
        ("kubernetes: resources and Prometheus scrape annotations", check_k8s_resources_and_scrape),
        ("kubernetes: a Service per Deployment on the admin (and API) port", check_k8s_services),
        ("grafana: dashboard parses; every metric it queries is emitted by the code", check_dashboard),
    ]:
        checks.run(name, function)
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
