"""The configuration the `aerich` command line reads ([tool.aerich] in pyproject.toml)."""

from app.core.config import get_settings
from app.db.config import tortoise_config

# No statement timeout: a migration may rewrite a large table.
TORTOISE_ORM = tortoise_config(get_settings(), statement_timeout=None)
