"""Backups: a consistent database snapshot, the evidence files, and a manifest of hashes.

A backup is a folder::

    manifest.json          what is in it: when, which version, every file's SHA-256
    database.sqlite        SQLite: a copy made with SQLite's online backup API
    database.pgdump        PostgreSQL: pg_dump's custom format
    evidence/sha256/…      every evidence file the snapshot refers to

The snapshot comes first, and the evidence files copied are the ones *the snapshot*
refers to: a file uploaded while the backup runs belongs to rows the snapshot does not
have. Evidence files are immutable and named by their hash, so copying them after the
snapshot is safe. On PostgreSQL, pg_dump runs on a snapshot exported from a
repeatable-read transaction, and the row counts and the list of files are read in that
same transaction.

Restoring refuses a backup any of whose files has changed, refuses a target that is
not empty (unless forced), and checks every hash and row count again afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from inspect_app.domain.evidence_store import DIR_MODE, FILE_MODE, EvidenceStore
from inspect_app.domain.store_scan import scan
from inspect_app.services import audit

MANIFEST = "manifest.json"
FORMAT = "jar-workbench-backup"
FORMAT_VERSION = 1
SQLITE_DUMP = "database.sqlite"
POSTGRES_DUMP = "database.pgdump"
EVIDENCE = "evidence"
_CHUNK = 1024 * 1024
_LISTED = 20  # problems listed in one error message; the rest are counted
_SHA256 = re.compile(r"[0-9a-f]{64}")
RESTORE_LOCK_TIMEOUT_MS = 30_000


class BackupError(RuntimeError):
    """A backup cannot be made, or restored, with the reason (naming the file)."""


@dataclass
class Manifest:
    data: dict[str, Any]

    @property
    def dialect(self) -> str:
        return self.data["database"]["dialect"]

    @property
    def dump_name(self) -> str:
        return self.data["database"]["file"]

    @property
    def tables(self) -> dict[str, int]:
        return self.data["tables"]

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        """Every file of the backup but the manifest: relative path -> sha256 and size."""
        return {
            self.dump_name: {
                "sha256": self.data["database"]["sha256"],
                "size": self.data["database"]["size"],
            },
            **self.data["files"],
        }

    @property
    def evidence_files(self) -> dict[str, dict[str, Any]]:
        return self.data["files"]


@dataclass
class BackupResult:
    directory: Path
    manifest: Manifest
    missing: list[str] = field(default_factory=list)  # files the snapshot needs but lacks


@dataclass
class RestoreResult:
    manifest: Manifest
    files_restored: int
    tables_checked: int


# --------------------------------------------------------------------------- helpers


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_hashing(source: Path, target: Path, mode: int) -> tuple[str, int]:
    """Copy a file through a temporary name beside the target; returns (sha256, size)."""
    target.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".copy-", dir=target.parent)
    temp = Path(name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return digest.hexdigest(), size


def _app_version() -> str:
    try:
        return metadata.version("jar-workbench")
    except metadata.PackageNotFoundError:
        return "unknown"


def _listed(problems: list[str]) -> str:
    shown = "\n".join(f"  {p}" for p in problems[:_LISTED])
    if len(problems) > _LISTED:
        shown += f"\n  … and {len(problems) - _LISTED} more"
    return shown


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Only a SQLite database in a file can be backed up or restored")
    return Path(database)


# --------------------------------------------------------------------------- PostgreSQL tools


def find_pg_tool(name: str, bin_dir: str | None = None) -> Path:
    """pg_dump or pg_restore: from ``bin_dir``, else the newest /usr/lib/postgresql/*/bin,
    else the PATH (as .ci/run finds the server's binaries)."""
    candidates: list[Path] = []
    if bin_dir:
        candidates.append(Path(bin_dir) / name)
    else:
        versions = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parent.name.split(".")],
            reverse=True,
        )
        candidates += [v / name for v in versions]
        found = shutil.which(name)
        if found:
            candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    where = f"in {bin_dir}" if bin_dir else "in /usr/lib/postgresql/*/bin or on the PATH"
    raise BackupError(
        f"{name} was not found {where}. Install the PostgreSQL client tools "
        "(Debian: apt-get install postgresql-client) or set INSPECT_PG_BIN_DIR."
    )


