"""Writing the build context (PUB-2): Dockerfile, requirements.txt, metadata and databases.

Every check runs before anything is written, and a failure while writing removes what was
written, so an error leaves no output directory behind (and an existing empty one empty).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from datamill.classify import ClassifyError, require_extra
from datamill.core.sqlite import sqlite3
from datamill.publish.compose import COMPOSE_NAME, render_compose
from datamill.publish.dockerfile import METADATA_NAME, render_dockerfile, render_requirements
from datamill.publish.errors import PublishError
from datamill.publish.image import DockerImage, is_release
from datamill.serve.connection import database_uri
from datamill.serve.metadata import MetadataError, load_metadata

__all__ = ["BuildContext", "FILE_MODE", "copy_database", "write_context"]

FILE_MODE = 0o644
DOCKERFILE = "Dockerfile"
REQUIREMENTS = "requirements.txt"
#: Names Docker or this context gives a meaning to; no database may take one (any case).
_RESERVED = {
    name.lower()
    for name in (DOCKERFILE, ".dockerignore", REQUIREMENTS, METADATA_NAME, COMPOSE_NAME)
}
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")
_NOT_A_DATABASE = ("file is not a database", "file is encrypted or is not a database")


@dataclass(frozen=True)
class BuildContext:
    """A written context: its directory, its files in PUB-6's order, and the warnings to show.

    ``temporary`` is true for a directory ``write_context`` created under the system's
    temporary folder because no output directory was given.
    """

    directory: str
    files: tuple[str, ...]
    temporary: bool
    warnings: tuple[str, ...]


def write_context(image: DockerImage, output_dir: str | None = None) -> BuildContext:
    """Check ``image``'s files, then write its build context into ``output_dir``.

    ``output_dir`` must be absent or empty; ``None`` makes a new temporary directory.
    Raises ``PublishError`` (having written nothing that stays) for the PUB-2 error cases.
    """
    _check_names(image.file_names)
    if image.classifier_file is not None:
        _check_classifier(image.classifier_file, image.file_names)
    if output_dir is not None:
        _check_output_dir(output_dir)
    warnings = list(_check_metadata(image.metadata))
    for path in image.databases:
        _check_database(path)
    if not is_release(image.version):
        warnings.append(
            f"Warning: datamill {image.version} is not a released version; the image build "
            "can only install it from an index that has it"
        )
    writers: list[tuple[str, Callable[[str], None]]] = [
        (DOCKERFILE, partial(_write_text, render_dockerfile(image))),
        (
            REQUIREMENTS,
            partial(_write_text, render_requirements(image.version, image.classifier is not None)),
        ),
    ]
    if image.metadata is not None:
        writers.append((METADATA_NAME, partial(shutil.copyfile, image.metadata)))
    if image.classifier_file is not None:
        copy_model = partial(shutil.copyfile, image.classifier_file)
        writers.append((image.classifier_name or "", copy_model))
    for path, name in zip(image.databases, image.file_names):
        writers.append((name, partial(copy_database, path)))
    if image.replicas is not None:
        writers.append((COMPOSE_NAME, partial(_write_text, render_compose(image))))
    directory, created = _make_directory(output_dir)
    try:
        for name, write in writers:
            target = os.path.join(directory, name)
            write(target)
            os.chmod(target, FILE_MODE)
    except BaseException as error:
        _remove_contents(directory, created)
        if isinstance(error, (OSError, sqlite3.Error)):
            raise PublishError(f"Cannot write the build context in {directory}: {error}") from None
        raise
    return BuildContext(
        directory=directory,
        files=tuple(name for name, _ in writers),
        temporary=output_dir is None,
        warnings=tuple(warnings),
    )


def copy_database(source: str, target: str) -> None:
    """Copy ``source`` with SQLite's online backup, so committed WAL content is included,
    then switch the copy to ``journal_mode=DELETE``: one self-contained file.

    ``source`` is opened read-only and never written.
    """
    reader = sqlite3.connect(database_uri(source, immutable=False), uri=True)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
            writer.execute("PRAGMA journal_mode=DELETE")
        finally:
            writer.close()
    finally:
        reader.close()


def _check_names(names: tuple[str, ...]) -> None:
    seen: set[str] = set()
    for name in names:
        if not _SAFE_NAME.fullmatch(name) or name.lower() in _RESERVED:
            raise PublishError(
                f'Database file name "{name}" cannot be used in a Dockerfile; rename the file'
            )
        if name in seen:
            raise PublishError(f"Two databases are named {name}")
        seen.add(name)


def _check_classifier(path: str, database_names: tuple[str, ...]) -> None:
    """A model file ``serve --classifier`` can load, under a name no other file has."""
    name = os.path.basename(path)
    if not _SAFE_NAME.fullmatch(name) or name.lower() in _RESERVED:
        raise PublishError(f'Model file name "{name}" cannot be used in a Dockerfile; rename it')
    if name in database_names:
        raise PublishError(f"The model file and a database are both named {name}")
    try:
        require_extra()
        from datamill.classify.model_file import load_model

        load_model(path)
    except ClassifyError as error:
        raise PublishError(str(error)) from None


def _check_output_dir(path: str) -> None:
    if not os.path.lexists(path):
        return
    if not os.path.isdir(path):
        raise PublishError(f"Output directory {path} is not a directory")
    if os.listdir(path):
        raise PublishError(f"Output directory {path} is not empty")


def _check_metadata(path: str | None) -> list[str]:
    try:
        return load_metadata(path)[1]
    except MetadataError as error:
        raise PublishError(str(error)) from None


def _check_database(path: str) -> None:
    """Open ``path`` read-only and read its schema, as the backup will."""
    try:
        connection = sqlite3.connect(database_uri(path, immutable=False), uri=True)
        try:
            connection.execute("select count(*) from sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        if str(error) in _NOT_A_DATABASE:
            raise PublishError(f"{path} is not a SQLite database") from None
        raise PublishError(f"Cannot read {path}: {error}") from None


def _write_text(content: str, target: str) -> None:
    with open(target, "w", encoding="utf-8", newline="\n") as file:
        file.write(content)


def _make_directory(output_dir: str | None) -> tuple[str, bool]:
    """The directory to write into, and whether this call created it."""
    if output_dir is None:
        return tempfile.mkdtemp(prefix="datamill-publish-"), True
    if os.path.isdir(output_dir):
        return output_dir, False
    try:
        os.mkdir(output_dir)
    except OSError as error:
        raise PublishError(
            f"Cannot create output directory {output_dir}: {error.strerror}"
        ) from None
    return output_dir, True


def _remove_contents(directory: str, created: bool) -> None:
    """Undo a failed write: remove a directory made for it, or empty the one that was empty."""
    if created:
        shutil.rmtree(directory, ignore_errors=True)
        return
    for entry in os.listdir(directory):
        path = os.path.join(directory, entry)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)
