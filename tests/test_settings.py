"""`pipelines.settings`: every MARSAD_* variable, its default, its parsing, its errors, the README table."""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from pipelines.settings import Settings, settings_table, variables

README = Path(__file__).resolve().parents[1] / "README.md"

DEFAULTS = {
    "landing_dir": Path("samples"), "warehouse": Path("data/warehouse.duckdb"), "stage_dir": None,
    "nlp_cache": None, "cache_dir": Path.home() / ".cache" / "marsad", "stanza_dir": None, "sql_dir": None,
    "sql_timeout_seconds": 30.0, "sql_memory_limit": "2GB", "sql_threads": 2, "sql_max_rows": 10_000,
    "article_time_budget_seconds": 60.0, "max_article_bytes": 2 * 1024 * 1024,
    "max_read_bytes": 16 * 1024 * 1024, "min_file_age_seconds": 0.0, "oversize": "quarantine",
    "quarantine_dir": None, "quarantine_mode": "copy", "executor": "multiprocess", "shared_dir": None,
    "max_processes": None, "lake_data_path": None,
}

# (variable, raw value, field, parsed value)
PARSED = [
    ("MARSAD_LANDING_DIR", "in/", "landing_dir", Path("in")),
    ("MARSAD_WAREHOUSE", "/x/w.duckdb", "warehouse", Path("/x/w.duckdb")),
    ("MARSAD_WAREHOUSE", "ducklake:postgres:dbname=lake host=h", "warehouse", "ducklake:postgres:dbname=lake host=h"),
    ("MARSAD_LAKE_DATA_PATH", "/x/lake/", "lake_data_path", Path("/x/lake")),
    ("MARSAD_STAGE_DIR", "/x/stages", "stage_dir", Path("/x/stages")),
    ("MARSAD_NLP_CACHE", "~/nlp", "nlp_cache", Path.home() / "nlp"),
    ("MARSAD_CACHE_DIR", "/x/cache", "cache_dir", Path("/x/cache")),
    ("MARSAD_STANZA_DIR", " ~/stanza ", "stanza_dir", Path.home() / "stanza"),
    ("MARSAD_SQL_DIR", "/x/sql", "sql_dir", Path("/x/sql")),
    ("MARSAD_SQL_TIMEOUT_SECONDS", "2.5", "sql_timeout_seconds", 2.5),
    ("MARSAD_SQL_MEMORY_LIMIT", "512MB", "sql_memory_limit", "512MB"),
    ("MARSAD_SQL_THREADS", "1", "sql_threads", 1),
    ("MARSAD_SQL_MAX_ROWS", "7", "sql_max_rows", 7),
    ("MARSAD_ARTICLE_TIME_BUDGET_SECONDS", " 90 ", "article_time_budget_seconds", 90.0),
    ("MARSAD_ARTICLE_TIME_BUDGET_SECONDS", "0", "article_time_budget_seconds", None),
    ("MARSAD_MAX_ARTICLE_BYTES", "1234", "max_article_bytes", 1234),
    ("MARSAD_MAX_READ_BYTES", "4096", "max_read_bytes", 4096),
    ("MARSAD_MIN_FILE_AGE_SECONDS", "30", "min_file_age_seconds", 30.0),
    ("MARSAD_OVERSIZE", "split", "oversize", "split"),
    ("MARSAD_QUARANTINE_DIR", "/x/q", "quarantine_dir", Path("/x/q")),
    ("MARSAD_QUARANTINE_MODE", "move", "quarantine_mode", "move"),
    ("MARSAD_EXECUTOR", "k8s", "executor", "k8s"),
    ("MARSAD_SHARED_DIR", "/x/shared", "shared_dir", Path("/x/shared")),
    ("MARSAD_MAX_PROCESSES", "3", "max_processes", 3),
]

BAD = [
    ("MARSAD_SQL_TIMEOUT_SECONDS", "0"), ("MARSAD_SQL_TIMEOUT_SECONDS", "inf"),
    ("MARSAD_SQL_MEMORY_LIMIT", "2GB'; SET x = '1"), ("MARSAD_SQL_THREADS", "-1"),
    ("MARSAD_SQL_MAX_ROWS", "many"), ("MARSAD_ARTICLE_TIME_BUDGET_SECONDS", "abc"),
    ("MARSAD_ARTICLE_TIME_BUDGET_SECONDS", "-1"), ("MARSAD_ARTICLE_TIME_BUDGET_SECONDS", "nan"),
    ("MARSAD_MAX_ARTICLE_BYTES", "2MB"), ("MARSAD_MAX_READ_BYTES", "0"),
    ("MARSAD_MIN_FILE_AGE_SECONDS", "-5"), ("MARSAD_MIN_FILE_AGE_SECONDS", "soon"),
    ("MARSAD_OVERSIZE", "truncate"), ("MARSAD_QUARANTINE_MODE", "delete"),
    ("MARSAD_EXECUTOR", "celery"), ("MARSAD_WAREHOUSE", "ducklake:"), ("MARSAD_MAX_PROCESSES", "1.5"),
]


def test_defaults():
    assert {f.name: getattr(Settings.from_env({}), f.name) for f in fields(Settings)} == DEFAULTS
    assert Settings.from_env({}) == Settings()


def test_empty_means_default():
    assert Settings.from_env({name: "" for name in variables()}) == Settings()


@pytest.mark.parametrize("name, raw, attr, value", PARSED)
def test_each_variable_is_parsed(name, raw, attr, value):
    assert getattr(Settings.from_env({name: raw}), attr) == value


def test_every_variable_has_a_parsing_case():
    assert {name for name, *_ in PARSED} == set(variables())
    assert len(variables()) == len(set(variables()))


@pytest.mark.parametrize("name, raw", BAD)
def test_bad_values_name_the_variable(name, raw):
    with pytest.raises(ValueError, match=re.escape(f"{name}={raw!r}")):
        Settings.from_env({name: raw})


def test_reads_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("MARSAD_WAREHOUSE", "/x/w.duckdb")
    assert Settings.from_env().warehouse == Path("/x/w.duckdb")


def test_nlp_cache_defaults_beside_the_warehouse():
    assert Settings().nlp_cache_path() == Path("data/nlp_cache")
    assert Settings.from_env({"MARSAD_WAREHOUSE": "/x/w.duckdb"}).nlp_cache_path() == Path("/x/nlp_cache")
    assert Settings().nlp_cache_path("/y/w.duckdb") == Path("/y/nlp_cache")
    assert Settings.from_env({"MARSAD_NLP_CACHE": "/c"}).nlp_cache_path("/y/w.duckdb") == Path("/c")


def test_readme_table_is_the_dataclass():
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    table = "\n".join(line for line in section.splitlines() if line.startswith("|")) + "\n"
    assert table == settings_table()
    assert re.findall(r"^\| `(MARSAD_\w+)`", table, re.MULTILINE) == variables()


def test_only_settings_reads_the_environment():
    root = README.parent
    readers = [p.relative_to(root).as_posix() for d in ("pipelines", "assets") for p in sorted((root / d).rglob("*.py"))
               if re.search(r"environ|getenv", p.read_text(encoding="utf-8"))
               and re.search(r"(environ|getenv)\W*(\.get)?\(?\W*[\"']MARSAD_", p.read_text(encoding="utf-8"))]
    assert readers == []
    assert "pipelines.cli" not in (root / "pipelines" / "settings.py").read_text(encoding="utf-8")
