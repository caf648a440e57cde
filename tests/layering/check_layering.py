#!/usr/bin/env python3
"""The layering check: every #include follows the arrows that the CMake libraries declare.

A file in FOLDER may include its own folder and the folders FOLDER depends on, directly or through
another folder; nothing else of the project. A file in core/ may include Qt Core's headers only
(never Gui or Widgets); a file in ui/ Qt Core, Gui, Widgets and Svg. The arrows come from the
build (layers.txt, one "core/engine: core/posix core/scenario core/trace" per library), so there is
one list of them, the one that links.

  check_layering.py --source DIR --layers layers.txt --qt-include DIR
  check_layering.py --self-test --qt-include DIR     (shows that a wrong include is caught)
"""
import argparse
import os
import re
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
QT_MODULES = {"core": {"QtCore"}, "ui": {"QtCore", "QtGui", "QtWidgets", "QtSvg"}}


def read_layers(path):
    arrows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            folder, _, rest = line.partition(":")
            arrows[folder.strip()] = rest.split()
    return arrows


def closure(arrows):
    reach = {}

    def visit(folder, seen):
        for dep in arrows.get(folder, []):
            if dep not in seen:
                seen.add(dep)
                visit(dep, seen)
        return seen

    for folder in arrows:
        reach[folder] = visit(folder, set())
    return reach


def qt_headers(qt_include):
    """Maps a Qt class header ("QWidget") to its module ("QtWidgets")."""
    modules = {}
    for module in ("QtCore", "QtGui", "QtWidgets", "QtSvg", "QtTest"):
        folder = os.path.join(qt_include, module)
        if os.path.isdir(folder):
            for name in os.listdir(folder):
                modules.setdefault(name, module)
    return modules


def check(source, arrows, qt_modules):
    reach = closure(arrows)
    problems = []
    for top in ("core", "ui"):
        for root, _, files in os.walk(os.path.join(source, top)):
            folder = os.path.relpath(root, source)
            for name in sorted(files):
                if not name.endswith((".h", ".cpp")):
                    continue
                path = os.path.join(root, name)
                rel = os.path.relpath(path, source)
                if folder not in arrows:
                    problems.append(f"{rel}: the folder {folder} is no library (declare it in {top}/CMakeLists.txt)")
                    continue
                allowed = reach[folder] | {folder}
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                for match in INCLUDE.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    kind, header = match.groups()
                    where = f"{rel}:{line}"
                    if kind == '"':
                        target = os.path.dirname(header)
                        if header.endswith(".moc") or header.startswith("ui_"):
                            continue
                        candidates = [f"{t}/{target}" for t in ("core", "ui")
                                      if target and os.path.exists(os.path.join(source, t, header))]
                        if not candidates:
                            problems.append(f"{where}: \"{header}\" is not a path from core/ or ui/")
                        elif not any(c in allowed for c in candidates):
                            problems.append(f"{where}: {folder} may not include {candidates[0]} (\"{header}\"): "
                                            f"{folder} depends on {', '.join(sorted(reach[folder])) or 'nothing'}")
                    else:
                        module = header.split("/")[0] if "/" in header else qt_modules.get(header)
                        if module and module.startswith("Qt") and module not in QT_MODULES[top]:
                            problems.append(f"{where}: {top}/ may not include <{header}> ({module})")
    return problems


def self_test(qt_include):
    with tempfile.TemporaryDirectory() as source:
        def write(path, text):
            os.makedirs(os.path.dirname(os.path.join(source, path)), exist_ok=True)
            with open(os.path.join(source, path), "w", encoding="utf-8") as f:
                f.write(text)
        write("core/trace/trace.h", "#pragma once\n#include <QObject>\n")
        write("core/engine/session.h", '#pragma once\n#include "trace/trace.h"\n')
        write("core/trace/bad.cpp", '#include "engine/session.h"\n#include <QWidget>\n')
        write("ui/stage/view.cpp", '#include "engine/session.h"\n#include <QWidget>\n')
        arrows = {"core/trace": [], "core/engine": ["core/trace"], "ui/stage": ["core/engine"]}
        problems = check(source, arrows, qt_headers(qt_include))
        expected = ["core/trace/bad.cpp:1: core/trace may not include core/engine",
                    "core/trace/bad.cpp:2: core/ may not include <QWidget>"]
        missing = [e for e in expected if not any(p.startswith(e) for p in problems)]
        if missing or len(problems) != len(expected):
            print("self-test failed; found:", *problems, "expected:", *expected, sep="\n  ")
            return 1
        print("self-test: the wrong include and the Widgets header were caught, the right ones passed")
        return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source")
    parser.add_argument("--layers")
    parser.add_argument("--qt-include", required=True)
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test(args.qt_include)
    problems = check(args.source, read_layers(args.layers), qt_headers(args.qt_include))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} include(s) against the arrows; see ARCHITECTURE.md")
        return 1
    print("every include follows the arrows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
