"""Static checks on the source tree: layering, house style and lint gates.

docs/architecture.md (layout, conventions) and docs/security.md, S11, S16-S18, S25.
"""

from __future__ import annotations

import ast
import importlib
import re
from functools import cache
from pathlib import Path

import pytest
from flask import Blueprint

from mediation.core.security import PUBLIC_ENDPOINTS

# Never opens a connection to the database under test: .ci/run's PostgreSQL pass leaves it out.
pytestmark = pytest.mark.database_independent

PACKAGE = Path(__file__).resolve().parent.parent / "mediation"
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"

# docs/security.md, S11: login, the TOTP step, static and health; plus the language
# switch on the login page and the token-based password reset (S5). The TOTP
# steps and the reset check their own half-way state or token. The calendar
# feed (S20) is read by calendar programs, which have no session: its token is
# the credential.
PUBLIC = frozenset({
    "auth.login", "auth.totp", "auth.totp_enrol", "auth.reset_password",
    "main.set_language", "health.live", "static", "appointments.feed",
})
FORBIDDEN_IN_SERVICES = frozenset({"request", "flash", "render_template", "redirect"})
CORE_MAY_IMPORT = ("mediation.core", "mediation.extensions")
STATIC_TEXT_SUFFIXES = {".css", ".js", ".mjs", ".html", ".svg", ".json", ".map", ".txt", ".xml"}


def python_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def template_files() -> list[Path]:
    return sorted(path for path in TEMPLATES.rglob("*") if path.is_file())


def static_text_files() -> list[Path]:
    return sorted(
        path for path in STATIC.rglob("*") if path.is_file() and path.suffix.lower() in STATIC_TEXT_SUFFIXES
    )


