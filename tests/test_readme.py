"""The README's walk-throughs run as written from a checkout: every manage.py command in the
form `make run` sets up (.venv/bin/python, no activated virtualenv), naming commands and options
that exist; how to change the port; how a staff manager gets an admin password."""

import re
import subprocess

from django.conf import settings
from django.core.management import get_commands, load_command_class

README = settings.BASE_DIR / "README.md"
PYTHON = ".venv/bin/python"
# `<whatever runs it> manage.py <command> <rest of the line>`; the rest stops at a comment or an inline code span's end.
MANAGE_PY = re.compile(r"(?P<runner>\S*)\s*manage\.py (?P<command>[a-z_]+)(?P<rest>[^`#\n]*)")


def manage_py_lines() -> list[re.Match]:
    return list(MANAGE_PY.finditer(README.read_text(encoding="utf-8")))


def test_it_runs_every_readme_manage_py_command_with_the_virtualenvs_python():
    lines = manage_py_lines()

    assert len(lines) > 10
    assert [m.group(0) for m in lines if m.group("runner").lstrip("(`") != PYTHON] == []


def test_it_names_only_commands_and_options_that_exist():
    commands = get_commands()
    unknown = []
    for line in manage_py_lines():
        name = line.group("command")
        if name not in commands:
            unknown.append(f"{line.group(0)}: no command {name!r}")
            continue
        parser = load_command_class(commands[name], name).create_parser("manage.py", name)
        unknown += [f"{line.group(0)}: no option {o}" for o in re.findall(r"--[a-z][a-z-]*", line.group("rest")) if o not in parser._option_string_actions]
    assert unknown == []


def test_it_says_how_to_serve_on_another_port_and_the_makefile_honours_it():
    assert "make run PORT=8001" in README.read_text(encoding="utf-8")

    dry_run = subprocess.run(["make", "-n", "run", "PORT=8001"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True)

    assert "manage.py runserver 127.0.0.1:8001" in dry_run.stdout


def test_it_says_how_a_staff_manager_gets_an_admin_password():
    text = README.read_text(encoding="utf-8")

    assert "--staff" in text
    assert f"{PYTHON} manage.py changepassword lihua" in text
    assert f"{PYTHON} manage.py createsuperuser" in text
