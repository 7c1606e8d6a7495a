"""Create the items table, and aerich's own; the SQL is picked for the database it runs on.

aerich writes SQL for one database; this first migration carries it for every database the
template supports, so DATABASE_URL may point at any of them. Later migrations made with
`aerich migrate --name <change>` hold the SQL of the database they were generated against.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

UPGRADE = {
    "sqlite": """
        CREATE TABLE IF NOT EXISTS "items" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "price" REAL NOT NULL
) /* A row of the items table. */;
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);""",
    "postgres": """
        CREATE TABLE IF NOT EXISTS "items" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "price" DOUBLE PRECISION NOT NULL
);
COMMENT ON TABLE "items" IS 'A row of the items table.';
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);""",
    "mysql": """
        CREATE TABLE IF NOT EXISTS `items` (
    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `name` VARCHAR(255) NOT NULL,
    `description` LONGTEXT,
    `price` DOUBLE NOT NULL
) CHARACTER SET utf8mb4 COMMENT='A row of the items table.';
CREATE TABLE IF NOT EXISTS `aerich` (
    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,
    `version` VARCHAR(255) NOT NULL,
    `app` VARCHAR(100) NOT NULL,
    `content` JSON NOT NULL
) CHARACTER SET utf8mb4;""",
}

DOWNGRADE = {
    "sqlite": 'DROP TABLE IF EXISTS "items";',
    "postgres": 'DROP TABLE IF EXISTS "items";',
    "mysql": "DROP TABLE IF EXISTS `items`;",
}


def _for(db: BaseDBAsyncClient, scripts: dict[str, str]) -> str:
    dialect = db.capabilities.dialect
    if dialect not in scripts:
        supported = ", ".join(scripts)
        raise RuntimeError(f"The initial migration has SQL for {supported}, not for {dialect}.")
    return scripts[dialect]


async def upgrade(db: BaseDBAsyncClient) -> str:
    return _for(db, UPGRADE)


async def downgrade(db: BaseDBAsyncClient) -> str:
    return _for(db, DOWNGRADE)


MODELS_STATE = (
    "eJztllFvmzAQx78K4qmTtqrN2rXaG8nSLVMGU8KmStOEHDDEirGpMWuiLt99PgOBEKDdHr"
    "au6lOS//3P3P2wfbkzYx5gmh5PJI5n2OciMN8adyZDMVZfWqIvDRMlSRUDQaIF1XaifFpB"
    "i1QK5EslhoimWEkBTn1BEkk4A6tlCH5r8NCQS2zoPEMvcwzpAfdVPmHRvc6MkZsMe5JHWI"
    "WF8n/7rmTCArzGafkzWXkhwXS/N6Kb0bonN4nWJkxeaSMUsfB8TrOYVeZkI5ec7dyESVAj"
    "zLBAEsPyUmTQLMsoLaCU/eeVVpa8xFpOgEOUUUAG2XkBlWZ6nu243nzsep55gLPMqHErJJ"
    "8zeBWq1FR3H0EJrwanZxdnl6/fnF0qiy5zp1xs80dXYPJEjcd2za2OI4lyh2ZcQdWfB1hH"
    "SyTauZb+BllVcpNsybEPbSlUbKvd9zfgxmjtUcwiuQSi5+c9KL9as9EHa3akXC/gkVwdl/"
    "wQ2UVokMeAd8W3XtkBZhevO7ZvI+2PaBfb9LHA7mHrjq9dWDlO0xtaR3r0ybrWtONNEZk6"
    "9vvSXnsFo6kzbJBPBPFbtvYV5agD+i6jgTuElP9we/cQf+d8GU7HxufZeDSZTxx7j3EeBE"
    "kJ6gIHbTa2pgowXM7hqnaTgLBA/uoWicA7iPAB7/IehuJB3FQQQ5HmBg1CO8V8s7B6Vcu2"
    "yVdEeqceqjz3jb1u1s+D7HENsh9YpK2XbPcsq6U8j7OHjTM4VL9BuLA/QbqnJycPoKtcnX"
    "R1bJ+ueqLE+dHeJ/xx7tjthGspDcoB8aXx06AkfWKzC2D0/1to/jEAODyVkdCr6AWG/3qY"
    "bX8BKlxhjA=="
)
