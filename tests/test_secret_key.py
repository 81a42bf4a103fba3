"""No start without a real SECRET_KEY outside development (FLASK_DEBUG=1) and tests; `make run`
makes one in instance/secret_key once and keeps it."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from contest import config

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": False, "DEBUG": False,
              "RATELIMIT_STORAGE_URI": "memory://"}


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(RuntimeError, match=r"^SECRET_KEY is not set, so anyone could forge a session\. "
                                           r"Set the SECRET_KEY environment variable"):
        create_app({**PRODUCTION, "SECRET_KEY": None})


def test_production_refuses_the_development_key_and_short_keys():
    with pytest.raises(RuntimeError, match="^SECRET_KEY is the development key"):
        create_app({**PRODUCTION, "SECRET_KEY": config.DEVELOPMENT_SECRET_KEY})
    with pytest.raises(RuntimeError, match="^SECRET_KEY is too short"):
        create_app({**PRODUCTION, "SECRET_KEY": "changeme"})


def test_production_starts_with_a_real_key_and_development_without_one():
    key = "4c3b2a19f8e7d6c5b4a39281706f5e4d"
    assert create_app({**PRODUCTION, "SECRET_KEY": key}).config["SECRET_KEY"] == key
    development = create_app({**PRODUCTION, "SECRET_KEY": None, "DEBUG": True})
    assert development.config["SECRET_KEY"] == config.DEVELOPMENT_SECRET_KEY


def test_flask_refuses_to_start_from_the_shell_with_the_reason(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_DEBUG")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/x.sqlite3"
    if config.SECRET_KEY_FILE.exists():
        pytest.skip("instance/secret_key exists here (make run made it); the config would read it")
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "routes"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr
    debug = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "routes"], cwd=ROOT,
                           env={**env, "FLASK_DEBUG": "1"}, capture_output=True, text=True)
    assert debug.returncode == 0, debug.stderr


def test_the_config_reads_the_environment_first_then_instance_secret_key(tmp_path, monkeypatch):
    key_file = tmp_path / "secret_key"
    monkeypatch.setattr(config, "SECRET_KEY_FILE", key_file)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert config._secret_key() is None
    key_file.write_text("from-the-file-0123456789abcdef\n")
    assert config._secret_key() == "from-the-file-0123456789abcdef"
    monkeypatch.setenv("SECRET_KEY", "from-the-environment-0123456789")
    assert config._secret_key() == "from-the-environment-0123456789"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_writes_the_secret_key_once_and_keeps_it(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    run = lambda: subprocess.run(["make", "instance/secret_key"], cwd=tmp_path,  # noqa: E731
                                 capture_output=True, text=True)
    assert run().returncode == 0
    key = (tmp_path / "instance" / "secret_key").read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0  # only its owner reads it
    assert run().returncode == 0
    assert (tmp_path / "instance" / "secret_key").read_text().strip() == key