def _pg_invocation(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return conninfo, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        completed = subprocess.run(  # noqa: S603 — fixed arguments, no shell
            command, env=env, capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise BackupError(f"{what} could not be run: {error}") from None
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip()
        raise BackupError(f"{what} failed (exit status {completed.returncode}):\n{detail}")


# --------------------------------------------------------------------------- reading a snapshot


def _counts_and_blobs(conn: Connection | sqlite3.Connection, tables: list[str]) -> tuple:
    counts: dict[str, int] = {}
    for table in tables:
        sql = f"SELECT count(*) FROM {_quote(table)}"  # noqa: S608 — names from the catalogue
        counts[table] = int(_scalar(conn, sql))
    revision = None
    if "alembic_version" in tables:
        revision = _scalar(conn, "SELECT version_num FROM alembic_version")
    blobs: list[str] = []
    if "evidence_blob" in tables:
        blobs = [row[0] for row in _rows(conn, "SELECT sha256 FROM evidence_blob ORDER BY 1")]
    return counts, revision, blobs


def _rows(conn: Connection | sqlite3.Connection, sql: str) -> list:
    if isinstance(conn, sqlite3.Connection):
        return conn.execute(sql).fetchall()
    return list(conn.execute(text(sql)))


def _scalar(conn: Connection | sqlite3.Connection, sql: str) -> Any:
    rows = _rows(conn, sql)
    return rows[0][0] if rows else None


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]


def _postgres_tables(conn: Connection) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        )
    ]


# --------------------------------------------------------------------------- creating


def create_backup(
    engine: Engine, store: EvidenceStore, directory: Path, *, pg_bin_dir: str | None = None
) -> BackupResult:
    """Write a backup of the database and the evidence files it refers to into ``directory``.

    ``directory`` must not exist or be empty. The manifest is written last: a folder
    without one is not a backup.
    """
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"{directory} is not an empty folder: choose a new one for the backup")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)  # it holds restricted evidence

    dialect = engine.dialect.name
    if dialect == "sqlite":
        dump_name, (counts, revision, blobs) = SQLITE_DUMP, _snapshot_sqlite(engine, directory)
    elif dialect == "postgresql":
        dump = _snapshot_postgres(engine, directory, pg_bin_dir)
        dump_name, (counts, revision, blobs) = POSTGRES_DUMP, dump
    else:
        raise BackupError(f"Backups of {dialect} databases are not supported")
    dump_path = directory / dump_name
    os.chmod(dump_path, 0o600)

    files: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    for sha in blobs:
        source = store.path_for(sha)
        relative = source.relative_to(store.root).as_posix()
        try:
            digest, size = _copy_hashing(source, directory / EVIDENCE / relative, 0o600)
        except FileNotFoundError:
            missing.append(relative)
            continue
        if digest != sha:
            (directory / EVIDENCE / relative).unlink()
            missing.append(f"{relative} (its content no longer matches its name)")
            continue
        files[f"{EVIDENCE}/{relative}"] = {"sha256": digest, "size": size}

    manifest = Manifest(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "app_version": _app_version(),
            "alembic_revision": revision,
            "database": {
                "dialect": dialect,
                "file": dump_name,
                "sha256": sha256_of(dump_path),
                "size": dump_path.stat().st_size,
            },
            "tables": counts,
            "files": files,
            "missing_files": missing,
        }
    )
    temp = directory / f".{MANIFEST}.part"
    temp.write_text(json.dumps(manifest.data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.chmod(temp, 0o600)
    os.replace(temp, directory / MANIFEST)

    with Session(engine) as session:
        audit.record(
            session,
            action="backup.created",
            actor=None,
            summary=f"Backed up the database ({sum(counts.values()):,} rows) and "
            f"{len(files):,} evidence files to {directory}"
            + (f"; {len(missing)} evidence files were missing" if missing else ""),
            after={"directory": str(directory), "files": len(files), "missing": missing[:50]},
        )
        session.commit()
    return BackupResult(directory, manifest, missing)


def _snapshot_sqlite(engine: Engine, directory: Path) -> tuple:
    source_path = _sqlite_path(engine)
    if not source_path.is_file():
        raise BackupError(f"The database file {source_path} does not exist")
    target = directory / SQLITE_DUMP
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(target)
    try:
        source.execute("PRAGMA busy_timeout = 5000")
        source.backup(copy)  # one step: a consistent snapshot, writers wait meanwhile
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        return _counts_and_blobs(copy, _sqlite_tables(copy))
    finally:
        copy.close()
        source.close()


def _snapshot_postgres(engine: Engine, directory: Path, pg_bin_dir: str | None) -> tuple:
    pg_dump = find_pg_tool("pg_dump", pg_bin_dir)
    conninfo, env = _pg_invocation(engine.url)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            found = _counts_and_blobs(conn, _postgres_tables(conn))
            _run(
                [
                    str(pg_dump),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={directory / POSTGRES_DUMP}",
                    f"--dbname={conninfo}",
                ],
                env,
                "pg_dump",
            )
    return found


# --------------------------------------------------------------------------- verifying


def read_manifest(directory: Path) -> Manifest:
    path = Path(directory) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path} is missing: {directory} is not a complete backup") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} cannot be read: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path} is not a JAR Workbench backup manifest")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} has format version {data.get('format_version')!r}; "
            f"this version of JAR Workbench reads version {FORMAT_VERSION}"
        )
    try:
        manifest = Manifest(data)
        _ = manifest.dialect, manifest.tables, manifest.files
    except (KeyError, TypeError):
        raise BackupError(f"{path} is incomplete: it lacks the database or file list") from None
    return manifest


