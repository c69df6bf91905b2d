/**
 * <b>Not API.</b> Helpers the API types share with {@code agentguard-core} only; the module
 * descriptor exports this package to {@code dev.agentguard.core} alone. Nothing here is covered by
 * compatibility promises: do not call it from application code.
 *
 * @since 0.2.0
 */
package dev.agentguard.internal;
