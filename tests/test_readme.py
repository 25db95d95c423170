"""README.md: its Python example and its quick commands run as written, and it points nowhere
outside the repository."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
QUICK_COMMANDS = ["symrnn gradcheck --cell gru --json",
                  "PYTHONPATH=examples symrnn gradcheck --cell custom_cell:MGU --twin custom_cell:MGUTwin"]


def test_the_python_example_trains_the_lessons_rnn():
    code = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stderr
    loss = float(run.stdout.split()[-2])
    assert 0 < loss < 3.5  # below a uniform guess over the corpus's ~90 symbols (4.5 nats)


@pytest.mark.parametrize("command", QUICK_COMMANDS)
def test_the_quick_commands_run_as_written(command):
    assert command in README
    env_part, _, argv = command.rpartition("symrnn ")
    env = {**os.environ, **dict(item.split("=", 1) for item in env_part.split())}
    run = subprocess.run([sys.executable, "-m", "symrnn", *argv.split()], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=600)
    assert run.returncode == 0, run.stderr


def test_nothing_points_outside_the_repository():
    assert "../" not in README
    assert len(README.encode("utf-8")) <= 16_000
