"""Backups and their restore: a PostgreSQL dump, a manifest of the media files, a meta file.

A backup is one folder (or S3 prefix) named `boomer-<UTC time>` holding

    database.dump        `pg_dump -Fc` of the whole database
    media-manifest.json  every file a FileField names: storage name, size, sha256
    meta.json            when, which database, the migration leaf nodes, BOOMER's git version,
                         the dump's size and sha256

The dump and the manifest come from one exported snapshot, so the manifest lists exactly the
files the dumped rows point at. Media files themselves are not copied: S3 keeps them
(versioning, replication); `backup_restore(media_from=…)` puts back what a copy holds.

The PostgreSQL tools are the embedded server's (pgserver's PostgreSQL 16) unless PG_DUMP /
PG_RESTORE (a setting or the environment) name others. The ground layer knows no domain model:
the file fields are found through Django's app registry.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.util import find_spec
from pathlib import Path
from typing import TextIO

import psycopg
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connections, models
from django.db.migrations.loader import MigrationLoader
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from boomer_site.progress import Progress

log = logging.getLogger(__name__)

DUMP, MANIFEST, META = "database.dump", "media-manifest.json", "meta.json"
NAME_PREFIX = "boomer-"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
PARTIAL = ".partial"
FORMAT_VERSION = 1
# libpq keywords that may sit in DATABASES[...]["OPTIONS"] and matter to pg_dump / pg_restore.
LIBPQ_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "connect_timeout", "options",
                 "application_name", "target_session_attrs", "passfile", "service", "gssencmode", "channel_binding")


class BackupError(Exception):
    """A backup or restore that could not be done; the message is one line for the operator."""


@dataclass
class BackupResult:
    location: str
    name: str
    database: str
    dump_bytes: int
    media_files: int
    media_missing: list[str]
    pruned: list[str]


@dataclass
class MediaCheck:
    ok: int = 0
    restored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    differ: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    source: str
    database: str
    created_at: str
    tables: int
    rows: dict[str, int]
    media: MediaCheck
    warnings: list[str]


# --- settings ------------------------------------------------------------------------------

def backup_dir_default() -> str:
    """BOOMER_BACKUP_DIR (a folder or s3://bucket/prefix; default var/backups). Empty = the
    beat job is off (e.g. Kubernetes, where a CronJob makes the backups)."""
    return str(settings.BOOMER_BACKUP_DIR)


def backup_keep_days_default() -> int:
    return int(settings.BOOMER_BACKUP_KEEP_DAYS)


def pg_binary(tool: str) -> str:
    """`pg_dump` / `pg_restore`: the PG_DUMP / PG_RESTORE setting or environment variable, else
    the embedded server's binary, else the one on PATH."""
    configured = getattr(settings, tool.upper())  # settings.PG_DUMP / settings.PG_RESTORE
    if configured:
        return str(configured)
    spec = find_spec("pgserver")  # located, not imported: only its binaries are wanted
    if spec is not None and spec.origin:
        candidate = Path(spec.origin).parent / "pginstall" / "bin" / tool
        if candidate.exists():
            return str(candidate)
    return shutil.which(tool) or tool


# --- connections -----------------------------------------------------------------------------

def connection_params(*, using: str = "default", url: str | None = None) -> dict[str, str]:
    """libpq keywords (host, port, user, password, dbname, ssl…) of a PostgreSQL URL, or of the
    Django database `using` as it is configured now (a Unix socket folder as host for the
    embedded server)."""
    if url:
        try:
            params = conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise BackupError(f"not a PostgreSQL URL: {_one_line(str(exc))}")
    else:
        db = connections[using].settings_dict
        params = {"dbname": db["NAME"], "user": db.get("USER"), "password": db.get("PASSWORD"),
                  "host": db.get("HOST"), "port": db.get("PORT")}
        params.update({key: value for key, value in (db.get("OPTIONS") or {}).items() if key in LIBPQ_OPTIONS})
    params = {key: str(value) for key, value in params.items() if value not in (None, "")}
    if not params.get("dbname"):
        raise BackupError("no database name given")
    return params


@contextmanager
def _connect(params: dict[str, str]) -> Iterator[psycopg.Connection]:
    try:
        conn = psycopg.connect(**params, autocommit=True)
    except psycopg.Error as exc:
        raise BackupError(f"cannot connect to database {params['dbname']}: {_one_line(str(exc))}")
    try:
        yield conn
    finally:
        conn.close()


def _pg_run(tool: str, args: list[str], params: dict[str, str]) -> None:
    """Run a PostgreSQL client tool against `params`; the password goes by PGPASSWORD, never argv."""
    binary = pg_binary(tool)
    env = dict(os.environ)
    if params.get("password"):
        env["PGPASSWORD"] = params["password"]
    conninfo = make_conninfo(**{key: value for key, value in params.items() if key != "password"})
    try:
        proc = subprocess.run([binary, *args, f"--dbname={conninfo}"], env=env, capture_output=True, text=True)
    except OSError as exc:
        raise BackupError(f"{tool} could not be run ({binary}: {exc.strerror}); set {tool.upper()} to its path")
    if proc.returncode != 0:
        raise BackupError(f"{tool} failed (exit {proc.returncode}): {_tool_error(proc.stderr) or 'no message'}")


def _tool_error(stderr: str) -> str:
    """A client tool's errors as one line: its error lines in full, a detail (the SQL) shortened."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "detail:" not in line and "hint:" not in line] or lines
    details = [line for line in lines if "detail:" in line][:1]
    message = _one_line("\n".join(errors + [detail[:160] + ("…" if len(detail) > 160 else "") for detail in details]))
    if "statement timeout" in stderr and "LOCK TABLE" in stderr:
        message = "a table stayed locked longer than the lock wait timeout: " + message
    return message


def _one_line(text: str, limit: int = 500) -> str:
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    line = "; ".join(line for line in lines if line)
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --- where backups live ------------------------------------------------------------------------

def _stamp_of(name: str) -> datetime | None:
    if not name.startswith(NAME_PREFIX):
        return None
    try:
        return datetime.strptime(name.removeprefix(NAME_PREFIX).removesuffix(PARTIAL), STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


class LocalStore:
    """Backups as folders under `root`; one is written as `<name>.partial`, then renamed."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def location(self, name: str) -> str:
        return str(self.root / name)

    def workdir(self, name: str) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / (name + PARTIAL)
        path.mkdir()
        return path

    def publish(self, name: str, workdir: Path) -> str:
        final = self.root / name
        if final.exists():
            raise BackupError(f"a backup named {final} exists already")
        workdir.rename(final)
        return str(final)

    def discard(self, workdir: Path) -> None:
        shutil.rmtree(workdir, ignore_errors=True)

    def names(self) -> list[str]:
        """Every backup folder here, finished or not, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(path.name for path in self.root.iterdir() if path.is_dir() and _stamp_of(path.name))

    def complete(self, name: str) -> bool:
        return (self.root / name / META).is_file()

    def delete(self, name: str) -> None:
        shutil.rmtree(self.root / name)

    @contextmanager
    def fetched(self, name: str) -> Iterator[Path]:
        yield self.root / name


class S3Store:
    """Backups under s3://bucket/prefix/<name>/ through boto3 with django-storages' AWS_*
    settings (or boto3's own environment). meta.json is uploaded last: a backup without it is
    unfinished."""

    def __init__(self, url: str):
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        if not bucket:
            raise BackupError(f"no bucket in {url!r} (expected s3://bucket/prefix)")
        self.bucket, self.prefix = bucket, prefix.strip("/")
        import boto3  # imported here: only S3 backups need it

        def setting(name):
            return getattr(settings, name, None) or os.environ.get(name) or None

        self.client = boto3.client(
            "s3", endpoint_url=setting("AWS_S3_ENDPOINT_URL"), region_name=setting("AWS_S3_REGION_NAME"),
            aws_access_key_id=setting("AWS_S3_ACCESS_KEY_ID") or setting("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=setting("AWS_S3_SECRET_ACCESS_KEY") or setting("AWS_SECRET_ACCESS_KEY"),
        )

    def _key(self, *parts: str) -> str:
        return "/".join(part for part in (self.prefix, *parts) if part)

    def location(self, name: str) -> str:
        return f"s3://{self.bucket}/{self._key(name)}"

    def workdir(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-"))

    def publish(self, name: str, workdir: Path) -> str:
        for filename in (DUMP, MANIFEST, META):
            self.client.upload_file(str(workdir / filename), self.bucket, self._key(name, filename))
        shutil.rmtree(workdir, ignore_errors=True)
        return self.location(name)

    def discard(self, workdir: Path) -> None:
        shutil.rmtree(workdir, ignore_errors=True)

    def names(self) -> list[str]:
        root = self._key() + "/" if self.prefix else ""
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=root, Delimiter="/"):
            for common in page.get("CommonPrefixes", []):
                name = common["Prefix"][len(root):].strip("/")
                if _stamp_of(name):
                    found.append(name)
        return sorted(found)

    def complete(self, name: str) -> bool:
        from botocore.exceptions import ClientError  # imported here as boto3 is: only S3 backups need it

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(name, META))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, name: str) -> None:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._key(name) + "/"):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})

    @contextmanager
    def fetched(self, name: str) -> Iterator[Path]:
        folder = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        try:
            for filename in (DUMP, MANIFEST, META):
                self.client.download_file(self.bucket, self._key(name, filename), str(folder / filename))
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def backup_store(target: str | Path) -> LocalStore | S3Store:
    """The store of a backup root: s3://bucket/prefix or a folder."""
    target = str(target)
    return S3Store(target) if target.startswith("s3://") else LocalStore(target)


def _backup_open(backup: str | Path) -> tuple[LocalStore | S3Store, str]:
    """(store, name) of one backup: a backup folder / prefix itself, or a root (its newest finished backup)."""
    backup = str(backup).rstrip("/")
    parent, _, last = backup.rpartition("/")
    if backup.startswith("s3://"):
        if parent != "s3:/" and last and S3Store(parent).complete(last):
            return S3Store(parent), last
    else:
        path = Path(backup)
        if (path / META).is_file():
            return LocalStore(path.parent), path.name
    store = backup_store(backup)
    finished = [name for name in store.names() if not name.endswith(PARTIAL) and store.complete(name)]
    if not finished:
        raise BackupError(f"no backup at {backup}")
    return store, finished[-1]


# --- media -------------------------------------------------------------------------------------

def _file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every FileField (ImageField included) of every installed model, each table's own columns once."""
    return [(model, fld) for model in apps.get_models() if not model._meta.proxy
            for fld in model._meta.local_concrete_fields if isinstance(fld, models.FileField)]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _digest(handle) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        sha.update(chunk)
        size += len(chunk)
    return sha.hexdigest(), size


def _stored_digest(storage, name: str) -> tuple[str, int] | None:
    """(sha256, size) of a file as the storage holds it, None when it is not there."""
    try:
        with storage.open(name, "rb") as handle:
            return _digest(handle)
    except FileNotFoundError:
        return None


def _file_digest(path: Path) -> tuple[str, int]:
    with open(path, "rb") as handle:
        return _digest(handle)


def media_manifest(*, cursor=None, using: str = "default") -> dict:
    """Every media file the database's rows name (read through `cursor`, by default Django's
    connection `using`), with the sha256 and size the storage holds now; a named file the
    storage lacks is listed with `"missing": true`."""
    if cursor is None:
        with connections[using].cursor() as own:
            return media_manifest(cursor=own)
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    tables = {row[0] for row in cursor.fetchall()}
    files = []
    for model, fld in _file_fields():
        if model._meta.db_table not in tables:
            continue
        column = _quote(fld.column)
        cursor.execute(f"SELECT DISTINCT {column} FROM {_quote(model._meta.db_table)} "
                       f"WHERE {column} IS NOT NULL AND {column} <> '' ORDER BY 1")
        for (name,) in cursor.fetchall():
            found = _stored_digest(fld.storage, name)
            entry = {"name": name, "field": f"{model._meta.label}.{fld.name}"}
            entry.update({"sha256": found[0], "size": found[1]} if found else {"sha256": None, "size": None, "missing": True})
            files.append(entry)
    return {"format": FORMAT_VERSION, "files": files}


def _field_storage(label: str):
    """The storage of a manifest entry's field ("app.Model.field"), the default one if the field is gone."""
    app_model, _, field_name = label.rpartition(".")
    try:
        return apps.get_model(app_model)._meta.get_field(field_name).storage
    except (LookupError, ValueError, FieldDoesNotExist):
        return default_storage


def media_check(manifest: dict, *, media_from: str | Path | None = None) -> MediaCheck:
    """Compare the manifest with the media storage; a file that is missing or differs is put
    back from `media_from` (a copy of the media root) when the copy there has the right sha256."""
    source = Path(media_from).resolve() if media_from else None
    check = MediaCheck()
    for entry in manifest.get("files", []):
        name, wanted = entry["name"], entry.get("sha256")
        storage = _field_storage(entry["field"])
        found = _stored_digest(storage, name)
        if found is not None and found[0] == wanted:
            check.ok += 1
            continue
        copy = (source / name).resolve() if source else None
        if (copy is not None and wanted and copy.is_relative_to(source) and copy.is_file()
                and _file_digest(copy)[0] == wanted):
            if found is not None:
                storage.delete(name)
            with open(copy, "rb") as handle:
                saved = storage.save(name, File(handle))
            if saved == name:
                check.restored.append(name)
                continue
            storage.delete(saved)
        (check.missing if found is None else check.differ).append(name)
    return check


# --- backup ------------------------------------------------------------------------------------

def _migration_leaves() -> list[str]:
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return sorted(f"{app}.{name}" for app, name in graph.leaf_nodes())


def _git_version() -> str | None:
    try:
        proc = subprocess.run(["git", "describe", "--always", "--dirty", "--tags"], cwd=settings.BASE_DIR,
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.strip() or None


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


class _LogStream:
    """Progress lines into the log (a beat job has no terminal)."""

    def write(self, line: str) -> None:
        if line.strip():
            log.info(line.rstrip())


def backup_create(*, to: str | Path | None = None, keep_days: int | None = None, stream: TextIO | None = None,
                  using: str = "default", lock_wait_timeout: float = 600) -> BackupResult:
    """Dump database `using` and list its media files into a new backup under `to` (a folder or
    s3://bucket/prefix; default BOOMER_BACKUP_DIR), then, when `keep_days`, delete backups
    older than that. pg_dump waits at most `lock_wait_timeout` seconds for a table's lock."""
    target = str(to or backup_dir_default() or Path(settings.VAR_DIR) / "backups")
    store = backup_store(target)
    params = connection_params(using=using)
    started = datetime.now(UTC)
    name = NAME_PREFIX + started.strftime(STAMP_FORMAT)
    phases = 4 + (1 if keep_days else 0)
    with Progress(stream=stream or _LogStream(), total=phases, unit="phase", desc="backup") as progress:
        workdir = store.workdir(name)
        try:
            with _connect(params) as conn, conn.cursor() as cursor:
                # One snapshot for pg_dump and the manifest: the files listed are those the dumped rows name.
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
                snapshot, server_version = cursor.fetchone()
                clock = time.monotonic()
                _pg_run("pg_dump", ["--format=custom", f"--snapshot={snapshot}", f"--file={workdir / DUMP}",
                                    f"--lock-wait-timeout={max(1, int(lock_wait_timeout * 1000))}"], params)
                dump_sha, dump_size = _file_digest(workdir / DUMP)
                progress.advance(1, f"backup: database {params['dbname']} dumped ({_size(dump_size)}) "
                                    f"in {time.monotonic() - clock:.1f}s")
                clock = time.monotonic()
                manifest = media_manifest(cursor=cursor)
                cursor.execute("ROLLBACK")
            files = manifest["files"]
            missing = [entry["name"] for entry in files if entry.get("missing")]
            media_bytes = sum(entry["size"] or 0 for entry in files)
            progress.advance(1, f"backup: media manifest of {len(files)} file(s) ({_size(media_bytes)}), "
                                f"{len(missing)} already missing, in {time.monotonic() - clock:.1f}s")
            meta = {
                "format": FORMAT_VERSION, "name": name, "created_at": started.isoformat(),
                "database": params["dbname"], "server_version": server_version,
                "migrations": _migration_leaves(), "boomer_version": _git_version(),
                "dump": {"file": DUMP, "sha256": dump_sha, "size": dump_size},
                "media": {"file": MANIFEST, "files": len(files), "bytes": media_bytes, "missing": len(missing)},
            }
            (workdir / MANIFEST).write_text(json.dumps(manifest, indent=1))
            (workdir / META).write_text(json.dumps(meta, indent=1))
            progress.advance(1, f"backup: meta written (version {meta['boomer_version'] or 'unknown'}, "
                                f"{len(meta['migrations'])} migration leaves)")
            location = store.publish(name, workdir)
            progress.advance(1, f"backup: stored at {location}")
        except BaseException:
            store.discard(workdir)
            raise
        pruned = []
        if keep_days:
            pruned = backup_prune(to=target, keep_days=keep_days, now=started)
            progress.advance(1, f"backup: {len(pruned)} backup(s) older than {keep_days} days deleted")
    return BackupResult(location=location, name=name, database=params["dbname"], dump_bytes=dump_size,
                        media_files=len(files), media_missing=missing, pruned=pruned)


def backup_prune(*, to: str | Path | None = None, keep_days: int, now: datetime | None = None) -> list[str]:
    """Delete backups under `to` whose time is more than `keep_days` ago — never the newest
    finished one, so a stopped schedule cannot end with no backup at all. Returns their names."""
    if keep_days < 1:
        raise BackupError("keep_days must be at least 1")
    store = backup_store(str(to or backup_dir_default() or Path(settings.VAR_DIR) / "backups"))
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    names = store.names()
    finished = [name for name in names if not name.endswith(PARTIAL) and store.complete(name)]
    newest = finished[-1] if finished else None
    pruned = []
    for name in names:
        if name != newest and _stamp_of(name) < cutoff:
            store.delete(name)
            pruned.append(name)
    return pruned


# --- restore -----------------------------------------------------------------------------------

def _user_tables(conn: psycopg.Connection) -> list[str]:
    """Tables outside PostgreSQL's own schemas that no extension owns."""
    rows = conn.execute(
        "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%' "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') ORDER BY 1").fetchall()
    return [row[0] for row in rows]


def _main_models() -> list[type[models.Model]]:
    """The models whose rows a restore reports: BOOMER's own apps' and the user model."""
    base = Path(settings.BASE_DIR).resolve()
    own = [model for config in apps.get_app_configs()
           if Path(config.path).resolve().is_relative_to(base) and "site-packages" not in Path(config.path).parts
           for model in config.get_models() if not model._meta.proxy]
    return [get_user_model(), *own]


def _migration_warnings(meta: dict) -> list[str]:
    backup, code = set(meta.get("migrations") or []), set(_migration_leaves())
    warnings = []
    if code - backup:
        warnings.append(f"this code has migrations the backup lacks ({', '.join(sorted(code - backup))}): "
                        "run `manage.py migrate` against the restored database")
    if backup - code:
        warnings.append(f"the backup has migrations this code lacks ({', '.join(sorted(backup - code))}): "
                        f"deploy BOOMER {meta.get('boomer_version') or '(version unknown)'} or later")
    return warnings


def backup_restore(backup: str | Path, *, database_url: str | None = None, media_from: str | Path | None = None,
                   force: bool = False, media_only: bool = False, stream: TextIO | None = None,
                   using: str = "default") -> RestoreReport:
    """Restore `backup` (a backup folder / S3 prefix, or a root: its newest) into the database of
    `database_url` (default: Django's `using`), which must have no tables unless `force` (then
    the backup's objects replace theirs). Then check the manifest against the media storage,
    putting back from `media_from` what is missing or differs. `media_only`: the media part alone."""
    params = connection_params(using=using, url=database_url)
    store, name = _backup_open(backup)
    tables, rows = [], {}
    with Progress(stream=stream or _LogStream(), total=2 if media_only else 4, unit="phase", desc="restore") as progress, \
            store.fetched(name) as folder:
        meta = json.loads((folder / META).read_text())
        manifest = json.loads((folder / MANIFEST).read_text())
        if not media_only and _file_digest(folder / DUMP)[0] != meta["dump"]["sha256"]:
            raise BackupError(f"{DUMP} of {store.location(name)} does not match its sha256 in {META}: the backup is damaged")
        progress.advance(1, f"restore: backup {name} of database {meta['database']} ({meta['created_at']}) checked")
        if not media_only:
            tables, rows = _database_restore(folder / DUMP, params, force=force, progress=progress)
        media = media_check(manifest, media_from=media_from)
        progress.advance(1, f"restore: media checked: {media.ok} as backed up, {len(media.restored)} put back, "
                            f"{len(media.missing)} missing, {len(media.differ)} differ")
    return RestoreReport(source=store.location(name), database="" if media_only else params["dbname"],
                         created_at=meta["created_at"], tables=len(tables), rows=rows, media=media,
                         warnings=[] if media_only else _migration_warnings(meta))


def _database_restore(dump: Path, params: dict[str, str], *, force: bool, progress: Progress) -> tuple[list[str], dict[str, int]]:
    """pg_restore `dump` into an empty database (or, with `force`, over its objects); its tables and main row counts."""
    with _connect(params) as conn:
        existing = _user_tables(conn)
    if existing and not force:
        raise BackupError(f"database {params['dbname']} is not empty ({len(existing)} tables, e.g. {existing[0]}): "
                          "restore into an empty database, or pass --force to replace its objects")
    clock = time.monotonic()
    _pg_run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                           *(["--clean", "--if-exists"] if existing else []), str(dump)], params)
    progress.advance(1, f"restore: database {params['dbname']} restored in {time.monotonic() - clock:.1f}s")
    with _connect(params) as conn:
        tables = _user_tables(conn)
        present = {table.rsplit(".", 1)[-1] for table in tables}
        rows = {model._meta.label: conn.execute(f"SELECT count(*) FROM {_quote(model._meta.db_table)}").fetchone()[0]
                for model in _main_models() if model._meta.db_table in present}
    progress.advance(1, f"restore: {len(tables)} tables, {sum(rows.values())} rows in the main ones")
    return tables, rows
