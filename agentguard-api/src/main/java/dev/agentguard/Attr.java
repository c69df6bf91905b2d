package dev.agentguard;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a tool argument to a request attribute path such as {@code "resource.id"} or
 * {@code "destination.url"}, so that policies can read it. The value is copied (frozen) when the call
 * is decided.
 *
 * @since 0.1.0
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Attr {
  /** The attribute path, rooted at {@code resource}, {@code destination} or {@code context}. */
  String value();
}
