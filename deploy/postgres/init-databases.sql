-- Run once by the postgres image when its volume is empty (/docker-entrypoint-initdb.d). POSTGRES_DB is the coach
-- service's database; the Rasa and action servers' stores (ONTHAAL_BOT_DATABASE_URL) get their own.
CREATE DATABASE onthaal_bot OWNER onthaal;
