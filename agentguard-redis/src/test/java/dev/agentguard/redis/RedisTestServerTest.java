package dev.agentguard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The harness itself: a real server that answers Lettuce, restarts on its port and stops. */
class RedisTestServerTest {

  @Test
  void startsAnswersPingRestartsOnTheSamePortAndStops() {
    try (RedisTestServer redis = RedisTestServer.start("requirepass s3cret-for-test")) {
      int port = redis.port();
      assertEquals("PONG", ping(redis));

      redis.kill();
      assertFalse(redis.isRunning());
      assertThrows(RedisConnectionException.class, () -> ping(redis));

      redis.start();
      assertTrue(redis.isRunning());
      assertEquals(port, redis.port());
      assertEquals("PONG", ping(redis));

      redis.stop();
      assertFalse(redis.isRunning());
      assertThrows(RedisConnectionException.class, () -> ping(redis));
    }
  }

  @Test
  void appliesConfigurationLinesSuchAsAclUsers() {
    try (RedisTestServer redis = RedisTestServer.start("user guard on >pw-guard ~ag:* +@all",
        "user default off")) {
      RedisURI uri = RedisURI.builder(RedisURI.create(redis.uri()))
          .withAuthentication("guard", "pw-guard".toCharArray())
          .withTimeout(Duration.ofSeconds(5))
          .build();
      RedisClient client = RedisClient.create(uri);
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        assertEquals("OK", c.sync().set("ag:x", "1"));
        // the ACL from the configuration line forbids keys outside ag:*
        assertThrows(io.lettuce.core.RedisCommandExecutionException.class,
            () -> c.sync().set("other", "1"));
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }

  private static String ping(RedisTestServer redis) {
    RedisURI uri = RedisURI.builder(RedisURI.create(redis.uri()))
        .withPassword("s3cret-for-test".toCharArray())
        .withTimeout(Duration.ofSeconds(5))
        .build();
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().ping();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
