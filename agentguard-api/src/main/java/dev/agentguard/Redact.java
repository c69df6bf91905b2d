package dev.agentguard;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a tool argument as secret: no audit record, reason or exception text holds its value, only
 * its SHA-256 digest ({@code "sha256:<hex>"}, of the value the call was decided on).
 *
 * <ul>
 *   <li>With {@link Attr}: policies read the value; the record keeps the digest under the attribute
 *       path, and every attribute derived from it (the scheme, host and port of a redacted
 *       {@code destination.url}, and {@code destination.external}) is replaced by the marker
 *       {@code "[redacted: derived from <path>]"}.
 *   <li>Without {@link Attr}: the record keeps the digest under {@code redacted.<name>}, where the
 *       name is {@link #value()} or, when that is empty, the parameter's compiled name. A parameter
 *       with neither (code compiled without {@code javac -parameters}) is refused when the tool is
 *       protected, so an audit key never silently becomes {@code arg0}.
 * </ul>
 *
 * @since 0.1.0
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Redact {
  /**
   * The name in the audit key {@code redacted.<name>} of an argument not bound with {@link Attr}:
   * ASCII letters, digits and {@code _}. Empty (the default): the parameter's compiled name.
   *
   * @since 0.2.0
   */
  String value() default "";
}
