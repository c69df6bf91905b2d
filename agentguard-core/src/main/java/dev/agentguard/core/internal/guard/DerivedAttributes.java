package dev.agentguard.core.internal.guard;

import dev.agentguard.ToolRequest;
import dev.agentguard.core.internal.Glob;

/**
 * The attributes the guard derives rather than takes: {@code destination.scheme/host/port} from
 * {@code destination.url} (by {@link ToolRequest.Builder#build()}) and {@code destination.external}
 * from the host and the internal-host globs. Applied to every request before it is decided and again
 * after every interceptor, so an interceptor can neither forge a derived value nor change the tool's
 * declared metadata (action, risk, sensitivity). Thread-safe (immutable).
 */
final class DerivedAttributes {
  private static final String URL = "destination.url";
  private static final String HOST = "destination.host";
  private static final String EXTERNAL = "destination.external";

  private final Glob[] internalHosts;

  DerivedAttributes(Glob[] internalHosts) {
    this.internalHosts = internalHosts;
  }

  /** Adds {@code destination.external} when the request names a host: true unless an internal-host glob matches. */
  ToolRequest classify(ToolRequest request) {
    Object host = request.attribute(HOST);
    if (!(host instanceof String)) {
      return request;
    }
    boolean external = !Glob.anyMatches(internalHosts, (String) host);
    if (Boolean.valueOf(external).equals(request.attribute(EXTERNAL))) {
      return request;
    }
    return request.toBuilder().attribute(EXTERNAL, external).build();
  }

  /**
   * The request an interceptor passed on, as the guard lets it through: the declared request's tool
   * metadata, the interceptor's plain attributes, and every derived attribute recomputed. When the
   * declared request's destination came from a URL, the interceptor's host, scheme and port are
   * dropped and derived again from its {@code destination.url} (none when it removed the URL).
   */
  ToolRequest afterInterceptor(ToolRequest declared, ToolRequest next) {
    if (next == declared) {
      return declared;
    }
    ToolRequest.Builder b = next.toBuilder()
        .action(declared.action())
        .risk(declared.risk())
        .sensitivity(declared.sensitivity())
        .attribute(EXTERNAL, null);
    if (declared.attribute(URL) instanceof String) {
      b.attribute("destination.scheme", null).attribute(HOST, null).attribute("destination.port", null);
    }
    ToolRequest rebuilt = b.build();
    if (!(rebuilt.attribute(HOST) instanceof String) && declared.attribute(EXTERNAL) != null) {
      // no host to classify: keep what the host code declared, never the interceptor's value
      rebuilt = rebuilt.toBuilder().attribute(EXTERNAL, declared.attribute(EXTERNAL)).build();
    }
    return classify(rebuilt);
  }
}
