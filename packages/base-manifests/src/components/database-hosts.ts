/**
 * The env that tells the apiserver and async delete where Elasticsearch, MongoDB and Redis are.
 * Set explicitly because the Service names differ from compose's defaults.
 * @see https://github.com/clearml/clearml-server/blob/v2.3.0/docker/docker-compose.yml (apiserver.environment)
 */
import { STACK } from '../stack.ts';

/** Env name → value for the Elasticsearch, MongoDB and Redis Service hosts and ports. */
export function databaseHostEnv(): Record<string, string | number> {
  return {
    CLEARML_ELASTIC_SERVICE_HOST: STACK.elasticsearch.name,
    CLEARML_ELASTIC_SERVICE_PORT: STACK.elasticsearch.servicePort,
    CLEARML_MONGODB_SERVICE_HOST: STACK.mongo.name,
    CLEARML_MONGODB_SERVICE_PORT: STACK.mongo.servicePort,
    CLEARML_REDIS_SERVICE_HOST: STACK.redis.name,
    CLEARML_REDIS_SERVICE_PORT: STACK.redis.servicePort,
  };
}
