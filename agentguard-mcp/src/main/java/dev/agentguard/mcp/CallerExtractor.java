package dev.agentguard.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the SDK's per-request transport context from each HTTP request: the authenticated
 * principal's name and the {@code Mcp-Session-Id}, nothing else (no header, so no client token,
 * reaches tool code through the context). A {@code DELETE} of a session reports its end.
 */
final class CallerExtractor implements McpTransportContextExtractor<HttpServletRequest> {
  static final String PRINCIPAL = "agentguard.principal";
  static final String SESSION = "agentguard.session";
  static final String LISTING = "agentguard.listing";
  private static final String SESSION_HEADER = "Mcp-Session-Id";
  private static final Logger LOG = LoggerFactory.getLogger(CallerExtractor.class);

  private final Function<HttpServletRequest, String> principal;
  private final BiConsumer<String, String> sessionEnded;

  CallerExtractor(Function<HttpServletRequest, String> principal, BiConsumer<String, String> sessionEnded) {
    this.principal = principal;
    this.sessionEnded = sessionEnded;
  }

  static String principalName(HttpServletRequest request) {
    return request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName();
  }

  @Override
  public McpTransportContext extract(HttpServletRequest request) {
    String name;
    try {
      name = principal.apply(request);
    } catch (RuntimeException e) {
      LOG.warn("the principal function threw {}; the request has no principal", e.getClass().getName());
      name = null;
    }
    if (name != null && name.isBlank()) {
      name = null;
    }
    String session = request.getHeader(SESSION_HEADER);
    Map<String, Object> values = new HashMap<>();
    if (name != null) {
      values.put(PRINCIPAL, name);
    }
    if (session != null) {
      values.put(SESSION, session);
    }
    values.put(LISTING, new ListingTask());
    if ("DELETE".equals(request.getMethod()) && session != null && name != null) {
      sessionEnded.accept(session, name);
    }
    return McpTransportContext.create(values);
  }

  static McpCaller caller(McpTransportContext context, String sessionId) {
    Object p = context.get(PRINCIPAL);
    return new McpCaller(p instanceof String ? (String) p : null, sessionId, context);
  }

  static McpCaller caller(McpTransportContext context) {
    Object s = context.get(SESSION);
    return caller(context, s instanceof String ? (String) s : null);
  }
}
