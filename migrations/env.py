"""Alembic environment for Flask-Migrate: runs against the application's engine."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.types import TypeDecorator

config = context.config
# Keep the application's loggers: the default would silence them.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_ext = current_app.extensions["migrate"]
engine = migrate_ext.db.engine
config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
target_metadata = migrate_ext.db.metadata


def render_item(type_, obj, autogen_context):
    """Render the application's type decorators as the plain types they store,
    so that revisions never import application code."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


migrate_ext.configure_args.setdefault("render_item", render_item)


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, **migrate_ext.configure_args)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def skip_empty_revisions(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    configure_args = dict(migrate_ext.configure_args)
    configure_args.setdefault("process_revision_directives", skip_empty_revisions)
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            context.configure(connection=connection, target_metadata=target_metadata, **configure_args)
            with context.begin_transaction():
                context.run_migrations()
            return
        # SQLite batch mode rebuilds a table (copy, drop, rename). With foreign keys
        # enforced, dropping a table that other rows reference fails, so any
        # revision that alters a referenced table breaks once data exists. Turn
        # enforcement off (only possible outside a transaction, hence the DBAPI
        # connection, which does not autobegin), run every revision in one
        # transaction (the engine's BEGIN IMMEDIATE makes SQLite DDL
        # transactional), and refuse to commit if a reference is left dangling.
        driver = connection.connection.dbapi_connection
        driver.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(connection=connection, target_metadata=target_metadata,
                              **{"transactional_ddl": True, **configure_args})
            with context.begin_transaction():
                context.run_migrations()
                dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if dangling:
                    tables = sorted({row[0] for row in dangling})
                    raise RuntimeError(f"migration leaves broken foreign keys in: {', '.join(tables)}")
        finally:
            driver.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
