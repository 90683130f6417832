/**
 * The env vars the server's processes read for database credentials and connection strings, beside
 * the host and port of their connections. The apiserver and async delete share the apiserver's
 * modules (`apiserver/database`, `apiserver/es_factory.py`, `apiserver/redis_manager.py`); the
 * fileserver has its own Redis manager. Every one is read with `os.getenv`, verbatim: none passes
 * through the `CLEARML__` HOCON config (`apiserver/config/basic.py:97-107` parses only names
 * starting with `CLEARML__`/`TRAINS__`, two underscores).
 */
import type { DatabaseAccessEnv } from './component-spec.ts';

const MONGO = 'clearml/clearml-server@v2.3.0:apiserver/database/__init__.py';
const ES = 'clearml/clearml-server@v2.3.0:apiserver/es_factory.py';
const API_REDIS = 'clearml/clearml-server@v2.3.0:apiserver/redis_manager.py';
const FILES_REDIS = 'clearml/clearml-server@v2.3.0:fileserver/redis_manager.py';

/**
 * What the apiserver's modules read (the apiserver, and async delete, which imports them:
 * clearml/clearml-server@v2.3.0:apiserver/jobs/async_urls_delete.py:26,611).
 */
export const API_DATABASE_ACCESS: readonly DatabaseAccessEnv[] = [
  {
    env: 'CLEARML_MONGODB_SERVICE_CONNECTION_STRING',
    target: 'mongodb',
    carries: 'connectionString',
    source: `${MONGO}:31,57,88-91 (used as is as the host of both the backend and the auth database, each keeping its own name, :83-86, unless the URI names a database: MongoEngine/mongoengine@v0.29.1:mongoengine/connection.py:131-133); logged in full, :65,90`,
  },
  {
    env: 'CLEARML_MONGODB_SERVICE_USERNAME',
    target: 'mongodb',
    carries: 'username',
    source: `${MONGO}:32,60,97-98 (set into the default URI of each database with furl, which percent-encodes it: gruns/furl@v2.1.4:furl/furl.py:1480-1482); ignored with a connection string, :88-92`,
  },
  {
    env: 'CLEARML_MONGODB_SERVICE_PASSWORD',
    target: 'mongodb',
    carries: 'password',
    source: `${MONGO}:33,61,99-100 (furl percent-encodes it, gruns/furl@v2.1.4:furl/furl.py:1481-1482; masked at :73-74, yet the URI holding it is logged at :106-108, clearml/clearml-server#294); ignored with a connection string, :88-92`,
  },
  {
    env: 'CLEARML_MONGODB_SERVICE_QUERY',
    target: 'mongodb',
    carries: 'query',
    source: `${MONGO}:34,62,101-102 (replaces the query of the default URI, clearml/clearml-server@v2.3.0:apiserver/config/default/hosts.conf:25-32, whose path names the database: without authSource, credentials are checked against backend and auth, mongodb/mongo-python-driver@4.12.1:pymongo/auth_shared.py:220)`,
  },
  {
    env: 'CLEARML_ELASTIC_SERVICE_USERNAME',
    target: 'elasticsearch',
    carries: 'username',
    source: `${ES}:28,41-43,104-106 (with no user, no authentication)`,
  },
  {
    env: 'CLEARML_ELASTIC_SERVICE_PASSWORD',
    target: 'elasticsearch',
    carries: 'password',
    source: `${ES}:30,45-47,108-116 (masked in the log; a user without it raises MissingPasswordForElasticUser), passed as http_auth to every cluster, :89-94`,
  },
  {
    env: 'CLEARML_REDIS_SERVICE_PASSWORD',
    target: 'redis',
    carries: 'password',
    source: `${API_REDIS}:22-26,36,59-61 (every alias; no username variable: AUTH as the default user)`,
  },
];

/** What the fileserver's own Redis manager reads (it keeps token data in Redis: clearml/clearml-server@v2.3.0:fileserver/auth.py:54). */
export const FILESERVER_DATABASE_ACCESS: readonly DatabaseAccessEnv[] = [
  {
    env: 'CLEARML_REDIS_SERVICE_PASSWORD',
    target: 'redis',
    carries: 'password',
    source: `${FILES_REDIS}:21-25,35,66-68 (every alias; no username variable: AUTH as the default user)`,
  },
];
