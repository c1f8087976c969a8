"""Send each domain app to its own database."""

from core.databases import domain_of_alias, is_domain


class DomainRouter:
    """Route a domain app's reads, writes and migrations to the alias named after it.

    Django's own apps (auth, admin, sessions, contenttypes) stay on `default`. An alias added at run time by
    `--database-url` belongs to the domain it was registered for (see `core.databases.domain_database`).
    """

    def db_for_read(self, model, **hints):
        label = model._meta.app_label
        return label if is_domain(label) else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        return obj1._state.db == obj2._state.db or None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        domain = domain_of_alias(db)
        if is_domain(app_label):
            return domain == app_label
        return domain is None
