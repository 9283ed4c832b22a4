# On PostgreSQL the database itself refuses to change or delete an audit event, whoever asks (a plain SQL session
# included). TRUNCATE stays possible: it needs the table's owner, and tests empty the database with it.
#
# A later migration that must rewrite this table drops the trigger first and creates it again after.

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accreditation_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on accreditation_auditevent is refused.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accreditation_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accreditation_auditevent
    FOR EACH ROW EXECUTE FUNCTION accreditation_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS accreditation_auditevent_append_only ON accreditation_auditevent;
DROP FUNCTION IF EXISTS accreditation_auditevent_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)  # no parameters: the % in the message is PL/pgSQL's, not a placeholder


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [("workflow", "0004_hash_existing_events")]

    operations = [migrations.RunPython(create, drop)]