def relative(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


@cache
def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module an import statement names, anywhere in the file (functions included).

    `from package import name` yields both `package` and `package.name`, since
    the name may be a submodule. Relative imports are resolved.
    """
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(parse(path)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names if alias.name != "*")
    return found


def test_the_source_tree_is_found():
    # Guards every check below against silently scanning nothing.
    assert len(python_files()) > 20
    assert any(path.name == "base.html" for path in template_files())
    assert (PACKAGE / "core" / "security.py").exists()


# -- small files ---------------------------------------------------------------

# A module a reader can hold in mind (docs/architecture.md): past this length it is split by what its parts do.
MAX_MODULE_LINES = 400
# Data tables, not logic: one entry per member, read from top to bottom.
LONG_DATA_TABLES = frozenset({
    "cases/codes.py",  # the case's code lists, each label beside its member
})


def test_modules_stay_small():
    long = {str(path.relative_to(PACKAGE)): count for path in python_files()
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert set(long) <= LONG_DATA_TABLES, {name: long[name] for name in set(long) - LONG_DATA_TABLES}


# -- layering ------------------------------------------------------------------


def test_services_never_touch_http():
    """docs/architecture.md: a service takes plain values, never the request; routes do HTTP."""
    # services.py, or the modules of a services/ package once it grew past one file
    services = sorted({*PACKAGE.rglob("services.py"), *PACKAGE.rglob("services/*.py")})
    assert services, "no services.py found"
    offences = []
    for path in services:
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.ImportFrom):
                names = {alias.name for alias in node.names} & FORBIDDEN_IN_SERVICES
                offences.extend(f"{relative(path)}:{node.lineno} imports {name}" for name in sorted(names))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.rpartition(".")[2] in FORBIDDEN_IN_SERVICES:
                        offences.append(f"{relative(path)}:{node.lineno} imports {alias.name}")
            elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_IN_SERVICES:
                if isinstance(node.value, ast.Name) and node.value.id == "flask":
                    offences.append(f"{relative(path)}:{node.lineno} uses flask.{node.attr}")
    assert offences == []


def test_core_never_imports_a_feature():
    """core/ is shared infrastructure: it may import only itself and the extensions."""

    def allowed(module: str) -> bool:
        if module != "mediation" and not module.startswith("mediation."):
            return True  # third-party or standard library
        return module == "mediation" or any(
            module == prefix or module.startswith(prefix + ".") for prefix in CORE_MAY_IMPORT
        )

    layered = sorted((PACKAGE / "core").rglob("*.py")) + [PACKAGE / "extensions.py"]
    offences = [
        f"{relative(path)}:{line} imports {module}"
        for path in layered
        for line, module in imported_modules(path)
        if not allowed(module)
    ]
    assert offences == []


def test_the_import_checker_sees_imports_inside_functions():
    # A positive control for the check above.
    probe = PACKAGE / "core" / "security.py"
    modules = {module for _, module in imported_modules(probe)}
    assert "mediation.extensions" in modules
    assert "flask.redirect" in modules  # imported inside unauthorized()


# -- output and HTTP (docs/security.md, S16, S18: no CDN) ------------


def _without_jinja_statements(text: str) -> str:
    text = re.sub(r"\{#.*?#\}", " ", text, flags=re.S)
    return re.sub(r"\{%.*?%\}", " ", text, flags=re.S)


def test_templates_never_disable_autoescaping():
    offences = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        if re.search(r"\|\s*safe\b", text):
            offences.append(f"{relative(path)}: |safe")
        if re.search(r"\{%-?\s*autoescape\s+false", text):
            offences.append(f"{relative(path)}: autoescape false")
    assert offences == []


def test_python_never_builds_markup():
    offences = []
    for path in python_files():
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
                if name == "Markup":
                    offences.append(f"{relative(path)}:{node.lineno} Markup(...)")
        if re.search(r"\bMarkup\s*\(", path.read_text(encoding="utf-8")):
            offences.append(f"{relative(path)}: Markup( in the text")
    assert offences == []


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-zA-Z]+\s*=", re.S)


def test_templates_have_no_inline_script_or_event_handlers():
    """The CSP has no 'unsafe-inline' (S18): scripts come from static/ by src only."""
    offences = []
    for path in template_files():
        text = _without_jinja_statements(path.read_text(encoding="utf-8"))
        for match in SCRIPT_TAG.finditer(text):
            if not re.search(r"\ssrc\s*=", match.group(1)) or match.group(2).strip():
                offences.append(f"{relative(path)}: inline <script>")
        if len(re.findall(r"<script\b", text, re.I)) != len(SCRIPT_TAG.findall(text)):
            offences.append(f"{relative(path)}: unclosed <script>")
        if EVENT_HANDLER.search(text):
            offences.append(f"{relative(path)}: on*= event handler attribute")
        if re.search(r"javascript:", text, re.I):
            offences.append(f"{relative(path)}: javascript: URL")
    assert offences == []


@pytest.mark.parametrize(
    "markup, bad",
    [
        ('<script src="/static/js/app.js"></script>', False),
        ("<script>alert(1)</script>", True),
        ('<script src="/static/js/app.js">alert(1)</script>', True),
        ('<button type="submit" onclick="go()">', True),
        ('<a href="#"\n   onmouseover = "go()">', True),
        ('<meta name="viewport" content="width=device-width">', False),
        ('<a{% if x %} aria-current="page"{% endif %}>', False),
    ],
)
def test_the_script_checks_catch_what_they_should(markup, bad):
    text = _without_jinja_statements(markup)
    found = any(
        not re.search(r"\ssrc\s*=", match.group(1)) or match.group(2).strip()
        for match in SCRIPT_TAG.finditer(text)
    ) or bool(EVENT_HANDLER.search(text))
    assert found is bad


# A namespace URI names a vocabulary; nothing is fetched from it.
XML_NAMESPACE = re.compile(r"""xmlns(:\w+)?\s*=\s*["']https?://www\.w3\.org/[^"']*["']""")


def test_no_template_or_static_file_loads_from_elsewhere():
    """The application works with no internet access: no CDN, no remote fonts."""
    offences = []
    for path in template_files() + static_text_files():
        text = XML_NAMESPACE.sub("", path.read_text(encoding="utf-8"))
        for match in re.finditer(r"https?://|(?<![:\w])//[a-z0-9.-]+\.[a-z]{2,}/", text, re.I):
            line = text.count("\n", 0, match.start()) + 1
            offences.append(f"{relative(path)}:{line}: {match.group(0)}")
    assert offences == []


# -- randomness and SQL (docs/security.md, S17, S25) ----------------------------------


def test_the_random_module_is_never_imported():
    """Tokens and keys come from `secrets` or os.urandom (S25)."""
    offences = [
        f"{relative(path)}:{line} imports {module}"
        for path in python_files()
        for line, module in imported_modules(path)
        if module == "random" or module.startswith("random.")
    ]
    assert offences == []


SQL_TEXT_FUNCTIONS = {"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"}


def _text_callers(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Local names bound to sqlalchemy.text, and names bound to modules that export it."""
    functions, modules = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if f"{node.module}.{alias.name}" in SQL_TEXT_FUNCTIONS:
                    functions.add(alias.asname or alias.name)
                elif f"{node.module}.{alias.name}.text" in SQL_TEXT_FUNCTIONS:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if f"{alias.name}.text" in SQL_TEXT_FUNCTIONS:
                    modules.add(alias.asname or alias.name)
    return functions, modules


def _raw_sql_calls(tree: ast.Module):
    functions, modules = _text_callers(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        is_text = (isinstance(func, ast.Name) and func.id in functions) or (
            isinstance(func, ast.Attribute) and func.attr == "text"
            and isinstance(func.value, ast.Name) and func.value.id in modules
        )
        is_driver_sql = isinstance(func, ast.Attribute) and func.attr == "exec_driver_sql"
        if is_text or is_driver_sql:
            yield node


def _is_constant_string(node: ast.Call) -> bool:
    return (
        len(node.args) >= 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and not any(keyword.arg in (None, "text", "statement") for keyword in node.keywords)
    )


def test_raw_sql_is_a_constant_string():
    """Parameterised SQL only (S17): text() never gets an f-string, % or concatenation."""
    offences = []
    for path in python_files():
        for node in _raw_sql_calls(parse(path)):
            if not _is_constant_string(node):
                offences.append(f"{relative(path)}:{node.lineno} {ast.unparse(node)[:80]}")
    assert offences == []


@pytest.mark.parametrize(
    "source, bad",
    [
        ('from sqlalchemy import text\ntext("SELECT 1")', False),
        ('from sqlalchemy import text\ntext(f"SELECT {x}")', True),
        ('from sqlalchemy import text as t\nt("SELECT %s" % x)', True),
        ('import sqlalchemy as sa\nsa.text("SELECT " + x)', True),
        ('from sqlalchemy import sql\nsql.text("SELECT {}".format(x))', True),
        ('conn.exec_driver_sql(f"PRAGMA {x}")', True),
        ('conn.exec_driver_sql("BEGIN IMMEDIATE")', False),
    ],
)
def test_the_sql_check_catches_what_it_should(source, bad):
    calls = list(_raw_sql_calls(ast.parse(source)))
    assert len(calls) == 1
    assert (not _is_constant_string(calls[0])) is bad


# -- views and blueprints (docs/security.md, S11) -------------------------------------


def test_the_public_list_is_the_reviewed_one():
    """Widening the list of endpoints reachable without an account is a reviewed change."""
    assert PUBLIC_ENDPOINTS == PUBLIC


def test_every_non_public_view_declares_a_permission(app):
    assert "main.home" in app.view_functions  # the scan below sees the real views
    missing = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in PUBLIC and getattr(view, "required_permission", None) is None
    )
    assert missing == []


def feature_route_modules() -> list[str]:
    modules = []
    for package in sorted(path for path in PACKAGE.iterdir() if (path / "__init__.py").exists()):
        if (package / "routes.py").exists() or (package / "routes" / "__init__.py").exists():
            modules.append(f"mediation.{package.name}.routes")
    return modules


def test_every_feature_with_routes_defines_and_registers_bp(app):
    modules = feature_route_modules()
    assert "mediation.auth.routes" in modules
    for name in modules:
        module = importlib.import_module(name)
        blueprint = getattr(module, "bp", None)
        assert isinstance(blueprint, Blueprint), f"{name} defines no blueprint named bp"
        assert app.blueprints.get(blueprint.name) is blueprint, f"{name}.bp is not registered"


def test_lazy_translations_never_interpolate_runtime_values():
    """Flask-Babel's lazy strings declare themselves safe HTML (__html__), so Jinja does not
    escape them: a lazy string may only interpolate constants or integers, never user data."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in {"_l", "lazy_gettext"}):
                continue
            for keyword in node.keywords:
                value = keyword.value
                constant = isinstance(value, ast.Constant) or (
                    isinstance(value, ast.Name) and value.id.isupper()) or (
                    # an integer cannot carry markup
                    isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "int")
                if not constant:
                    offenders.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {keyword.arg}")
    assert not offenders, f"lazy strings interpolating runtime values: {offenders}"
