"""The portal's layers, read from its imports: dependencies run one way and no module imports itself back.

core (portal's helpers) <- jobs (mail queue, periodic jobs) <- privacy (policies, consents) <- members <- projects
<- delivery (running projects, progress reports) <- spread (standard models, adoption sites) <- stats; news depends
on core and jobs only. The project package's
roof (settings, root URLs, WSGI/ASGI, seed_demo) may import every app. Imports inside functions count:
they are how a cycle hides.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "jobs", "privacy", "members", "projects", "delivery", "spread", "stats", "news"]
ROOF = {"portal.settings", "portal.urls", "portal.wsgi", "portal.asgi", "portal.management.commands.seed_demo"}
# Which layers each layer may import.
ALLOWED = {
    "core": set(),
    "jobs": {"core"},
    "privacy": {"core", "jobs"},
    "members": {"core", "jobs", "privacy"},
    "projects": {"core", "jobs", "privacy", "members"},
    "delivery": {"core", "jobs", "privacy", "members", "projects"},
    "spread": {"core", "jobs", "privacy", "members", "projects", "delivery"},
    "stats": {"core", "jobs", "privacy", "members", "projects", "delivery", "spread"},
    "news": {"core", "jobs"},
}


def layer_of(module):
    if module in ROOF:
        return "roof"
    top = module.split(".")[0]
    return "core" if top == "portal" else top


def module_name(path, root):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root, packages):
    """{module: {imported first-party module}} for every .py file under `packages` in `root`."""
    files = {module_name(p, root): p for package in packages for p in (root / package).rglob("*.py")}
    graph = {}
    for module, path in files.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                # `from a import b` names module a.b when there is one, else something defined in a.
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in files else node.module
                           for a in node.names]
            else:
                continue
            edges.update(t for t in targets if t in files and t != module and t.split(".")[0] in packages)
        graph[module] = edges
    return graph


def layer_violations(graph):
    return sorted(
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module, targets in graph.items()
        for target in targets
        if layer_of(module) != "roof" and layer_of(target) != layer_of(module)
        and layer_of(target) not in ALLOWED[layer_of(module)]
    )


def cycles(graph):
    """Groups of modules that import each other, directly or through others (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_dependencies_run_one_way():
    assert layer_violations(import_graph(ROOT, APPS)) == []


def test_no_module_imports_itself_back():
    assert cycles(import_graph(ROOT, APPS)) == []


def test_the_walker_sees_back_edges_hidden_in_functions(tmp_path):
    (tmp_path / "members").mkdir()
    (tmp_path / "stats").mkdir()
    (tmp_path / "members" / "services.py").write_text("def decide():\n    from stats import figures\n")
    (tmp_path / "stats" / "figures.py").write_text("from members import services\n")
    graph = import_graph(tmp_path, ["members", "stats"])

    assert layer_violations(graph) == ["members.services (members) imports stats.figures (stats)"]
    assert cycles(graph) == [["members.services", "stats.figures"]]
