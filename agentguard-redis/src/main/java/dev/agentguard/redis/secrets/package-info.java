/**
 * A {@link dev.agentguard.SecretBroker} for Redis: one ACL user per task lease
 * ({@link dev.agentguard.redis.secrets.RedisAclSecretBroker}).
 *
 * @since 0.2.0
 */
package dev.agentguard.redis.secrets;
