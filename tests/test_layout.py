"""The features' seams: each feature package imports on its own (no import circle), and the
imports between features follow README's list of which feature may use which."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ["contest.accounts", "contest.api", "contest.audit", "contest.certificates", "contest.essays", "contest.exports", "contest.judging",
            "contest.jobs", "contest.rounds", "contest.standings", "question_bank"]
EDITING = {"question_bank.service", "question_bank.importer"}  # README: question_bank.editing
WEB = {"views", "api", "forms"}  # pages and API: they compose features


def _modules():
    for path in sorted([*ROOT.glob("contest/**/*.py"), *ROOT.glob("question_bank/**/*.py")]):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        yield name, path


def _feature(module: str) -> str | None:
    if module in EDITING:
        return "question_bank.editing"
    return next((f for f in FEATURES if module == f or module.startswith(f + ".")), None)


def _is_web(module: str) -> bool:
    return _feature(module) is not None and module != "contest.api" and module.rsplit(".", 1)[-1] in WEB


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every import of the project, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.module, node.lineno)]
            found += [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
    return [(m, line) for m, line in found if m.split(".")[0] in ("contest", "question_bank")]


def _allowed() -> dict[str, set[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^((?:contest|question_bank)[\w.]*)\s+->\s+(.*)$", readme, re.M)
    return {src: set() if dst.strip() == "(nothing)" else {d.strip() for d in dst.split(",")}
            for src, dst in rows}


def _known(module: str) -> bool:
    return (ROOT / Path(*module.split("."))).with_suffix(".py").exists() or \
        (ROOT / Path(*module.split(".")) / "__init__.py").exists()


def test_readme_lists_every_feature_and_its_list_has_no_circle():
    allowed = _allowed()
    assert set(allowed) == set(FEATURES) | {"question_bank.editing"}
    done, visiting = set(), []

    def visit(feature):
        assert feature not in visiting, f"README's list goes round: {' -> '.join(visiting + [feature])}"
        if feature in done:
            return
        visiting.append(feature)
        for used in allowed[feature]:
            assert used in allowed, f"{feature} may use {used}, which is not a feature"
            visit(used)
        visiting.pop()
        done.add(feature)

    for feature in allowed:
        visit(feature)


def test_features_use_only_what_readme_allows():
    allowed, wrong = _allowed(), []
    for module, path in _modules():
        source = _feature(module)
        for target, line in _imports(path):
            if not _known(target):
                continue  # a name imported from a module, not a module
            used = _feature(target)
            if used is None or used == source:
                continue
            where = f"{path.relative_to(ROOT)}:{line} imports {target}"
            if _is_web(target):
                if not target.endswith(".forms") or not _is_web(module):
                    wrong.append(f"{where}: pages and API are imported by app.py only")
            elif source is not None and not _is_web(module) and used not in allowed[source]:
                wrong.append(f"{where}: README does not let {source} use {used}")
    assert wrong == []


@pytest.mark.parametrize("feature", FEATURES)
def test_each_feature_package_imports_alone(feature):
    """In a fresh interpreter, every module of the feature is imported first, with nothing of the
    project loaded before it: an import circle fails as a partly initialized module."""
    modules = sorted(m for m, _ in _modules() if m == feature or m.startswith(feature + "."))
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    for loaded in [m for m in sys.modules if m.split('.')[0] in ('contest', 'question_bank')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module(name)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