def _backup_files(directory: Path) -> Iterator[str]:
    for path in sorted(directory.rglob("*")):
        if path.is_file() or path.is_symlink():
            yield path.relative_to(directory).as_posix()


def verify_backup(directory: Path) -> Manifest:
    """Check every file of a backup against its manifest; raise naming every bad file."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    expected = manifest.files
    problems: list[str] = []
    for relative, entry in sorted(expected.items()):
        path = directory / relative
        sha = entry.get("sha256") if isinstance(entry, dict) else None
        if ".." in Path(relative).parts or Path(relative).is_absolute():
            problems.append(f"{relative}: not a path inside the backup")
        elif not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            problems.append(f"{relative}: the manifest gives no valid SHA-256 for it")
        elif not path.is_file() or path.is_symlink():
            problems.append(f"{relative}: missing from the backup")
        elif path.stat().st_size != entry.get("size") or sha256_of(path) != sha:
            problems.append(f"{relative}: does not match its SHA-256 in the manifest")
    for relative in _backup_files(directory):
        if relative != MANIFEST and relative not in expected:
            problems.append(f"{relative}: not listed in the manifest")
    if problems:
        raise BackupError(
            f"The backup in {directory} has been changed or damaged, so nothing was "
            f"restored:\n{_listed(problems)}"
        )
    return manifest


# --------------------------------------------------------------------------- restoring


_FTS5_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config")


def _bookkeeping_tables(conn: Connection) -> set[str]:
    """Tables that hold rows in a database with no data: the migration record, and on
    SQLite the shadow tables behind full-text indexes."""
    names = {"alembic_version"}
    if conn.dialect.name == "sqlite":
        virtual = conn.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
            )
        )
        names |= {f"{row[0]}{suffix}" for row in virtual for suffix in _FTS5_SHADOWS}
    return names


def target_contents(engine: Engine, store: EvidenceStore) -> tuple[dict[str, int], int]:
    """Rows in each non-empty table (bookkeeping aside) and files in the store."""
    rows: dict[str, int] = {}
    with engine.connect() as conn:
        bookkeeping = _bookkeeping_tables(conn)
        for table in inspect(conn).get_table_names():
            if table in bookkeeping or table.startswith("sqlite_"):
                continue
            sql = f"SELECT count(*) FROM {_quote(table)}"  # noqa: S608 — catalogue names
            count = int(conn.execute(text(sql)).scalar_one())
            if count:
                rows[table] = count
    files = sum(1 for _ in scan(store))
    return rows, files


def restore_backup(
    engine: Engine,
    store: EvidenceStore,
    directory: Path,
    *,
    force: bool = False,
    pg_bin_dir: str | None = None,
) -> RestoreResult:
    """Restore a verified backup into this (empty, unless ``force``) database and store."""
    directory = Path(directory)
    manifest = verify_backup(directory)
    dialect = engine.dialect.name
    if manifest.dialect != dialect:
        raise BackupError(
            f"This is a backup of a {manifest.dialect} database; the target database is "
            f"{dialect}. Restore it into a {manifest.dialect} database."
        )
    rows, files = target_contents(engine, store)
    if (rows or files) and not force:
        held = []
        if rows:
            held.append(f"the database has {sum(rows.values()):,} rows in {len(rows)} tables")
        if files:
            held.append(f"the evidence store holds {files:,} files")
        raise BackupError(
            f"The target is not empty: {' and '.join(held)}. Nothing was restored. "
            "Restore into an empty database and evidence folder, or use --force to replace "
            "the database and add the backup's files to the store."
        )

    engine.dispose()
    dump = directory / manifest.dump_name
    if dialect == "sqlite":
        _restore_sqlite(engine, dump)
    else:
        _restore_postgres(engine, dump, pg_bin_dir)
    engine.dispose()

    restored = _restore_files(store, directory, manifest)
    _check_restored(engine, store, manifest)

    with Session(engine) as session:
        audit.record(
            session,
            action="backup.restored",
            actor=None,
            summary=f"Restored the backup made at {manifest.data['created_at']} from "
            f"{directory} ({len(manifest.evidence_files):,} evidence files)",
            after={
                "directory": str(directory),
                "created_at": manifest.data["created_at"],
                "alembic_revision": manifest.data.get("alembic_revision"),
                "forced": force,
            },
        )
        session.commit()
    return RestoreResult(manifest, restored, len(manifest.tables))


def _restore_sqlite(engine: Engine, dump: Path) -> None:
    target_path = _sqlite_path(engine)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        target.execute("PRAGMA busy_timeout = 5000")
        source.backup(target)  # replaces the whole target database in one transaction
        target.execute("PRAGMA journal_mode = WAL")
    finally:
        target.close()
        source.close()


def _restore_postgres(engine: Engine, dump: Path, pg_bin_dir: str | None) -> None:
    pg_restore = find_pg_tool("pg_restore", pg_bin_dir)
    conninfo, env = _pg_invocation(engine.url)
    # A database still in use (a worker holding a transaction) fails the restore, not hangs it.
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c lock_timeout={RESTORE_LOCK_TIMEOUT_MS}"
    _run(
        [
            str(pg_restore),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo}",
            str(dump),
        ],
        env,
        "pg_restore",
    )


def _restore_files(store: EvidenceStore, directory: Path, manifest: Manifest) -> int:
    restored = 0
    for relative, entry in sorted(manifest.evidence_files.items()):
        sha = entry["sha256"]
        target = store.path_for(sha)
        if target.is_file() and sha256_of(target) == sha:
            continue
        digest, _ = _copy_hashing(directory / relative, target, FILE_MODE)
        if digest != sha:
            raise BackupError(f"{relative} changed while it was being restored")
        restored += 1
    return restored


def _check_restored(engine: Engine, store: EvidenceStore, manifest: Manifest) -> None:
    problems: list[str] = []
    for relative, entry in sorted(manifest.evidence_files.items()):
        target = store.path_for(entry["sha256"])
        if not target.is_file():
            problems.append(f"{relative}: not in the evidence store after restoring")
        elif sha256_of(target) != entry["sha256"]:
            problems.append(f"{relative}: its restored copy does not match the manifest")
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        for table, expected in sorted(manifest.tables.items()):
            if table not in present:
                problems.append(f"table {table}: missing after restoring")
                continue
            sql = f"SELECT count(*) FROM {_quote(table)}"  # noqa: S608 — names from the manifest
            actual = int(conn.execute(text(sql)).scalar_one())
            if actual != expected:
                problems.append(f"table {table}: {actual:,} rows, the backup has {expected:,}")
        revision = None
        if "alembic_version" in present:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if revision != manifest.data.get("alembic_revision"):
        problems.append(
            f"migration revision {revision!r}, the backup has "
            f"{manifest.data.get('alembic_revision')!r}"
        )
    if problems:
        raise BackupError(f"The restored data does not match the backup:\n{_listed(problems)}")
