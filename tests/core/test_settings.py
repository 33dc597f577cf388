import os
import subprocess
import sys


def _import_settings(env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEPPE_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import steppe.settings"], env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_settings({"STEPPE_DEBUG": "0"})
    assert result.returncode != 0
    assert "STEPPE_SECRET_KEY" in result.stderr


def test_production_starts_with_a_secret_key(tmp_path):
    result = _import_settings({"STEPPE_DEBUG": "0", "STEPPE_SECRET_KEY": "x" * 50, "STEPPE_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr


def test_a_malformed_boolean_is_named():
    result = _import_settings({"STEPPE_DEBUG": "maybe"})
    assert "STEPPE_DEBUG" in result.stderr


def test_an_operator_command_runs_without_a_secret_key_but_a_server_does_not(tmp_path):
    ok = _import_settings({"STEPPE_DEBUG": "0", "STEPPE_CLI_COMMAND": "match", "STEPPE_VAR_DIR": str(tmp_path)})
    assert ok.returncode == 0, ok.stderr
    refused = _import_settings({"STEPPE_DEBUG": "0", "STEPPE_CLI_COMMAND": "runserver", "STEPPE_VAR_DIR": str(tmp_path)})
    assert refused.returncode != 0 and "STEPPE_SECRET_KEY" in refused.stderr
