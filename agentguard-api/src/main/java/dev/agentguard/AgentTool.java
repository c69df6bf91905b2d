package dev.agentguard;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a method as an agent tool that AgentGuard authorizes on every call.
 *
 * <p>Pure metadata: the guard reads it once per method when the tool object is protected. It may
 * stand on the interface method, on the implementation method, or on both with identical values.
 *
 * <pre>{@code
 * @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
 * Ticket read(@Attr("resource.id") String ticketId);
 * }</pre>
 *
 * @since 0.1.0
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AgentTool {
  /** The tool name policies refer to, e.g. {@code "tickets.read"}: letters, digits, {@code . _ -}. */
  String value();

  /** The action the tool performs, e.g. {@code "read"}, {@code "send"}. */
  String action() default "invoke";

  /** How much harm a call can do. */
  Risk risk() default Risk.MEDIUM;

  /** The sensitivity of the data the tool touches, unless an argument bound to {@code resource.sensitivity} says otherwise. */
  Sensitivity sensitivity() default Sensitivity.INTERNAL;

  /**
   * The secrets the tool's body uses, by the names their brokers were configured under
   * ({@code AgentGuard.Builder.secretBroker(name, broker)}), e.g. {@code {"orders-db"}}. Before the
   * body of an allowed call runs, the guard obtains (or reuses) the task's lease of each; the body reads
   * them with {@code ToolCall.current().secret("orders-db")}. No other tool, and no code outside the
   * call, can obtain them. Default: none.
   *
   * @since 0.2.0
   */
  String[] secrets() default {};
}
