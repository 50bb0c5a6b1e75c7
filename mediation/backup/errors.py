"""The one refusal of the backup commands."""


class BackupError(Exception):
    """A backup, verification or restore was refused; the message tells the operator why and what to do."""
